"""Hidden suite of the `vit` assignment.

Each test is one graded check (``@pytest.mark.check``); fixtures come from
:mod:`grader.plugin`. References take the student's own parameters (``attn.qkv``,
``attn.proj``, ``norm1``, ``mlp.fc1``, ...) but compute with torch's functions, so every part
the README specifies is checked once, by value, in the check that owns it: attention against
``F.scaled_dot_product_attention`` in float64; the block's pre-norm wiring, its LayerNorms
(eps 1e-6) and its MLP (``fc2(GELU(fc1(x)))``, exact GELU) against ``F.layer_norm``,
``F.gelu`` and ``F.linear``, calling only the student's attention module (the attention checks
own it); the network's class token, positional embedding, final LayerNorm and head (logits)
likewise, calling only the student's patch embedding and blocks. Sources: Dosovitskiy et al.,
ICLR 2021 (arXiv:2010.11929), Eq. 1-4; Vaswani et al., NeurIPS 2017 (arXiv:1706.03762), Eq. 1.
Published parameter counts: timm's ``vit_base/small/tiny_patch16_224``.

The plugin refuses ``F.scaled_dot_product_attention`` and the kernels behind
``nn.MultiheadAttention`` whenever the student's file is on the stack (``forbidden_calls``);
the references here call them freely.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from grader.forbidden import ForbiddenCall
from grader.numerics import rel_error
from grader.suites.common import assert_no_forbidden, assert_trains, count_parameters, randn64

check = pytest.mark.check

TOLERANCE = 1e-10
"""Largest relative error (CS231n's ``rel_error``) accepted against a reference in float64."""


def _generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _assert_close(name: str, what: str, got: Any, want: torch.Tensor, against: str) -> None:
    assert isinstance(got, torch.Tensor), f"{name}: {what} is a {type(got).__name__}, not a tensor"
    assert got.shape == want.shape, (
        f"{name}: {what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    )
    error = rel_error(got, want)
    assert error <= TOLERANCE, (
        f"{name}: {what} and {against} disagree (relative error {error:.1e}, at most "
        f"{TOLERANCE:.0e} allowed)"
    )


def _attention_output(result: Any, name: str) -> torch.Tensor:
    assert isinstance(result, torch.Tensor), (
        f"{name}(x) should return one tensor, got {type(result).__name__}"
    )
    return result


def _reference_attention(
    attn: nn.Module, x: torch.Tensor, num_heads: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Output and weights from the student's ``qkv`` / ``proj`` and torch's attention."""
    batch, tokens, dim = x.shape
    head = dim // num_heads
    qkv = F.linear(x, attn.qkv.weight, attn.qkv.bias)
    q, k, v = (
        t.reshape(batch, tokens, num_heads, head).transpose(1, 2) for t in qkv.chunk(3, dim=-1)
    )
    out = F.scaled_dot_product_attention(q, k, v)  # (B, num_heads, T, head_dim)
    out = F.linear(
        out.transpose(1, 2).reshape(batch, tokens, dim), attn.proj.weight, attn.proj.bias
    )
    weights = ((q @ k.transpose(-2, -1)) / head**0.5).softmax(dim=-1)
    return out, weights


def _layer_norm(norm: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """ViT's LayerNorm (eps 1e-6; Ba et al., 2016) with ``norm``'s own weight and bias."""
    return F.layer_norm(x, x.shape[-1:], norm.weight, norm.bias, eps=1e-6)


def _reference_mlp(mlp: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``fc2(GELU(fc1(x)))`` with the exact GELU (ViT paper, Eq. 3) on ``mlp``'s own linears."""
    hidden = F.gelu(F.linear(x, mlp.fc1.weight, mlp.fc1.bias))
    return F.linear(hidden, mlp.fc2.weight, mlp.fc2.bias)


def _permute_patches(images: torch.Tensor, patch: int, order: torch.Tensor) -> torch.Tensor:
    """Move the image's P x P patches (row-major index) to the positions ``order`` gives."""
    b, c, h, w = images.shape
    rows, cols = h // patch, w // patch
    grid = images.reshape(b, c, rows, patch, cols, patch).permute(0, 2, 4, 1, 3, 5)
    grid = grid.reshape(b, rows * cols, c, patch, patch)[:, order]
    grid = grid.reshape(b, rows, cols, c, patch, patch).permute(0, 3, 1, 4, 2, 5)
    return grid.reshape(b, c, h, w)


def _small_vit(submission: types.ModuleType, **overrides: Any) -> nn.Module:
    kwargs: dict[str, Any] = dict(
        img_size=28, patch_size=4, in_channels=1, num_classes=10, embed_dim=32, depth=2,
        num_heads=4,
    )  # fmt: skip
    kwargs.update(overrides)
    model: nn.Module = submission.VisionTransformer(**kwargs)
    return model


@check(points=10, title="PatchEmbedding: 28x28 with patch 4 gives 49 tokens; non-square; order")
def test_patch_embedding(submission: types.ModuleType) -> None:
    for img, patch, channels, shape, want in [
        (28, 4, 1, (2, 1, 28, 28), (2, 49, 16)),
        (224, 16, 3, (1, 3, 224, 224), (1, 196, 16)),
        ((28, 42), 7, 1, (2, 1, 28, 42), (2, 24, 16)),
        ((32, 16), 8, 3, (1, 3, 32, 16), (1, 8, 16)),
    ]:
        embed = submission.PatchEmbedding(img, patch, channels, 16)
        name = f"PatchEmbedding({img}, {patch}, {channels}, 16)"
        assert embed.num_patches == want[1], (
            f"{name}.num_patches is {embed.num_patches}, expected {want[1]}"
        )
        # float64, and the largest difference relative to the largest output: an unfold +
        # matmul embedding (the paper's Eq. 1) differs from the convolution by rounding only
        # (up to 3.6e-6 in float32, failing atol=1e-6 on 10 of 200 seeds; in float64 at most
        # 1.4e-15 of the largest output, while elementwise rel_error reached 1.006e-10 on
        # outputs near zero: docs/benchmarks.md)
        embed = embed.double()
        x = torch.randn(*shape, dtype=torch.float64)
        with torch.no_grad():
            got = embed(x)
            expected = embed.proj(x).flatten(2).transpose(1, 2)
        assert tuple(got.shape) == want, (
            f"{name} on {shape} gave {tuple(got.shape)}, expected {want}"
        )
        error = float((got - expected).abs().max() / expected.abs().max().clamp_min(1e-12))
        assert error <= TOLERANCE, (
            f"{name}: token n should be proj's output at patch row n // W', column n % W' "
            f"(row-major: flatten(2) then transpose(1, 2)); largest difference {error:.1e} of "
            "the largest output"
        )


@check(points=5, title="Invalid sizes raise ValueError naming both numbers")
def test_invalid_sizes_raise(submission: types.ModuleType) -> None:
    cases = [
        (
            "PatchEmbedding(30, 4, 1, 8)",
            lambda: submission.PatchEmbedding(30, 4, 1, 8),
            ("30", "4"),
        ),
        (
            "PatchEmbedding((28, 30), 7, 1, 8)",
            lambda: submission.PatchEmbedding((28, 30), 7, 1, 8),
            ("30", "7"),
        ),
        (
            "PatchEmbedding(28, 4, 1, 8) on a (1, 1, 30, 28) image",
            lambda: submission.PatchEmbedding(28, 4, 1, 8)(torch.randn(1, 1, 30, 28)),
            ("30", "4"),
        ),
        (
            "MultiHeadSelfAttention(30, 4)",
            lambda: submission.MultiHeadSelfAttention(30, 4),
            ("30", "4"),
        ),
    ]
    for name, make, numbers in cases:
        try:
            make()
        except ValueError as exc:
            message = str(exc)
        else:
            pytest.fail(
                f"{name} should raise ValueError naming {numbers[0]} and {numbers[1]}; it did not"
            )
        for number in numbers:
            assert number in message, (
                f"{name} raised ValueError({message!r}); the message should name {numbers[0]} "
                f"and {numbers[1]}"
            )


@check(points=5, title="Attention shapes, with and without return_attention")
def test_attention_shapes(submission: types.ModuleType) -> None:
    attn = submission.MultiHeadSelfAttention(32, 4)
    x = torch.randn(2, 50, 32)
    with torch.no_grad():
        out = _attention_output(attn(x), "MultiHeadSelfAttention(32, 4)")
        pair = attn(x, return_attention=True)
    assert tuple(out.shape) == (2, 50, 32), (
        f"MultiHeadSelfAttention(32, 4) on (2, 50, 32) gave {tuple(out.shape)}, expected "
        "(2, 50, 32)"
    )
    assert isinstance(pair, tuple) and len(pair) == 2, (
        "with return_attention=True, attention should return (output, weights)"
    )
    got = (tuple(pair[0].shape), tuple(pair[1].shape))
    assert got == ((2, 50, 32), (2, 4, 50, 50)), (
        f"with return_attention=True: shapes {got}, expected (2, 50, 32) and (2, 4, 50, 50)"
    )


@check(
    points=15,
    title="Attention equals softmax(QK^T / sqrt(d)) V per head (float64, vs torch)",
    hint="scale by 1/sqrt(d) with d = head_dim = embed_dim / num_heads; split each of Q, K, V "
    "into heads of head_dim consecutive features; softmax over the keys (last dim)",
)
def test_attention_matches_reference(submission: types.ModuleType) -> None:
    for dim, heads, tokens, bias in [(32, 4, 50, True), (24, 3, 7, False), (16, 1, 5, True)]:
        attn = submission.MultiHeadSelfAttention(dim, heads, qkv_bias=bias).double()
        name = f"MultiHeadSelfAttention({dim}, {heads}{'' if bias else ', qkv_bias=False'})"
        x = randn64(2, tokens, dim)
        with torch.no_grad():
            got = _attention_output(attn(x), name)
            want, _ = _reference_attention(attn, x, heads)
        _assert_close(
            name, "the output", got, want,
            "torch's scaled_dot_product_attention on your qkv and proj",
        )  # fmt: skip


@check(
    points=5,
    title="Attention weights: rows sum to 1 and equal softmax(QK^T / sqrt(d))",
    hint="the softmax runs over the last dimension (the keys), after scaling by 1/sqrt(d)",
)
def test_attention_weights(submission: types.ModuleType) -> None:
    attn = submission.MultiHeadSelfAttention(32, 4).double()
    x = randn64(2, 9, 32, seed=1)
    with torch.no_grad():
        _, weights = attn(x, return_attention=True)
        _, want = _reference_attention(attn, x, 4)
    name = "MultiHeadSelfAttention(32, 4)"
    sums = weights.sum(dim=-1)
    worst_row = float(sums.flatten()[(sums - 1).abs().argmax()])
    assert abs(worst_row - 1) < 1e-12 and bool((weights >= 0).all()), (
        f"{name}: each row of the attention weights (one query over all keys) should be "
        f"non-negative and sum to 1; a row sums to {worst_row:.4f}"
    )
    _assert_close(name, "the weights", weights, want, "softmax(QK^T / sqrt(d)) on your qkv")


@check(
    points=10,
    title="EncoderBlock is pre-norm: x + attn(norm1(x)), then + mlp(norm2(x)); LayerNorm eps 1e-6",
    hint="the LayerNorm goes inside the residual branch, before attention and before the MLP; "
    "the MLP is fc2(GELU(fc1(x))) with nn.GELU(), the exact GELU",
)
def test_encoder_block_pre_norm(submission: types.ModuleType) -> None:
    block = submission.EncoderBlock(32, 4, mlp_ratio=2.0).double()
    name = "EncoderBlock(32, 4, mlp_ratio=2.0)"
    for norm in ("norm1", "norm2"):
        layer = getattr(block, norm)
        assert isinstance(layer, nn.LayerNorm), f"{name}.{norm} should be an nn.LayerNorm"
        assert layer.eps == 1e-6, f"{name}.{norm} has eps {layer.eps}; ViT uses 1e-6"
    assert block.mlp.fc1.out_features == 64, (
        f"{name}.mlp.fc1 has {block.mlp.fc1.out_features} outputs, expected int(32 * 2.0) = 64"
    )
    with torch.no_grad():
        for module in (block.norm1, block.norm2):  # non-trivial affine parameters
            module.weight.copy_(1 + 0.1 * randn64(32, seed=2))
            module.bias.copy_(0.1 * randn64(32, seed=3))
        x = randn64(2, 7, 32, seed=4) * 3 + 1
        got = block(x)
        y = x + _attention_output(block.attn(_layer_norm(block.norm1, x)), f"{name}.attn")
        want = y + _reference_mlp(block.mlp, _layer_norm(block.norm2, y))
    against = (
        "the pre-norm formula (x + attn(norm1(x)), then + mlp(norm2(.)), with "
        "mlp = fc2(GELU(fc1(.))) and LayerNorm eps 1e-6)"
    )
    _assert_close(name, "the output", got, want, against)


@check(points=5, title="Parameter counts equal the published ViT-B/16, ViT-S/16, ViT-Ti/16")
def test_parameter_counts(submission: types.ModuleType) -> None:
    for name, kwargs, want in [
        ("ViT-B/16", {}, 86_567_656),
        ("ViT-S/16", {"embed_dim": 384, "num_heads": 6}, 22_050_664),
        ("ViT-Ti/16", {"embed_dim": 192, "num_heads": 3}, 5_717_416),
    ]:
        try:  # no memory and no initialisation on the meta device
            with torch.device("meta"):
                model = submission.VisionTransformer(**kwargs)
        except (NotImplementedError, ForbiddenCall):
            raise
        except Exception:
            model = submission.VisionTransformer(**kwargs)
        got = count_parameters(model)
        assert got == want, (
            f"VisionTransformer({', '.join(f'{k}={v}' for k, v in kwargs.items())}) ({name}: "
            f"224x224, patch 16, 1000 classes) has {got:,} parameters, expected {want:,}"
        )


def _mean_square_ok(values: torch.Tensor, want: float, fourth: float) -> tuple[float, float]:
    """The mean square of ``values`` over ``want``, and the 6-standard-deviation slack of that
    ratio for ``n`` independent draws whose fourth moment is ``fourth * want**2`` (normal: 3,
    uniform: 1.8)."""
    v = values.detach().double().flatten()
    ratio = float(v.pow(2).mean()) / want
    return ratio, 6 * ((fourth - 1) / v.numel()) ** 0.5


@check(
    points=5,
    title="Initialisation: trunc_normal_(std=0.02) class token and positions, torch's defaults "
    "elsewhere",
)
def test_initialisation(submission: types.ModuleType) -> None:
    # The task's network. Bounds at 6 standard deviations of each mean square (a correct
    # initialisation misses them with probability below 1e-8 per tensor); the 64 values of the
    # class token get [0.25, 3] (chi-square with 64 degrees of freedom: below 1e-9 outside).
    torch.manual_seed(0)
    model = submission.VisionTransformer(
        img_size=28, patch_size=4, in_channels=1, num_classes=10, embed_dim=64, depth=4,
        num_heads=4,
    )  # fmt: skip
    name = "VisionTransformer(28, patch 4, embed_dim 64)"
    ratio, slack = _mean_square_ok(model.pos_embed, 0.02**2, 3.0)
    assert abs(ratio - 1) <= slack, (
        f"{name}.pos_embed has a mean square {ratio:.3g} times 0.02^2; "
        "nn.init.trunc_normal_(pos_embed, std=0.02) gives 1 within "
        f"{slack:.2f}"
    )
    ratio, _ = _mean_square_ok(model.cls_token, 0.02**2, 3.0)
    assert 0.25 <= ratio <= 3.0, (
        f"{name}.cls_token has a mean square {ratio:.3g} times 0.02^2: initialise it with "
        "nn.init.trunc_normal_(cls_token, std=0.02)"
    )
    for part, m in model.named_modules():
        if isinstance(m, nn.LayerNorm):
            ok = bool((m.weight == 1).all() and (m.bias == 0).all())
            assert ok, f"{name}.{part}: LayerNorm should keep its default weight 1 and bias 0"
        if not isinstance(m, (nn.Linear, nn.Conv2d)):
            continue
        bound = 1 / m.weight[0].numel() ** 0.5  # kaiming_uniform_(a=sqrt(5)): 1 / sqrt(fan_in)
        for kind, p in (("weight", m.weight), ("bias", m.bias)):
            if p is None:
                continue
            largest = float(p.detach().abs().max())
            ratio, slack = _mean_square_ok(p, bound**2 / 3, 1.8)
            ok = largest <= bound * (1 + 1e-6) and (kind == "bias" or abs(ratio - 1) <= slack)
            assert ok, (
                f"{name}.{part}.{kind}: largest |value| {largest:.3g}, mean square "
                f"{ratio:.3g} times bound^2 / 3; torch's default initialisation is uniform in "
                f"+-1/sqrt(fan_in) = +-{bound:.3g}: keep it (no custom init of nn.Linear or "
                "nn.Conv2d)"
            )


@check(
    points=5, title="VisionTransformer shapes: 28x28 patch 4, non-square, class token and positions"
)
def test_vit_shapes(submission: types.ModuleType) -> None:
    for kwargs, shape in [
        ({}, (2, 1, 28, 28)),
        ({"img_size": (28, 42), "patch_size": 7}, (3, 1, 28, 42)),
        ({"img_size": 32, "in_channels": 3, "num_classes": 5, "depth": 1}, (1, 3, 32, 32)),
    ]:
        model = _small_vit(submission, **kwargs)
        patches = model.patch_embed.num_patches
        with torch.no_grad():
            got = tuple(model(torch.randn(*shape)).shape)
        classes = kwargs.get("num_classes", 10)
        assert got == (shape[0], classes), (
            f"VisionTransformer({kwargs or '28x28, patch 4'}) on {shape} gave {got}, expected "
            f"({shape[0]}, {classes})"
        )
        for attribute, want in [("cls_token", (1, 1, 32)), ("pos_embed", (1, patches + 1, 32))]:
            found = tuple(getattr(model, attribute).shape)
            assert found == want, (
                f"{attribute} has shape {found}, expected {want} (N = {patches} patches + 1)"
            )


@check(
    points=10,
    title="VisionTransformer: class token first, positions added, head on token 0",
    hint="tokens = cat([cls_token.expand(B, -1, -1), patch_embed(x)], dim=1) + pos_embed; "
    "logits = head(norm(blocks(tokens))[:, 0]), no softmax; "
    "norm = nn.LayerNorm(embed_dim, eps=1e-6)",
)
def test_vit_matches_reference(submission: types.ModuleType) -> None:
    model = _small_vit(submission).double()
    with torch.no_grad():
        model.cls_token.copy_(randn64(1, 1, 32, seed=5))
        model.pos_embed.copy_(randn64(1, 50, 32, seed=6))
        model.norm.weight.copy_(1 + 0.1 * randn64(32, seed=8))  # non-trivial affine parameters
        model.norm.bias.copy_(0.1 * randn64(32, seed=9))
        x = randn64(3, 1, 28, 28, seed=7)
        got = model(x)
        tokens = model.patch_embed(x)
        tokens = torch.cat([model.cls_token.expand(3, -1, -1), tokens], dim=1) + model.pos_embed
        for block in model.blocks:
            tokens = block(tokens)
        want = F.linear(_layer_norm(model.norm, tokens)[:, 0], model.head.weight, model.head.bias)
    _assert_close(
        "VisionTransformer(28, patch 4)", "the logits", got, want,
        "head(norm(blocks(cat([cls_token, patch_embed(x)]) + pos_embed))[:, 0]) (logits, "
        "LayerNorm eps 1e-6)",
    )  # fmt: skip


@check(
    points=5,
    title="Without positions the encoder ignores patch order; with them the order matters",
    hint="the class token must be a separate token (not a patch), and pos_embed must be added",
)
def test_permutation(submission: types.ModuleType) -> None:
    model = _small_vit(submission).double().eval()
    order = torch.randperm(49, generator=_generator(8))
    x = randn64(2, 1, 28, 28, seed=9)
    shuffled = _permute_patches(x, 4, order)
    name = "VisionTransformer(28, patch 4)"
    with torch.no_grad():
        model.pos_embed.zero_()
        plain, permuted = model(x), model(shuffled)
        error = rel_error(plain, permuted)
        assert error < 1e-9, (
            f"{name} with pos_embed set to zero: shuffling the patches changed the logits "
            f"(relative error {error:.1e}); self-attention without positions cannot see order, "
            "so the class token's output should not change"
        )
        model.pos_embed.copy_(randn64(1, 50, 32, seed=10))
        plain, permuted = model(x), model(shuffled)
    assert rel_error(plain, permuted) > 1e-3, (
        f"{name} with a random pos_embed: shuffling the patches did not change the logits; is "
        "pos_embed added to the tokens?"
    )


@check(points=5, title="No nn.MultiheadAttention, nn.Transformer*, scaled_dot_product_attention")
def test_no_forbidden_api(submission: types.ModuleType, submission_path: Path, spec: Any) -> None:
    runs = [
        ("VisionTransformer", lambda: _small_vit(submission, depth=1)(torch.randn(2, 1, 28, 28)))
    ]
    assert_no_forbidden(submission_path, spec.forbidden, runs)


def accuracy_model(module: types.ModuleType, params: dict[str, Any]) -> nn.Module:
    """The accuracy check's network: ``module.VisionTransformer`` on 28x28 grey images."""
    model: nn.Module = module.VisionTransformer(
        img_size=28, patch_size=int(params["patch_size"]), in_channels=1, num_classes=10,
        embed_dim=int(params["embed_dim"]), depth=int(params["depth"]),
        num_heads=int(params["num_heads"]),
    )  # fmt: skip
    return model


@check(
    points=15,
    title="Fashion-MNIST test accuracy after the profile's training budget",
    hint="if the loss does not fall, check the residual connections and the softmax axis",
    training=True,
)
def test_accuracy(
    submission: types.ModuleType, fashion_mnist: Any, profile: Any, device: torch.device,
    progress: Any, seed: int, measure: Any,
) -> None:  # fmt: skip
    assert_trains(
        accuracy_model(submission, profile.params).to(device),
        fashion_mnist,
        profile,
        progress,
        seed=seed,
        measure=measure,
    )
