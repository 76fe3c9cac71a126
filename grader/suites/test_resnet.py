"""Hidden suite of the `resnet` assignment.

Each test is one graded check (``@pytest.mark.check``); fixtures come from
:mod:`grader.plugin`. Messages speak to the student about their code. Reference numbers:
He et al., "Deep Residual Learning for Image Recognition", CVPR 2016 (arXiv:1512.03385);
parameter counts equal torchvision's ``resnet18/34/50``.
"""

from __future__ import annotations

import types
from typing import Any

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from grader.suites.common import (
    assert_no_forbidden,
    assert_trains,
    build_on_meta,
    count_parameters,
    randn64,
)

check = pytest.mark.check


def _shape(module: nn.Module, *shape: int) -> tuple[int, ...]:
    with torch.no_grad():
        return tuple(module(torch.randn(*shape)).shape)


def _zero_last_bn(block: nn.Module) -> None:
    """Zero the residual branch's last BatchNorm so the block is relu(shortcut(x))."""
    last = getattr(block, "bn3", None) or block.bn2
    with torch.no_grad():
        last.weight.zero_()
        last.bias.zero_()


def _convs(module: nn.Module) -> list[nn.Conv2d]:
    return [m for m in module.modules() if isinstance(m, nn.Conv2d)]


@check(points=5, title="BasicBlock output shapes (stride 1 and 2, channel change)")
def test_basic_block_shapes(submission: types.ModuleType) -> None:
    block = submission.BasicBlock
    assert block.expansion == 1, f"BasicBlock.expansion should be 1, found {block.expansion}"
    for args, shape, want in [
        ((16, 16, 1), (2, 16, 12, 12), (2, 16, 12, 12)),
        ((16, 32, 2), (2, 16, 12, 12), (2, 32, 6, 6)),
        ((16, 32, 2), (2, 16, 7, 7), (2, 32, 4, 4)),
    ]:
        got = _shape(block(*args), *shape)
        assert got == want, f"BasicBlock{args} on {shape} gave {got}, expected {want}"


@check(points=5, title="Bottleneck output shapes and expansion 4")
def test_bottleneck_shapes(submission: types.ModuleType) -> None:
    block = submission.Bottleneck
    assert block.expansion == 4, f"Bottleneck.expansion should be 4, found {block.expansion}"
    for args, shape, want in [
        ((64, 16, 1), (2, 64, 8, 8), (2, 64, 8, 8)),
        ((32, 16, 1), (2, 32, 8, 8), (2, 64, 8, 8)),
        ((64, 16, 2), (2, 64, 8, 8), (2, 64, 4, 4)),
    ]:
        got = _shape(block(*args), *shape)
        assert got == want, f"Bottleneck{args} on {shape} gave {got}, expected {want}"


class _ThreeWideBlock(nn.Module):
    """A block class of the grader's own, with ``expansion = 3``: a 1x1 convolution with the
    stride to ``3 * planes`` channels (the README: ``ResNet`` takes any block class with this
    interface)."""

    expansion = 3

    def __init__(self, in_channels: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, 3 * planes, 1, stride=stride)  # a bias: any init works

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.conv(x))


@check(points=5, title="ResNet output shapes (ImageNet stem and small-input stem)")
def test_resnet_shapes(submission: types.ModuleType) -> None:
    own = submission.ResNet(
        _ThreeWideBlock, [2, 1, 1, 1], num_classes=4, in_channels=1, base_width=4,
        small_input=True,
    )  # fmt: skip
    got = _shape(own, 2, 1, 16, 16)
    assert got == (2, 4), (
        f"ResNet with a block class of expansion 3 on (2, 1, 16, 16) gave {got}, expected (2, 4): "
        "use block.expansion for the channels after each block and for fc"
    )
    small = submission.ResNet(
        submission.BasicBlock, [1, 1, 1, 1], num_classes=10, in_channels=1, base_width=8,
        small_input=True,
    )  # fmt: skip
    got = _shape(small, 2, 1, 28, 28)
    assert got == (2, 10), f"small-input ResNet on (2, 1, 28, 28) gave {got}, expected (2, 10)"
    got = _shape(submission.resnet18(num_classes=7), 2, 3, 64, 64)
    assert got == (2, 7), f"resnet18(num_classes=7) on (2, 3, 64, 64) gave {got}, expected (2, 7)"
    got = _shape(submission.resnet50(num_classes=5, in_channels=1), 1, 1, 64, 64)
    assert got == (1, 5), (
        f"resnet50(5, in_channels=1) on (1, 1, 64, 64) gave {got}, expected (1, 5)"
    )


