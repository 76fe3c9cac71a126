"""Hidden suite of the `aae` assignment.

Each test is one graded check (``@pytest.mark.check``); fixtures come from
:mod:`grader.plugin`. Source: Makhzani et al., "Adversarial Autoencoders", arXiv:1511.05644,
Sec. 2: an autoencoder trained in two phases per minibatch, reconstruction then
regularization (a discriminator step on detached codes, then a generator step on the
encoder), so that the aggregated codes q(z) match the prior p(z) = N(0, prior_std^2 I).

The phase checks watch ``train_step`` from outside: a hook on every parameter records which
parameters receive a gradient between the optimizer steps, ``register_step_pre_hook`` /
``register_step_post_hook`` snapshot every parameter and gradient around each ``step()``, and
a forward pre-hook on the discriminator records what it is shown. The gradient found at each
step is then compared with the gradient of the phase's loss recomputed from the snapshot
(``torch.func.functional_call`` on the student's own modules).
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Any

import pytest
import torch
from torch import nn
from torch.func import functional_call
from torch.nn import functional as F

from grader.generative import (
    code_statistics,
    encode_all,
    prior_params,
    reconstruction_mse,
    train_aae,
)
from grader.suites.common import assert_no_forbidden, count_parameters

check = pytest.mark.check

GRAD_TOLERANCE = 1e-3
"""Largest ``|g - g_ref| / |g_ref|`` (norms, per parameter tensor) of a phase's gradient."""

AE_LR = 1.0
"""Learning rate of the ``opt_ae`` the phase checks give ``train_step`` (SGD); see ``_Watcher``."""

LOSS_TOLERANCE = 1e-4
"""Largest relative difference between a loss ``train_step`` returned and its recomputation."""


def _close(got: float, want: float, tolerance: float) -> bool:
    return abs(got - want) <= tolerance * max(abs(want), 1e-8)


def _norm_error(got: torch.Tensor, want: torch.Tensor) -> float:
    """``|got - want| / |want|`` in float64 (``inf`` for non-finite values)."""
    a, b = got.detach().double(), want.detach().double()
    if not bool(torch.isfinite(a).all()):
        return float("inf")
    return float((a - b).norm() / b.norm().clamp_min(1e-12))


# --- networks ----------------------------------------------------------------------------------


@check(points=5, title="Encoder, decoder, discriminator and AAE shapes")
def test_shapes(submission: types.ModuleType) -> None:
    x = torch.rand(3, 1, 28, 28)
    with torch.no_grad():
        for name, module, arg, want in [
            ("Encoder()", submission.Encoder(), x, (3, 8)),
            ("Encoder(784, 64, 2)", submission.Encoder(784, 64, 2), x, (3, 2)),
            ("Decoder()", submission.Decoder(), torch.randn(3, 8), (3, 1, 28, 28)),
            ("Decoder(2, 64)", submission.Decoder(2, 64), torch.randn(3, 2), (3, 1, 28, 28)),
            ("Discriminator()", submission.Discriminator(), torch.randn(3, 8), (3, 1)),
            ("Discriminator(2, 64)", submission.Discriminator(2, 64), torch.randn(3, 2), (3, 1)),
        ]:
            got = tuple(module(arg).shape)
            assert got == want, f"{name} on {tuple(arg.shape)} gave {got}, expected {want}"
        model = submission.AAE(latent_dim=4, hidden_dim=32)
        for attribute in ("encoder", "decoder", "discriminator"):
            part = getattr(model, attribute, None)
            assert isinstance(part, nn.Module), f"AAE has no nn.Module attribute {attribute!r}"
        assert (model.latent_dim, model.prior_std) == (4, 1.0), (
            f"AAE(latent_dim=4) has latent_dim {model.latent_dim!r} and prior_std "
            f"{model.prior_std!r}, expected 4 and 1.0"
        )
        codes = model.encode(x)
        assert tuple(codes.shape) == (3, 4), (
            f"AAE(latent_dim=4).encode on (3, 1, 28, 28) gave {tuple(codes.shape)}, expected (3, 4)"
        )
        images = model.decode(codes)
        assert tuple(images.shape) == (3, 1, 28, 28), (
            f"AAE(latent_dim=4).decode on (3, 4) gave {tuple(images.shape)}, "
            "expected (3, 1, 28, 28)"
        )