@check(
    points=10,
    title="ResNet.forward: the stem, the stages' strides and the head (raw logits), by value",
    hint="stem: conv1 (7x7/2, padding 3; 3x3/1 with small_input) -> bn1 -> relu -> maxpool "
    "(3/2, padding 1; nn.Identity with small_input); layer2-4 start with stride 2; then "
    "avgpool, flatten and fc, no softmax",
)
def test_resnet_forward(submission: types.ModuleType) -> None:
    # (small_input, input, spatial size after each stage)
    for small, shape, sizes in (
        (True, (2, 1, 20, 20), [20, 10, 5, 3]),
        (False, (2, 3, 64, 64), [16, 8, 4, 2]),
    ):
        model = submission.ResNet(
            submission.BasicBlock, [1, 1, 1, 1], num_classes=5, in_channels=shape[1],
            base_width=4, small_input=small,
        ).double().eval()  # fmt: skip
        name = f"ResNet(BasicBlock, [1, 1, 1, 1], base_width=4, small_input={small})"
        bn = getattr(model, "bn1", None)
        assert isinstance(bn, nn.BatchNorm2d), (
            f"{name}.bn1 is {type(bn).__name__}: the stem's BatchNorm should be an nn.BatchNorm2d "
            "named bn1 (conv1 -> bn1 -> relu)"
        )
        with torch.no_grad():  # non-trivial statistics and affine parameters in the stem
            bn.running_mean.copy_(0.1 * randn64(4, seed=1))
            bn.running_var.copy_(1 + 0.5 * randn64(4, seed=2).abs())
            bn.weight.copy_(1 + 0.2 * randn64(4, seed=3))
            bn.bias.copy_(0.1 * randn64(4, seed=4))
        seen: list[int] = []
        stages = (model.layer1, model.layer2, model.layer3, model.layer4)
        hooks = [
            stage.register_forward_hook(lambda m, i, out, seen=seen: seen.append(out.shape[-1]))
            for stage in stages
        ]
        x = randn64(*shape, seed=5)
        with torch.no_grad():
            got = model(x)
        for hook in hooks:
            hook.remove()
        assert seen == sizes, (
            f"{name} on {shape}: the stages output {seen} pixels wide, expected {sizes} (the "
            f"stem {'keeps' if small else 'divides by 4'} H and W; layer2-4 start with stride 2)"
        )
        with torch.no_grad():
            h = F.conv2d(x, model.conv1.weight, stride=1 if small else 2, padding=1 if small else 3)
            h = F.batch_norm(
                h, bn.running_mean, bn.running_var, bn.weight, bn.bias, training=False, eps=1e-5
            )
            h = F.relu(h)
            if not small:
                h = F.max_pool2d(h, 3, stride=2, padding=1)
            for stage in stages:  # the student's stages: their blocks have checks of their own
                h = stage(h)
            want = F.linear(h.mean(dim=(2, 3)), model.fc.weight, model.fc.bias)
        assert isinstance(got, torch.Tensor) and got.shape == want.shape, (
            f"{name} on {shape} gave {getattr(got, 'shape', got)}, expected {tuple(want.shape)}"
        )
        error = float((got - want).abs().max() / want.abs().max())
        assert error <= 1e-10, (
            f"{name} in eval mode: the logits differ from fc(mean over H, W of layer4(...(maxpool("
            f"relu(bn1(conv1(x)))))) by {error:.1e} relative (at most 1e-10): check the stem's "
            "kernel, stride and padding, the pooling, and that the output is raw logits"
        )