@check(
    points=5,
    title="Decoder outputs stay in [0, 1], even for codes far from the prior; the encoder's codes "
    "and the discriminator's logits are unbounded",
    hint="images are in [0, 1]: end the decoder with a sigmoid; the encoder and the "
    "discriminator end with their Linear (codes match a Gaussian; the losses apply the sigmoid)",
)
def test_decoder_output_range(submission: types.ModuleType) -> None:
    z = torch.randn(256, 8) * 50
    with torch.no_grad():
        for name, out in [
            ("Decoder(8, 64)", submission.Decoder(8, 64)(z)),
            ("AAE(hidden_dim=64).decode", submission.AAE(hidden_dim=64).decode(z)),
        ]:
            assert bool(torch.isfinite(out).all()), f"{name} gave NaN or inf for large codes"
            low, high = float(out.min()), float(out.max())
            assert low >= 0.0 and high <= 1.0, (
                f"{name} on codes of scale 50 gave values from {low:.3g} to {high:.3g}; "
                "images are in [0, 1]"
            )
        logits = submission.Discriminator(8, 64)(z)
        codes = submission.Encoder(784, 64, 8)(50 * torch.randn(256, 1, 28, 28))
    low, high = float(codes.min()), float(codes.max())
    assert low < -1.0 and high > 1.0, (
        f"Encoder(784, 64, 8) on images of scale 50 gave codes from {low:.3g} to {high:.3g}: "
        "codes must be able to take any real value (prior draws are Gaussian), so the encoder "
        "ends with its Linear, no activation"
    )
    low, high = float(logits.min()), float(logits.max())
    assert low < 0.0 or high > 1.0, (
        f"Discriminator(8, 64) on codes of scale 50 gave values from {low:.3g} to {high:.3g}, all "
        "in [0, 1]: it should return logits, not probabilities (no sigmoid at its end; the "
        "losses use binary_cross_entropy_with_logits)"
    )


@check(points=10, title="Parameter counts of the default sizes")
def test_parameter_counts(submission: types.ModuleType) -> None:
    for name, module, want in [
        ("Encoder()", submission.Encoder(), 668_680),
        ("Decoder()", submission.Decoder(), 669_456),
        ("Discriminator()", submission.Discriminator(), 267_777),
        ("AAE()", submission.AAE(), 1_605_913),
        ("AAE(2, 128)", submission.AAE(latent_dim=2, hidden_dim=128), 252_307),
    ]:  # fmt: skip
        got = count_parameters(module)
        assert got == want, f"{name} has {got:,} parameters, expected {want:,}"


# --- losses ------------------------------------------------------------------------------------