@check(points=5, title="Block parameter counts equal torchvision's")
def test_block_parameter_counts(submission: types.ModuleType) -> None:
    for name, module, want in [
        ("BasicBlock(64, 64)", submission.BasicBlock(64, 64), 73_984),
        ("Bottleneck(256, 64)", submission.Bottleneck(256, 64), 70_400),
        ("BasicBlock(64, 128, stride=2)", submission.BasicBlock(64, 128, 2), 230_144),
    ]:
        got = count_parameters(module)
        assert got == want, f"{name} has {got:,} parameters, expected {want:,}"


@check(points=10, title="resnet18/34/50 parameter counts equal torchvision's")
def test_resnet_parameter_counts(submission: types.ModuleType) -> None:
    for name, want in [
        ("resnet18", 11_689_512),
        ("resnet34", 21_797_672),
        ("resnet50", 25_557_032),
    ]:
        model, _ = build_on_meta(getattr(submission, name))  # counts need no initialisation
        got = count_parameters(model)
        assert got == want, f"{name}() has {got:,} parameters, expected {want:,}"


@check(
    points=5,
    title="Identity shortcut has no parameters and passes x through",
    hint="when stride is 1 and channels do not change, `shortcut` is an empty nn.Sequential()",
)
def test_identity_shortcut(submission: types.ModuleType) -> None:
    for block, channels in [
        (submission.BasicBlock(16, 16), 16),
        (submission.Bottleneck(64, 16), 64),
    ]:
        name = type(block).__name__
        extra = count_parameters(block.shortcut)
        assert extra == 0, f"{name}'s identity shortcut has {extra} parameters, expected none"
        _zero_last_bn(block)
        block.eval()
        x = torch.randn(2, channels, 6, 6)
        with torch.no_grad():
            y = block(x)
        assert torch.equal(y, torch.relu(x)), (
            f"with the residual branch's last BatchNorm zeroed, {name}(x) should be relu(x)"
        )


@check(
    points=10,
    title="Projection shortcut is a strided 1x1 conv + BatchNorm",
    hint="when stride != 1 or channels change, shortcut = Conv2d(in, out, 1, stride) + BatchNorm2d",
)
def test_projection_shortcut(submission: types.ModuleType) -> None:
    for block, cin, cout, stride in [
        (submission.BasicBlock(16, 32, 2), 16, 32, 2),
        (submission.BasicBlock(16, 32, 1), 16, 32, 1),
        (submission.Bottleneck(32, 16, 1), 32, 64, 1),
        (submission.Bottleneck(64, 16, 2), 64, 64, 2),
    ]:
        name = f"{type(block).__name__}({cin}, ..., stride={stride})"
        convs = _convs(block.shortcut)
        norms = [m for m in block.shortcut.modules() if isinstance(m, nn.BatchNorm2d)]
        assert len(convs) == 1 and len(norms) == 1, (
            f"{name}: shortcut should hold one Conv2d and one BatchNorm2d, found "
            f"{len(convs)} and {len(norms)}"
        )
        conv = convs[0]
        assert (conv.in_channels, conv.out_channels) == (cin, cout), (
            f"{name}: projection maps {conv.in_channels}->{conv.out_channels} channels, "
            f"expected {cin}->{cout}"
        )
        assert conv.kernel_size == (1, 1) and conv.stride == (stride, stride), (
            f"{name}: projection conv has kernel {conv.kernel_size} stride {conv.stride}, "
            f"expected (1, 1) and ({stride}, {stride})"
        )


@check(
    points=10,
    title="Gradient reaches the input through the shortcut",
    visibility="hidden",
)
def test_gradient_through_shortcut(submission: types.ModuleType) -> None:
    for block, channels in [(submission.BasicBlock(8, 8), 8), (submission.Bottleneck(32, 8), 32)]:
        _zero_last_bn(block)
        x = torch.randn(2, channels, 5, 5, requires_grad=True)
        block(x).sum().backward()
        assert x.grad is not None
        expected = (x.detach() > 0).float()
        assert torch.allclose(x.grad, expected), (
            f"{type(block).__name__}: with a zeroed residual branch the gradient w.r.t. x should "
            "be 1 where x > 0 (it flows through the identity shortcut)"
        )