def _logit_cases() -> list[tuple[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(3)
    confident = torch.tensor([[30.0], [-30.0], [100.0], [-100.0], [0.0], [2.5]])
    return [
        ("random logits (4, 1)", torch.randn(4, 1, generator=g, dtype=torch.float64) * 3),
        ("float32 logits ±30, ±100, 0, 2.5", confident),
    ]


def _assert_loss(name: str, got: Any, want: torch.Tensor) -> None:
    assert isinstance(got, torch.Tensor), f"{name} returned {type(got).__name__}, not a tensor"
    assert got.shape == (), f"{name} returned shape {tuple(got.shape)}, expected a scalar"
    value, expected = float(got), float(want)
    assert value == value and abs(value) != float("inf"), (
        f"{name} gave {value}, expected {expected:.6g}: compute it from the logits "
        "(F.binary_cross_entropy_with_logits or F.logsigmoid), not log(sigmoid(x))"
    )
    assert _close(value, expected, 1e-5), f"{name} gave {value:.6g}, expected {expected:.6g}"


@check(points=5, title="reconstruction_loss equals the mean squared error")
def test_reconstruction_loss(submission: types.ModuleType) -> None:
    g = torch.Generator().manual_seed(1)
    x_hat = torch.rand(3, 1, 28, 28, generator=g, dtype=torch.float64)
    x = torch.rand(3, 1, 28, 28, generator=g, dtype=torch.float64)
    want = (x_hat - x).pow(2).mean()
    _assert_loss(
        "reconstruction_loss on two (3, 1, 28, 28) tensors",
        submission.reconstruction_loss(x_hat, x),
        want,
    )


@check(
    points=10,
    title="discriminator_loss equals BCE-with-logits, stable for confident logits",
    hint="BCE(d_real, 1) + BCE(d_fake, 0), each a mean, computed from the logits",
)
def test_discriminator_loss(submission: types.ModuleType) -> None:
    random, confident = _logit_cases()
    for (name_real, real), (name_fake, fake) in [
        (random, confident), (confident, random), (confident, confident),
    ]:  # fmt: skip
        want = F.binary_cross_entropy_with_logits(
            real.double(), torch.ones_like(real.double())
        ) + F.binary_cross_entropy_with_logits(fake.double(), torch.zeros_like(fake.double()))
        got = submission.discriminator_loss(real, fake)
        _assert_loss(f"discriminator_loss(d_real={name_real}, d_fake={name_fake})", got, want)


@check(
    points=5,
    title="generator_loss is the non-saturating loss, stable for confident logits",
    hint="BCE(d_fake, 1), a mean, computed from the logits",
)
def test_generator_loss(submission: types.ModuleType) -> None:
    for name, fake in _logit_cases():
        want = F.binary_cross_entropy_with_logits(fake.double(), torch.ones_like(fake.double()))
        _assert_loss(f"generator_loss({name})", submission.generator_loss(fake), want)


# --- the two phases of train_step --------------------------------------------------------------

_PHASES = ("ae", "disc", "gen")
_OPTIMIZER = {"ae": "opt_ae", "disc": "opt_disc", "gen": "opt_gen"}
_STRAY_HINT = {"disc": ": detach the codes the discriminator sees (encoder(x).detach())"}


@dataclass
class _Step:
    """One ``step()`` call of one of the three optimizers, inside one ``train_step`` call."""

    phase: str
    before: dict[str, torch.Tensor]
    grads: dict[str, torch.Tensor | None]
    received: set[str]
    disc_inputs: list[torch.Tensor]
    after: dict[str, torch.Tensor] = field(default_factory=dict)


@dataclass
class _Call:
    """What one ``train_step`` call did."""

    start: dict[str, torch.Tensor]
    steps: list[_Step] = field(default_factory=list)
    end: dict[str, torch.Tensor] = field(default_factory=dict)
    returned: Any = None


class _Watcher:
    """Records gradients, optimizer steps and discriminator inputs while ``train_step`` runs."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.group: dict[str, str] = {}
        for part in ("encoder", "decoder", "discriminator"):
            for name, _ in getattr(model, part).named_parameters():
                self.group[f"{part}.{name}"] = part
        self.params = {
            f"{part}.{name}": p
            for part in ("encoder", "decoder", "discriminator")
            for name, p in getattr(model, part).named_parameters()
        }
        self.received: set[str] = set()
        self.disc_inputs: list[torch.Tensor] = []
        self.calls: list[_Call] = []
        self._handles: list[Any] = []
        for name, p in self.params.items():
            self._handles.append(p.register_hook(self._grad_hook(name)))
        self._handles.append(model.discriminator.register_forward_pre_hook(self._disc_hook))
        lr = 1e-2
        encoder, decoder = model.encoder.parameters(), model.decoder.parameters()
        self.optimizers = {
            # AE_LR: one reconstruction step moves every code by 2e-3 of the largest code or
            # more (the reference, both calls), 20 times the tolerance with which the
            # discriminator phase finds the codes of x among what it was shown; at 1e-2 they
            # moved 2e-5, and codes taken before opt_ae.step() passed for fresh ones
            "ae": torch.optim.SGD([*encoder, *decoder], lr=AE_LR),
            "disc": torch.optim.SGD(model.discriminator.parameters(), lr=lr),
            "gen": torch.optim.SGD(model.encoder.parameters(), lr=lr),
        }
        for phase, optimizer in self.optimizers.items():
            self._handles.append(optimizer.register_step_pre_hook(self._pre(phase)))
            self._handles.append(optimizer.register_step_post_hook(self._post))

    def _snapshot(self) -> dict[str, torch.Tensor]:
        return {name: p.detach().clone() for name, p in self.params.items()}

    def _grad_hook(self, name: str) -> Any:
        def hook(grad: torch.Tensor) -> None:
            self.received.add(name)

        return hook

    def _disc_hook(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        if args and isinstance(args[0], torch.Tensor):
            self.disc_inputs.append(args[0].detach().clone())

    def _pre(self, phase: str) -> Any:
        def hook(optimizer: Any, args: Any, kwargs: Any) -> None:
            grads = {
                name: None if p.grad is None else p.grad.detach().clone()
                for name, p in self.params.items()
            }
            step = _Step(phase, self._snapshot(), grads, self.received, self.disc_inputs)
            self.calls[-1].steps.append(step)
            self.received, self.disc_inputs = set(), []

        return hook

    def _post(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        self.calls[-1].steps[-1].after = self._snapshot()

    def run(self, x: torch.Tensor, calls: int) -> None:
        for _ in range(calls):
            self.calls.append(_Call(start=self._snapshot()))
            self.received, self.disc_inputs = set(), []
            returned = self.model.train_step(
                x, self.optimizers["ae"], self.optimizers["disc"], self.optimizers["gen"]
            )
            self.calls[-1].returned = returned
            self.calls[-1].end = self._snapshot()
        for handle in self._handles:
            handle.remove()

    def names(self, part: str) -> list[str]:
        return [name for name, group in self.group.items() if group == part]


def _watch(submission: types.ModuleType, calls: int = 2) -> tuple[_Watcher, torch.Tensor]:
    torch.manual_seed(0)
    model = submission.AAE(latent_dim=4, hidden_dim=32, prior_std=2.0)
    watcher = _Watcher(model)
    x = torch.rand(128, 1, 28, 28, generator=torch.Generator().manual_seed(5))
    watcher.run(x, calls)
    return watcher, x


def _phase_step(watcher: _Watcher, call: int, phase: str) -> tuple[_Step, dict[str, torch.Tensor]]:
    """The call's step of ``phase`` and the snapshot just before the phase began.

    Fails unless ``train_step`` stepped the phase's optimizer exactly once, after the steps of
    the phases before it (opt_ae, opt_disc, opt_gen), and changed no parameter outside the
    optimizer steps since the previous phase.
    """
    steps = watcher.calls[call].steps
    order = [s.phase for s in steps]
    want = _OPTIMIZER[phase]
    called = ", ".join(_OPTIMIZER[p] + ".step()" for p in order) or "no step at all"
    count = order.count(phase)
    assert count == 1, (
        f"train_step should call {want}.step() once; it called {called}"
        if count
        else f"train_step never called {want}.step() (it called: {called})"
    )
    index = order.index(phase)
    assert order[:index] == list(_PHASES[: _PHASES.index(phase)]), (
        "train_step should call opt_ae.step(), opt_disc.step() and opt_gen.step() in that "
        f"order; it called {called}"
    )
    previous = watcher.calls[call].start if index == 0 else steps[index - 1].after
    here = steps[index]
    _assert_unchanged(watcher, previous, here.before, f"before {want}.step()")
    return here, previous


def _assert_unchanged(
    watcher: _Watcher,
    a: dict[str, torch.Tensor],
    b: dict[str, torch.Tensor],
    when: str,
    parts: tuple[str, ...] = ("encoder", "decoder", "discriminator"),
) -> None:
    names = [name for part in parts for name in watcher.names(part)]
    changed = [name for name in names if not torch.equal(a[name], b[name])]
    assert not changed, (
        f"{changed[0]} changed {when} without an optimizer step: update parameters only "
        "through the optimizers train_step is given"
    )


def _assert_received(step: _Step, watcher: _Watcher, want: set[str], phase: str) -> None:
    name = _OPTIMIZER[phase]
    for part in ("encoder", "decoder", "discriminator"):
        got = step.received & set(watcher.names(part))
        if part in want:
            assert got, f"no gradient reached the {part} before {name}.step(): call backward"
        else:
            stray = sorted(got)
            assert not stray, (
                f"the backward before {name}.step() put a gradient on {stray[0]}, which that "
                "step must not touch" + _STRAY_HINT.get(phase, "")
            )


def _assert_gradients(
    step: _Step, watcher: _Watcher, reference: dict[str, torch.Tensor], what: str
) -> None:
    name = _OPTIMIZER[step.phase]
    for param, want in reference.items():
        got = step.grads[param]
        assert got is not None, f"{param} has no gradient at {name}.step()"
        error = _norm_error(got, want)
        assert error <= GRAD_TOLERANCE, (
            f"at {name}.step() the gradient of {param} is not that of {what} (relative "
            f"difference {error:.2g}): check the loss (a mean, the right target) and that the "
            "optimizer's gradients are zeroed before backward"
        )


def _params(
    snapshot: dict[str, torch.Tensor], part: str, grad: bool = False
) -> dict[str, torch.Tensor]:
    prefix = part + "."
    return {
        k[len(prefix):]: v.clone().requires_grad_(grad)
        for k, v in snapshot.items()
        if k.startswith(prefix)
    }  # fmt: skip


def _returned(call: _Call, key: str) -> float:
    returned = call.returned
    assert isinstance(returned, dict) and key in returned, (
        f"train_step returned {returned!r}; it must return a dict with the keys 'recon', "
        "'disc' and 'gen'"
    )
    value = returned[key]
    assert isinstance(value, float), (
        f"train_step returned {key}={value!r} ({type(value).__name__}); use loss.item()"
    )
    return value


@check(
    points=10,
    title="The reconstruction step trains the encoder and decoder on the MSE gradient",
    hint="recon = reconstruction_loss(decoder(encoder(x)), x); opt_ae.zero_grad(); "
    "recon.backward(); opt_ae.step()",
)
def test_reconstruction_phase(submission: types.ModuleType) -> None:
    watcher, x = _watch(submission)
    model = watcher.model
    for call_index, call in enumerate(watcher.calls):
        step, _ = _phase_step(watcher, call_index, "ae")
        _assert_received(step, watcher, {"encoder", "decoder"}, "ae")
        enc = _params(step.before, "encoder", grad=True)
        dec = _params(step.before, "decoder", grad=True)
        x_hat = functional_call(model.decoder, dec, (functional_call(model.encoder, enc, (x,)),))
        loss = F.mse_loss(x_hat.reshape(x.shape), x)
        grads = torch.autograd.grad(loss, [*enc.values(), *dec.values()])
        names = [f"encoder.{k}" for k in enc] + [f"decoder.{k}" for k in dec]
        _assert_gradients(step, watcher, dict(zip(names, grads, strict=True)), "the MSE of x")
        recon = _returned(call, "recon")
        assert _close(recon, float(loss), LOSS_TOLERANCE), (
            f"train_step returned recon={recon:.6g}, but the MSE before opt_ae.step() was "
            f"{float(loss):.6g}"
        )


@check(
    points=10,
    title="The discriminator step trains only the discriminator and leaves no gradient on the "
    "encoder",
    hint="z_fake = encoder(x).detach(); z_real = prior_std * torch.randn_like(z_fake)",
)
def test_discriminator_phase(submission: types.ModuleType) -> None:
    watcher, x = _watch(submission)
    model = watcher.model
    for call_index, call in enumerate(watcher.calls):
        step, _ = _phase_step(watcher, call_index, "disc")
        _assert_received(step, watcher, {"discriminator"}, "disc")
        assert step.disc_inputs, "the discriminator was not called before opt_disc.step()"
        shown = torch.cat([t.reshape(-1, t.shape[-1]) for t in step.disc_inputs])
        with torch.no_grad():
            codes = functional_call(model.encoder, _params(step.before, "encoder"), (x,))
        distance = torch.cdist(codes.double(), shown.double())
        scale = float(codes.abs().max()) + 1e-6
        is_code = (distance <= 1e-4 * scale).any(dim=0)
        missing = int(((distance <= 1e-4 * scale).sum(dim=1) == 0).sum())
        assert missing == 0, (
            f"before opt_disc.step() the discriminator was shown {shown.shape[0]} codes, but "
            f"{missing} of the {codes.shape[0]} codes of x (the encoder's, as updated by "
            "opt_ae.step()) were not among them"
        )
        draws = shown[~is_code]
        assert draws.shape[0] == x.shape[0], (
            f"before opt_disc.step() the discriminator was shown {draws.shape[0]} prior draws; "
            f"expected {x.shape[0]}, one per image, shaped like the codes"
        )
        mean, std = float(draws.mean()), float(draws.std())
        assert abs(mean) <= 0.2 * model.prior_std and abs(std / model.prior_std - 1) <= 0.15, (
            f"the prior draws shown to the discriminator have mean {mean:.3f} and std "
            f"{std:.3f}; the prior is N(0, prior_std^2) with prior_std {model.prior_std}"
        )
        _assert_unchanged(
            watcher, step.before, step.after, "in opt_disc.step()", ("encoder", "decoder")
        )
        moved = [
            n
            for n in watcher.names("discriminator")
            if not torch.equal(step.before[n], step.after[n])
        ]
        assert moved, "opt_disc.step() did not move the discriminator: was its gradient zero?"
        disc = _params(step.before, "discriminator", grad=True)
        d_real = functional_call(model.discriminator, disc, (draws,))
        d_fake = functional_call(model.discriminator, disc, (codes,))
        loss = F.binary_cross_entropy_with_logits(
            d_real, torch.ones_like(d_real)
        ) + F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
        grads = torch.autograd.grad(loss, list(disc.values()))
        reference = {f"discriminator.{k}": g for k, g in zip(disc, grads, strict=True)}
        _assert_gradients(
            step, watcher, reference, "BCE(D(draws), 1) + BCE(D(codes), 0) of what it was shown"
        )
        want = float(loss)
        got = _returned(call, "disc")
        assert _close(got, want, LOSS_TOLERANCE), (
            f"train_step returned disc={got:.6g}, but the discriminator loss of the codes and "
            f"draws it was shown is {want:.6g}"
        )


@check(
    points=10,
    title="The generator step moves only the encoder, on the non-saturating gradient",
    hint="gen = generator_loss(discriminator(encoder(x))) after opt_disc.step(); "
    "opt_gen.zero_grad(); gen.backward(); opt_gen.step()",
)
def test_generator_phase(submission: types.ModuleType) -> None:
    watcher, x = _watch(submission)
    model = watcher.model
    for call_index, call in enumerate(watcher.calls):
        step, _ = _phase_step(watcher, call_index, "gen")
        got_parts = {
            part for part in ("encoder", "decoder") if step.received & set(watcher.names(part))
        }
        assert "encoder" in got_parts, "no gradient reached the encoder before opt_gen.step()"
        assert "decoder" not in got_parts, (
            "the backward before opt_gen.step() put a gradient on the decoder: the generator "
            "loss is discriminator(encoder(x)), the decoder is not part of it"
        )
        _assert_unchanged(watcher, step.after, call.end, "after opt_gen.step()")
        enc = _params(step.before, "encoder", grad=True)
        disc = _params(step.before, "discriminator")
        d_fake = functional_call(
            model.discriminator, disc, (functional_call(model.encoder, enc, (x,)),)
        )
        loss = F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))
        grads = torch.autograd.grad(loss, list(enc.values()))
        reference = {f"encoder.{k}": g for k, g in zip(enc, grads, strict=True)}
        _assert_gradients(step, watcher, reference, "BCE(discriminator(encoder(x)), 1)")
        gen = _returned(call, "gen")
        assert _close(gen, float(loss), LOSS_TOLERANCE), (
            f"train_step returned gen={gen:.6g}, but BCE(discriminator(encoder(x)), 1) before "
            f"opt_gen.step() was {float(loss):.6g}"
        )


# --- sampling ------------------------------------------------------------------------------------


@check(
    points=5,
    title="sample(n) decodes prior draws to valid images, repeatably with a seeded generator",
    hint="z = prior_std * torch.randn(n, latent_dim, generator=generator, ...); decode(z)",
)
def test_sample(submission: types.ModuleType, device: torch.device) -> None:
    model = submission.AAE(latent_dim=4, hidden_dim=32, prior_std=2.0)
    seen: list[torch.Tensor] = []
    handle = model.decoder.register_forward_pre_hook(
        lambda module, args: seen.append(args[0].detach().clone())
    )
    with torch.no_grad():
        out = model.sample(1000, generator=torch.Generator().manual_seed(0))
    handle.remove()
    assert tuple(out.shape) == (1000, 1, 28, 28), (
        f"sample(1000) gave {tuple(out.shape)}, expected (1000, 1, 28, 28)"
    )
    assert bool(torch.isfinite(out).all()), "sample(1000) gave NaN or inf"
    low, high = float(out.min()), float(out.max())
    assert low >= 0 and high <= 1, (
        f"sample(1000) gave values from {low:.3g} to {high:.3g}, not in [0, 1]"
    )
    assert len(seen) == 1 and tuple(seen[0].shape) == (1000, 4), (
        "sample(1000) of AAE(latent_dim=4) should call the decoder once on codes (1000, 4); it "
        f"called it on {[tuple(s.shape) for s in seen]}"
    )
    z = seen[0]
    mean, std = float(z.mean()), float(z.std())
    assert abs(mean) <= 0.15 and abs(std / 2.0 - 1) <= 0.1, (
        f"sample() decoded codes with mean {mean:.3f} and std {std:.3f}; with prior_std 2.0 "
        "they should be draws from N(0, 2.0^2)"
    )
    with torch.no_grad():
        first = model.sample(16, generator=torch.Generator().manual_seed(1))
        state = torch.get_rng_state()
        again = model.sample(16, generator=torch.Generator().manual_seed(1))
        untouched = torch.equal(state, torch.get_rng_state())
        other = model.sample(16, generator=torch.Generator().manual_seed(2))
        plain = model.sample(5)
    assert torch.equal(first, again), (
        "sample(16) with two generators seeded 1 gave different images"
    )
    assert not torch.equal(first, other), "sample(16) with seeds 1 and 2 gave the same images"
    assert untouched, (
        "sample(16, generator) changed torch's global random state: draw from the generator"
    )
    assert tuple(plain.shape) == (5, 1, 28, 28), f"sample(5) gave {tuple(plain.shape)}"
    # on the model's device and in its dtype, whatever device the generator is on (the CPU)
    moved = submission.AAE(latent_dim=4, hidden_dim=32).double().to(device)
    with torch.no_grad():
        images = moved.sample(8, generator=torch.Generator().manual_seed(3))
    assert images.dtype == torch.float64 and images.device.type == device.type, (
        f"sample(8) of a float64 model on {device.type} with a CPU generator gave {images.dtype} "
        f"on {images.device.type}: draw the codes in the model's dtype and move them to its device"
    )


@check(points=5, title="No torchvision")
def test_no_forbidden_api(submission: types.ModuleType, submission_path: Any, spec: Any) -> None:
    def build_and_sample() -> object:
        model = submission.AAE(latent_dim=4, hidden_dim=16)
        return model.sample(2, generator=torch.Generator().manual_seed(0))

    assert_no_forbidden(
        submission_path, spec.forbidden, [("AAE(4, 16).sample(2)", build_and_sample)]
    )


# --- after training ------------------------------------------------------------------------------

_TRAINED: dict[str, Any] = {}


def _trained(
    submission: types.ModuleType, data: Any, profile: Any, device: torch.device, progress: Any,
    seed: int = 0,
) -> nn.Module:  # fmt: skip
    """The student's AAE trained on the profile's budget, once per grading process."""
    if "model" in _TRAINED:
        model: nn.Module = _TRAINED["model"]
        return model
    if "failure" in _TRAINED:
        pytest.fail(f"training did not finish in an earlier check ({_TRAINED['failure']})")
    torch.manual_seed(seed)
    try:
        model = submission.AAE(**prior_params(profile.params)).to(device)
        train_aae(
            model, data, steps=profile.steps, batch_size=profile.batch_size, lr=profile.lr,
            lr_reg=float(profile.params["lr_reg"]), seed=seed, on_step=progress,
        )  # fmt: skip
    except Exception:
        raise  # quick to repeat: the next check shows the same error
    except BaseException as exc:  # the check's time limit: do not spend it twice
        timeout = type(exc).__name__ == "CheckTimeout"
        _TRAINED["failure"] = "it ran past its time limit" if timeout else type(exc).__name__
        raise
    _TRAINED["model"] = model
    return model


@check(
    points=10,
    title="Test reconstruction MSE after the profile's training budget",
    hint="if the MSE stays high, check the reconstruction phase and the decoder's sigmoid",
    training=True,
)
def test_trained_reconstruction(
    submission: types.ModuleType, fashion_mnist: Any, profile: Any, device: torch.device,
    progress: Any, seed: int, measure: Any,
) -> None:  # fmt: skip
    model = _trained(submission, fashion_mnist, profile, device, progress, seed)
    mse = reconstruction_mse(model.encoder, model.decoder, fashion_mnist.test_images)
    measure("test reconstruction MSE", mse, profile.threshold, higher_is_better=False)
    assert mse <= profile.threshold, (
        f"test reconstruction MSE {mse:.4f} after {profile.steps} steps; at most "
        f"{profile.threshold:.3f} is needed"
    )


@check(
    points=10,
    title="Test codes match the prior: per-dimension mean and std, and MMD",
    hint="codes drift off the prior when the regularization phase is missing or its targets "
    "are swapped",
    training=True,
)
def test_codes_match_prior(
    submission: types.ModuleType, fashion_mnist: Any, profile: Any, device: torch.device,
    progress: Any, seed: int, measure: Any,
) -> None:  # fmt: skip
    model = _trained(submission, fashion_mnist, profile, device, progress, seed)
    params = profile.params
    codes = encode_all(model.encoder, fashion_mnist.test_images)
    stats = code_statistics(codes, float(params.get("prior_std", 1.0)))
    measure("MMD codes vs prior", stats.mmd, float(params["max_mmd"]), higher_is_better=False)
    worst_mean = max(stats.mean, key=abs)
    low, high = (float(v) for v in params["code_std"])
    assert abs(worst_mean) <= float(params["max_code_mean"]), (
        f"a code dimension has mean {worst_mean:+.3f} prior stds over the test set; at most "
        f"±{float(params['max_code_mean']):.2f} is allowed"
    )
    outside = [s for s in stats.std if not low <= s <= high]
    assert not outside, (
        f"a code dimension has std {outside[0]:.3f} prior stds over the test set; between "
        f"{low:.2f} and {high:.2f} is needed"
    )
    assert stats.mmd <= float(params["max_mmd"]), (
        f"the MMD between 2000 test codes and 2000 prior draws is {stats.mmd:.3f} (two prior "
        f"samples give {stats.mmd_prior:.3f}); at most {float(params['max_mmd']):.2f} is allowed"
    )