@check(
    points=5,
    title="Stride sits on the first 3x3 (BasicBlock) and on the 3x3 (Bottleneck, v1.5)",
    hint="BasicBlock: conv1 takes the stride; Bottleneck: conv2 (the 3x3) takes it, not conv1",
)
def test_stride_placement(submission: types.ModuleType) -> None:
    basic = submission.BasicBlock(8, 16, 2)
    assert basic.conv1.stride == (2, 2) and basic.conv2.stride == (1, 1), (
        f"BasicBlock(8, 16, stride=2): conv1 stride {basic.conv1.stride}, conv2 stride "
        f"{basic.conv2.stride}; expected (2, 2) and (1, 1)"
    )
    neck = submission.Bottleneck(32, 8, 2)
    strides = (neck.conv1.stride, neck.conv2.stride, neck.conv3.stride)
    assert strides == ((1, 1), (2, 2), (1, 1)), (
        f"Bottleneck(32, 8, stride=2): conv1/conv2/conv3 strides {strides}; expected the stride "
        "on conv2 (the 3x3) only"
    )
    assert neck.conv2.kernel_size == (3, 3), "Bottleneck.conv2 should be the 3x3 convolution"


@check(
    points=5,
    title="BatchNorm after every conv: batch statistics in train, running statistics in eval",
    visibility="hidden",
)
def test_batchnorm_train_eval(submission: types.ModuleType) -> None:
    for block, channels, convs in [
        (submission.BasicBlock(8, 16, 2), 8, 3),
        (submission.Bottleneck(16, 8, 1), 16, 4),
    ]:
        name = type(block).__name__
        norms = [m for m in block.modules() if isinstance(m, nn.BatchNorm2d)]
        found = (len(_convs(block)), len(norms))
        assert found == (convs, convs), (
            f"{name}: {found[0]} convs and {found[1]} BatchNorm2d; expected {convs} each"
        )
        x = torch.randn(4, channels, 6, 6) * 3 + 1
        block.train()
        # the residual branch's BatchNorms, by the names the README gives them, must each run
        branch = {n: getattr(block, n) for n in ("bn1", "bn2", "bn3") if hasattr(block, n)}
        applied: list[nn.Module] = []
        hooks = [
            m.register_forward_hook(lambda m, i, o, seen=applied: seen.append(m))
            for m in branch.values()
            if isinstance(m, nn.Module)
        ]
        inputs: dict[str, torch.Tensor] = {}  # what each BatchNorm normalised, by name
        hooks += [
            m.register_forward_pre_hook(
                lambda m, i, n=n, seen=inputs: seen.setdefault(n, i[0].detach())
            )
            for n, m in block.named_modules()
            if isinstance(m, nn.BatchNorm2d)
        ]
        try:
            with torch.no_grad():
                train_out = block(x)
        finally:
            for hook in hooks:
                hook.remove()
        unused = [n for n, m in branch.items() if not any(m is a for a in applied)]
        assert not unused, (
            f"{name}: {', '.join(unused)} {'is' if len(unused) == 1 else 'are'} built but never "
            "applied in forward: every conv is followed by its BatchNorm"
        )
        for n, m in block.named_modules():
            if not isinstance(m, nn.BatchNorm2d) or n not in inputs:
                continue
            seen = inputs[n].double()
            want_mean = 0.1 * seen.mean(dim=(0, 2, 3))  # fresh buffers: mean 0, var 1
            want_var = 0.9 + 0.1 * seen.var(dim=(0, 2, 3), unbiased=True)
            got = (m.running_mean, m.running_var)
            assert got[0] is not None and got[1] is not None, (
                f"{name}.{n} keeps no running statistics (track_running_stats=False?): use "
                "nn.BatchNorm2d's defaults"
            )
            error = max(
                float((g.double() - w).abs().max() / w.abs().max().clamp_min(1e-3))
                for g, w in ((got[0], want_mean), (got[1], want_var))
            )
            assert error <= 1e-4, (
                f"{name}.{n}: one forward in train mode should move the running mean and "
                "variance by momentum 0.1 towards the batch's (nn.BatchNorm2d's defaults); they "
                f"are off by {error:.2g} relative"
            )
        block.eval()
        with torch.no_grad():
            eval_out = block(x)
            single = block(x[:1])
        assert not torch.allclose(train_out, eval_out), (
            f"{name} gives the same output in train and eval"
        )
        assert torch.allclose(single, eval_out[:1], atol=1e-5), (
            f"{name} in eval mode: a sample's output depends on the rest of the batch"
        )


@check(
    points=5,
    title="Initialisation: Kaiming normal (fan_out, relu) convs, BatchNorm weight 1 and bias 0",
)
def test_initialisation(submission: types.ModuleType) -> None:
    # Two small-input networks (every kind of conv: stem, 3x3, 1x1, projections, fan_in !=
    # fan_out). A conv of n weights drawn from N(0, 2 / fan_out) has a sample variance within
    # 6 standard deviations, sqrt(2 / (n - 1)) relative, of 2 / fan_out; the pooled
    # standardised weights' kurtosis is 3 within 0.3 (its standard deviation over >= 40,000
    # weights: at most 0.025; a uniform draw gives 1.8).
    torch.manual_seed(0)
    models = {
        "ResNet(BasicBlock, [1, 1, 1, 1], base_width=16)": submission.ResNet(
            submission.BasicBlock, [1, 1, 1, 1], num_classes=10, in_channels=1, base_width=16,
            small_input=True,
        ),
        "ResNet(Bottleneck, [1, 1, 1, 1], base_width=8)": submission.ResNet(
            submission.Bottleneck, [1, 1, 1, 1], num_classes=10, in_channels=1, base_width=8,
            small_input=True,
        ),
    }  # fmt: skip
    standardised = []
    for model_name, model in models.items():
        for name, m in model.named_modules():
            if isinstance(m, nn.BatchNorm2d):
                ok = bool((m.weight == 1).all() and (m.bias == 0).all())
                assert ok, (
                    f"{model_name}.{name}: BatchNorm weight and bias should start at 1 and 0 "
                    "(weight 1 everywhere, also in the last BatchNorm of each block)"
                )
            if not isinstance(m, nn.Conv2d):
                continue
            w = m.weight.detach().double()
            fan_out = w.shape[0] * w[0, 0].numel()
            want = 2.0 / fan_out
            ratio = float(w.pow(2).mean()) / want
            slack = 6 * (2 / (w.numel() - 1)) ** 0.5
            assert abs(ratio - 1) <= slack, (
                f"{model_name}.{name}: the weights' variance is {ratio:.2f} times 2 / fan_out "
                f"(fan_out = {fan_out}); kaiming_normal_(w, mode='fan_out', "
                "nonlinearity='relu') gives 1 within "
                f"{slack:.2f}"
            )
            standardised.append((w / want**0.5).flatten())
    z = torch.cat(standardised)
    kurtosis = float(z.pow(4).mean() / z.pow(2).mean() ** 2)
    assert abs(kurtosis - 3) <= 0.3, (
        f"the conv weights' kurtosis is {kurtosis:.2f}; a normal draw gives 3 (a uniform one "
        "1.8): use kaiming_normal_, not kaiming_uniform_"
    )


@check(points=5, title="No torchvision or timm (implement the network yourself)")
def test_no_forbidden_api(
    submission: types.ModuleType, submission_path: object, spec: object
) -> None:
    from pathlib import Path

    submission.BasicBlock(4, 4)  # nothing to check in an unimplemented skeleton
    assert_no_forbidden(Path(str(submission_path)), spec.forbidden)  # type: ignore[attr-defined]


def accuracy_model(module: types.ModuleType, params: dict[str, Any]) -> nn.Module:
    """The accuracy check's network, built from ``module`` (the student's or the solution)."""
    model: nn.Module = module.ResNet(
        module.BasicBlock, list(params["layers"]), num_classes=10, in_channels=1,
        base_width=int(params["base_width"]), small_input=True,
    )  # fmt: skip
    return model


@check(
    points=15,
    title="Fashion-MNIST test accuracy after the profile's training budget",
    hint="if the loss does not fall, check ReLU placement and the shortcut addition",
    training=True,
)
def test_accuracy(
    submission: types.ModuleType, fashion_mnist: object, profile: object, device: torch.device,
    progress: object, seed: int, measure: object,
) -> None:  # fmt: skip
    model = accuracy_model(submission, profile.params)  # type: ignore[attr-defined]
    assert_trains(model.to(device), fashion_mnist, profile, progress, seed=seed, measure=measure)
