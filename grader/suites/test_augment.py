"""Hidden suite of the `augment` assignment.

Each test is one graded check (``@pytest.mark.check``); fixtures come from
:mod:`grader.plugin`. The statistical checks use fixed seeds and bounds at four standard
deviations (binomial) or the 0.1 % point of the chi-square distribution, so a correct
transform fails them with negligible probability while a biased one fails at once. Sources:
torchvision's definitions of the transforms; Zhong et al., "Random Erasing Data
Augmentation", AAAI 2020 (arXiv:1708.04896), Alg. 1.
"""

from __future__ import annotations

import copy
import math
import time
import types
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from grader.data import FashionMNIST
from grader.suites.common import assert_no_forbidden
from grader.training import changes_batches, evaluate, train_classifier

check = pytest.mark.check

CHI2_24_999 = 51.18
"""Chi-square critical value, 24 degrees of freedom, p = 0.001."""

CHI2_9_9999 = 33.72
"""Chi-square critical value, 9 degrees of freedom (10 equal bins), p = 0.0001."""

CHI2_14_9999 = 42.58
"""Chi-square critical value, 14 degrees of freedom (15 positions), p = 0.0001."""


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _images(*shape: int, seed: int = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.rand(*shape, generator=_gen(seed), dtype=dtype)


def _binomial_ok(count: int, n: int, p: float) -> bool:
    return abs(count - n * p) <= 4 * math.sqrt(n * p * (1 - p)) + 1e-9


def _chi2_uniform(values: torch.Tensor, low: float, high: float, bins: int = 10) -> float:
    """Pearson's chi-square of ``values`` against the uniform distribution on ``[low, high]``,
    in ``bins`` equal bins (values read back slightly outside count in the end bins)."""
    v = values.double().flatten()
    index = ((v - low) / (high - low) * bins).floor().clamp(0, bins - 1).long()
    counts = index.bincount(minlength=bins).double()
    expected = v.numel() / bins
    return float(((counts - expected) ** 2 / expected).sum())


def _random_transforms(s: types.ModuleType) -> list[tuple[str, Any]]:
    return [
        ("RandomHorizontalFlip()", s.RandomHorizontalFlip()),
        ("RandomCrop(20, padding=2)", s.RandomCrop(20, padding=2)),
        ("RandomCrop(20, 2, 'reflect')", s.RandomCrop(20, 2, "reflect")),
        ("RandomRotation(30)", s.RandomRotation(30)),
        ("ColorJitter(0.5, 0.5)", s.ColorJitter(0.5, 0.5)),
        ("GaussianBlur(5)", s.GaussianBlur(5)),
        ("RandomErasing(p=1.0)", s.RandomErasing(p=1.0)),
    ]


def _all_transforms(s: types.ModuleType) -> list[tuple[str, Any, tuple[int, int] | None]]:
    """(name, transform, output size or None for unchanged)."""
    return [
        *[(name, t, None) for name, t in _random_transforms(s) if "Crop" not in name],
        ("RandomCrop(12)", s.RandomCrop(12), (12, 12)),
        ("RandomCrop((10, 14), padding=1, padding_mode='replicate')",
         s.RandomCrop((10, 14), padding=1, padding_mode="replicate"), (10, 14)),
        ("Resize((10, 30))", s.Resize((10, 30)), (10, 30)),
        ("Normalize(0.5, 0.25)", s.Normalize(0.5, 0.25), None),
    ]  # fmt: skip


# --- the contract -------------------------------------------------------------------------------


@check(points=5, title="Every transform keeps batch, channels, dtype, device and the [0, 1] range")
def test_contract(submission: types.ModuleType) -> None:
    for dtype in (torch.float32, torch.float64):
        x = _images(6, 3, 20, 24, dtype=dtype)
        before = x.clone()
        for name, transform, size in _all_transforms(submission):
            out = transform(x, generator=_gen(1))
            assert isinstance(out, torch.Tensor), f"{name} returned {type(out).__name__}"
            want = (6, 3, *(size or (20, 24)))
            assert tuple(out.shape) == want, (
                f"{name} on (6, 3, 20, 24) gave {tuple(out.shape)}, expected {want}"
            )
            assert out.dtype == dtype, f"{name} turned {dtype} images into {out.dtype}"
            assert out.device == x.device, f"{name} moved the images to {out.device}"
            assert torch.equal(x, before), f"{name} changed its input in place"
            if "Normalize" not in name:
                low, high = float(out.min()), float(out.max())
                assert low >= 0.0 and high <= 1.0 + 1e-6, (
                    f"{name} gave values from {low:.4g} to {high:.4g}; images stay in [0, 1]"
                )
        out = submission.RandomHorizontalFlip()(x)  # no generator: the global RNG
        assert tuple(out.shape) == (6, 3, 20, 24), (
            "RandomHorizontalFlip() without a generator failed"
        )


@check(points=5, title="Invalid arguments raise ValueError naming the value")
def test_invalid_arguments(submission: types.ModuleType) -> None:
    s = submission
    x = _images(2, 1, 28, 28)
    cases = [
        ("GaussianBlur(4)", lambda: s.GaussianBlur(4), "4"),
        ("GaussianBlur(0)", lambda: s.GaussianBlur(0), "0"),
        ("RandomHorizontalFlip(1.5)", lambda: s.RandomHorizontalFlip(1.5), "1.5"),
        ("RandomErasing(p=-0.1)", lambda: s.RandomErasing(p=-0.1), "-0.1"),
        ("RandomCrop(28, padding_mode='mirror')",
         lambda: s.RandomCrop(28, padding_mode="mirror"), "mirror"),
        ("RandomCrop(40, padding=2) on 28x28 images",
         lambda: s.RandomCrop(40, padding=2)(x, generator=_gen(0)), "40"),
        ("RandomCrop(20, padding=28, padding_mode='reflect') on 28x28 images",
         lambda: s.RandomCrop(20, padding=28, padding_mode="reflect")(x, generator=_gen(0)),
         "28"),
        ("RandomCrop(10, padding=-1)", lambda: s.RandomCrop(10, padding=-1), "-1"),
        ("GaussianBlur(3, sigma=0.0)", lambda: s.GaussianBlur(3, sigma=0.0), "0"),
        ("GaussianBlur(3, sigma=(2.0, 1.0))", lambda: s.GaussianBlur(3, sigma=(2.0, 1.0)), ""),
        ("RandomErasing(scale=(0.5, 0.1))", lambda: s.RandomErasing(scale=(0.5, 0.1)), ""),
        ("RandomErasing(scale=(0.1, 1.5))", lambda: s.RandomErasing(scale=(0.1, 1.5)), ""),
        ("RandomErasing(ratio=(2.0, 0.5))", lambda: s.RandomErasing(ratio=(2.0, 0.5)), ""),
        ("RandomErasing(ratio=(0.0, 1.0))", lambda: s.RandomErasing(ratio=(0.0, 1.0)), ""),
        ("RandomRotation(-5)", lambda: s.RandomRotation(-5), "-5"),
        ("ColorJitter(brightness=-0.1)", lambda: s.ColorJitter(brightness=-0.1), "-0.1"),
        ("ColorJitter(contrast=-0.5)", lambda: s.ColorJitter(contrast=-0.5), "-0.5"),
        ("Normalize(0.5, -2.0)", lambda: s.Normalize(0.5, -2.0), "-2"),
        ("Normalize([0.1, 0.2], [0.3])", lambda: s.Normalize([0.1, 0.2], [0.3]), ""),
        ("Normalize([0.1, 0.2], [0.3, 0.4]) on 1-channel images",
         lambda: s.Normalize([0.1, 0.2], [0.3, 0.4])(x), ""),
    ]  # fmt: skip
    for name, make, value in cases:
        try:
            make()
        except ValueError as exc:
            assert value in str(exc), (
                f"{name} raised ValueError({str(exc)!r}), which does not name {value}"
            )
            continue
        naming = f" naming {value}" if value else ""
        pytest.fail(f"{name} should raise ValueError{naming}; it did not")


# --- each transform ------------------------------------------------------------------------------


@check(points=5, title="Flip: flipped images equal x.flip(-1), the others x, at rate p")
def test_flip(submission: types.ModuleType) -> None:
    x = _images(4000, 1, 6, 6)
    for p in (0.5, 0.2, 0.0, 1.0):
        out = submission.RandomHorizontalFlip(p)(x, generator=_gen(3))
        flipped = (out == x.flip(-1)).flatten(1).all(dim=1)
        same = (out == x).flatten(1).all(dim=1)
        bad = int((~(flipped | same)).sum())
        assert bad == 0, f"RandomHorizontalFlip({p}): {bad} images are neither x nor x.flip(-1)"
        count = int(flipped.sum())
        assert _binomial_ok(count, 4000, p), (
            f"RandomHorizontalFlip({p}) flipped {count} of 4000 images; about {4000 * p:.0f} "
            "expected (draw one uniform number per image)"
        )


@check(points=10, title="Crop: each output is a window of the padded input; offsets uniform")
def test_crop(submission: types.ModuleType) -> None:
    x = _images(3000, 1, 6, 6)
    for mode in ("constant", "reflect", "replicate"):
        out = submission.RandomCrop(4, padding=1, padding_mode=mode)(x, generator=_gen(4))
        padded = F.pad(x, (1, 1, 1, 1), mode=mode)
        windows = padded.unfold(2, 4, 1).unfold(3, 4, 1)  # (B, 1, 5, 5, 4, 4)
        match = (windows == out[:, :, None, None]).flatten(-2).all(-1)[:, 0]  # (B, 5, 5)
        found = match.flatten(1).any(dim=1)
        missing = int((~found).sum())
        assert missing == 0, (
            f"RandomCrop(4, padding=1, padding_mode={mode!r}): {missing} of 3000 outputs are "
            f"not a 4x4 window of F.pad(x, 1, mode={mode!r})"
        )
        counts = match.flatten(1).float().argmax(dim=1).bincount(minlength=25).double()
        assert int((counts == 0).sum()) == 0, (
            f"RandomCrop(4, padding=1, padding_mode={mode!r}): offsets "
            f"{[(int(i) // 5, int(i) % 5) for i in (counts == 0).nonzero().flatten()]} were "
            "never drawn; all 5 x 5 must be reachable"
        )
        chi2 = float(((counts - 120) ** 2 / 120).sum())
        assert chi2 <= CHI2_24_999, (
            f"RandomCrop(4, padding=1, padding_mode={mode!r}): the 25 offsets are not uniform "
            f"(chi-square {chi2:.1f} over 3000 crops, at most {CHI2_24_999} expected)"
        )


def _gaussian2d(kernel_size: int, sigma: float, dtype: torch.dtype) -> torch.Tensor:
    half = (kernel_size - 1) / 2
    d = torch.arange(kernel_size, dtype=torch.float64) - half
    k = torch.exp(-(d**2) / (2 * sigma**2))
    k2 = torch.outer(k, k)
    return (k2 / k2.sum()).to(dtype)


@check(
    points=10, title="Blur: a depthwise Gaussian convolution with reflect padding; sigma in range"
)
def test_blur(submission: types.ModuleType) -> None:
    x = _images(4, 3, 16, 20)
    for k, sigma, given in ((5, 1.5, (1.5, 1.5)), (3, 0.75, 0.75), (7, 2.0, (2.0, 2.0))):
        out = submission.GaussianBlur(k, sigma=given)(x, generator=_gen(0))  # 0.75: (0.75, 0.75)
        weight = _gaussian2d(k, sigma, x.dtype).expand(3, 1, k, k)
        r = k // 2
        want = F.conv2d(F.pad(x, (r, r, r, r), mode="reflect"), weight, groups=3)
        error = float((out - want).abs().max())
        assert error <= 1e-5, (
            f"GaussianBlur({k}, sigma={given}) differs from a depthwise convolution with the "
            f"normalised Gaussian kernel and reflect padding by up to {error:.2g}"
        )
    # a single bright pixel is blurred into the kernel itself: read each image's sigma off it
    delta = torch.zeros(600, 1, 15, 15)
    delta[:, :, 7, 7] = 1.0
    out = submission.GaussianBlur(7, sigma=(0.5, 1.5))(delta, generator=_gen(5))
    centre, side = out[:, 0, 7, 7].double(), out[:, 0, 7, 8].double()
    sigmas = torch.sqrt(-1 / (2 * torch.log(side / centre)))
    low, high = float(sigmas.min()), float(sigmas.max())
    assert low >= 0.5 - 1e-3 and high <= 1.5 + 1e-3, (
        f"GaussianBlur(7, sigma=(0.5, 1.5)) blurred with sigmas from {low:.3f} to {high:.3f}"
    )
    assert low <= 0.6 and high >= 1.4, (
        f"GaussianBlur(7, sigma=(0.5, 1.5)) drew sigmas only from {low:.3f} to {high:.3f} over "
        "600 images: draw one sigma per image, uniform over the whole range"
    )
    chi2 = _chi2_uniform(sigmas, 0.5, 1.5)
    assert chi2 <= CHI2_9_9999, (
        f"GaussianBlur(7, sigma=(0.5, 1.5)): the 600 sigmas are not uniform over the range "
        f"(chi-square {chi2:.1f} in 10 bins, at most {CHI2_9_9999} expected)"
    )
    # three channels: each image's one sigma blurs all of its channels
    out = submission.GaussianBlur(7, sigma=(0.5, 1.5))(
        delta[:40].repeat(1, 3, 1, 1), generator=_gen(5)
    )
    centre, side = out[:, :, 7, 7].double(), out[:, :, 7, 8].double()  # (40, 3)
    sigmas = torch.sqrt(-1 / (2 * torch.log(side / centre)))
    worst = float((sigmas.max(dim=1).values - sigmas.min(dim=1).values).max())
    assert worst <= 1e-3, (
        "GaussianBlur(7, sigma=(0.5, 1.5)) on 3-channel images blurred the channels of one image "
        f"with sigmas up to {worst:.3f} apart: give each image's kernel to all of its channels "
        "(repeat_interleave(C, dim=0), not repeat(C, 1))"
    )


def _axis_angle(images: torch.Tensor) -> torch.Tensor:
    """Orientation in degrees of the intensity's principal axis, per image ``(B, 1, H, W)``."""
    h, w = images.shape[-2:]
    ys = torch.arange(h, dtype=torch.float64)[:, None] - (h - 1) / 2
    xs = torch.arange(w, dtype=torch.float64)[None, :] - (w - 1) / 2
    m = images[:, 0].double()
    mass = m.sum(dim=(1, 2))
    mu20 = (m * xs**2).sum(dim=(1, 2)) / mass
    mu02 = (m * ys**2).sum(dim=(1, 2)) / mass
    mu11 = (m * xs * ys).sum(dim=(1, 2)) / mass
    return torch.rad2deg(0.5 * torch.atan2(2 * mu11, mu20 - mu02))


@check(points=10, title="Rotation: 0 degrees is the identity; angles stay within ±degrees")
def test_rotation(submission: types.ModuleType) -> None:
    x = _images(8, 3, 20, 24)
    out = submission.RandomRotation(0)(x, generator=_gen(0))
    error = float((out - x).abs().max())
    assert error <= 1e-5, f"RandomRotation(0) changed the images by up to {error:.2g}"
    bar = torch.zeros(500, 1, 33, 33)
    bar[:, :, 15:18, 4:29] = 1.0  # a horizontal bar through the centre
    angles = _axis_angle(submission.RandomRotation(30)(bar, generator=_gen(6)))
    low, high = float(angles.min()), float(angles.max())
    assert low >= -31.5 and high <= 31.5, (
        f"RandomRotation(30) turned a bar by angles from {low:.1f} to {high:.1f} degrees"
    )
    assert low <= -25 and high >= 25, (
        f"RandomRotation(30) turned 500 bars only by {low:.1f} to {high:.1f} degrees: draw one "
        "angle per image, uniform in [-30, 30]"
    )
    chi2 = _chi2_uniform(angles, -30.0, 30.0)
    assert chi2 <= CHI2_9_9999, (
        f"RandomRotation(30): the angles of 500 bars are not uniform in [-30, 30] (chi-square "
        f"{chi2:.1f} in 10 bins, at most {CHI2_9_9999} expected)"
    )
    wide = torch.zeros(500, 1, 33, 65)
    wide[:, :, 15:18, 20:45] = 1.0  # the same bar on an image twice as wide as tall
    angles = _axis_angle(submission.RandomRotation(30)(wide, generator=_gen(6)))
    low, high = float(angles.min()), float(angles.max())
    assert low >= -31.5 and high <= 31.5 and low <= -25 and high >= 25, (
        f"RandomRotation(30) turned a bar on 33x65 images by angles from {low:.1f} to {high:.1f} "
        "degrees (in pixels), where the same draws on square images reach ±25: on non-square "
        "images scale the matrix by H / W and W / H"
    )
    smooth = F.avg_pool2d(_images(16, 2, 16, 24, seed=3, dtype=torch.float64), 3, 1, 1)
    residuals = _rotation_residuals(
        smooth, submission.RandomRotation(30)(smooth, generator=_gen(19)), 30.0
    )
    off = int((residuals > 1e-5).sum())
    assert off == 0, (
        f"RandomRotation(30) on 16 two-channel 16x24 images: {off} are not F.grid_sample(x, "
        "F.affine_grid(theta)) at any angle in [-30, 30] (bilinear, padding_mode='zeros', "
        "align_corners=False in both, theta scaled by H / W and W / H), to 1e-5"
    )
    ones = torch.ones(64, 1, 28, 28)
    turned = submission.RandomRotation(45)(ones, generator=_gen(7))
    assert float(turned[:, :, 0, 0].min()) == 0.0, (
        "RandomRotation(45) of white images left no corner black: fill uncovered pixels with 0"
    )


@check(points=10, title="Erasing: one rectangle inside the image, area and ratio in range, rate p")
def test_erasing(submission: types.ModuleType) -> None:
    n, h, w = 3000, 28, 28
    ones = torch.ones(n, 1, h, w)
    out = submission.RandomErasing(p=0.5, scale=(0.05, 0.3), ratio=(0.5, 2.0), value=0.25)(
        ones, generator=_gen(8)
    )
    assert bool(((out == 1.0) | (out == 0.25)).all()), (
        "RandomErasing(value=0.25) on white images gave values other than 1 and 0.25"
    )
    erased = out[:, 0] == 0.25  # (n, H, W)
    count = erased.flatten(1).sum(dim=1)
    hit = count > 0
    k = int(hit.sum())
    assert abs(k - n * 0.5) <= 4 * math.sqrt(n * 0.25) + 0.01 * n, (
        f"RandomErasing(p=0.5) erased {k} of {n} images; about {n // 2} expected"
    )
    rows, cols = erased.any(dim=2), erased.any(dim=1)  # (n, H), (n, W)
    eh, ew = rows.sum(dim=1), cols.sum(dim=1)
    box = eh * ew
    not_rect = int((hit & (box != count)).sum())
    assert not_rect == 0, f"RandomErasing: {not_rect} erased regions are not one filled rectangle"
    area = count[hit].double() / (h * w)
    ehf, ewf = eh[hit].double(), ew[hit].double()
    slack = (ehf + ewf + 1) / (h * w)  # rounding h and w moves the area by about h + w pixels
    assert bool((area >= 0.05 - slack).all() and (area <= 0.3 + slack).all()), (
        f"RandomErasing(scale=(0.05, 0.3)) erased fractions from {float(area.min()):.3f} to "
        f"{float(area.max()):.3f} of the image"
    )
    ratio_low, ratio_high = (ehf - 0.5) / (ewf + 0.5), (ehf + 0.5) / (ewf - 0.5).clamp_min(0.5)
    assert bool((ratio_high >= 0.5).all() and (ratio_low <= 2.0).all()), (
        "RandomErasing(ratio=(0.5, 2.0)) erased rectangles with h / w from "
        f"{float((ehf / ewf).min()):.2f} to {float((ehf / ewf).max()):.2f}"
    )
    assert float(area.max()) >= 0.25 and float(area.min()) <= 0.08, (
        f"RandomErasing(scale=(0.05, 0.3)) erased only {float(area.min()):.3f} to "
        f"{float(area.max()):.3f} of the image: draw the area uniformly over the range"
    )
    # log-uniform aspect in [0.3, 3.3]: tall (eh > ew) and wide equally likely; uniform
    # aspect would make 77 % of them tall. Small areas always fit, so nothing is redrawn.
    thin = submission.RandomErasing(p=1.0, scale=(0.02, 0.1), ratio=(0.3, 3.3), value=0.0)(
        ones[:2000], generator=_gen(15)
    )
    gone = thin[:, 0] == 0.0
    th, tw = gone.any(dim=2).sum(dim=1), gone.any(dim=1).sum(dim=1)
    tall, wide = int((th > tw).sum()), int((th < tw).sum())
    assert _binomial_ok(tall, tall + wide, 0.5), (
        f"RandomErasing(ratio=(0.3, 3.3)) erased {tall} tall and {wide} wide rectangles; about "
        "as many of each expected: draw the aspect ratio log-uniformly, exp(U[log 0.3, log 3.3])"
    )
    # a fixed 14x14 square: top and left uniform over the 15 positions that fit
    square = submission.RandomErasing(p=1.0, scale=(0.25, 0.25), ratio=(1.0, 1.0), value=0.0)(
        ones, generator=_gen(16)
    )
    gone = square[:, 0] == 0.0
    for axis, name in ((2, "top"), (1, "left")):
        edge = gone.any(dim=axis).float().argmax(dim=1)  # (n,) first erased row / column
        chi2 = _chi2_uniform(edge, 0.0, 15.0, bins=15)  # one bin per position 0..14
        assert chi2 <= CHI2_14_9999, (
            f"RandomErasing(scale=(0.25, 0.25), ratio=(1, 1)) on 28x28: the {name} of the 14x14 "
            f"squares is not uniform over its 15 positions (chi-square {chi2:.1f} over {n} "
            f"images, at most {CHI2_14_9999} expected)"
        )
    tops = rows.float().argmax(dim=1)[hit]
    assert int(tops.min()) == 0 and int((tops + eh[hit]).max()) == h, (
        "RandomErasing never placed a rectangle against the top or bottom edge: the position "
        "must be uniform among all that fit"
    )
    # The whole of an 8x8 image (scale 1): a candidate fits only when round(8 sqrt(aspect)) and
    # round(8 / sqrt(aspect)) are both 8, i.e. aspect in ((8 / 8.5)^2, (8.5 / 8)^2). Under
    # ratio=(0.5, 2) that is 4 log(8.5 / 8) / log 4 = 0.1749 of the candidates, so up to 10 of
    # them erase 0.854 of the images (a single candidate: 0.175).
    small = torch.ones(n, 1, 8, 8)
    whole = submission.RandomErasing(p=1.0, scale=(1.0, 1.0), ratio=(0.5, 2.0), value=0.0)(
        small, generator=_gen(17)
    )
    gone_all = (whole == 0.0).flatten(1).all(dim=1)
    assert bool((gone_all | (whole == 1.0).flatten(1).all(dim=1)).all()), (
        "RandomErasing(p=1.0, scale=(1.0, 1.0)) on 8x8 images erased part of an image: a "
        "candidate of the whole area either fits (all of it is erased) or does not (none is)"
    )
    fit = 1 - (1 - 4 * math.log(8.5 / 8) / math.log(4)) ** 10
    k = int(gone_all.sum())
    assert _binomial_ok(k, n, fit), (
        f"RandomErasing(p=1.0, scale=(1.0, 1.0), ratio=(0.5, 2.0)) on 8x8 images erased {k} of "
        f"{n}; about {round(n * fit)} expected: up to 10 candidates, eh = round(sqrt(area * "
        "aspect)), ew = round(sqrt(area / aspect)), the first with eh <= H and ew <= W"
    )
    never = submission.RandomErasing(p=1.0, scale=(1.0, 1.0), ratio=(3.0, 3.0), value=0.0)(
        small[:50], generator=_gen(18)
    )
    assert torch.equal(never, small[:50]), (
        "RandomErasing(p=1.0, scale=(1.0, 1.0), ratio=(3.0, 3.0)) changed an 8x8 image that no "
        "candidate fits (14x5 rectangles): leave such an image unchanged"
    )


def _search(
    residual: Callable[[torch.Tensor], torch.Tensor],
    n: int,
    low: float,
    high: float,
    refinements: int = 8,
) -> torch.Tensor:
    """The smallest ``residual`` per image over one parameter in ``[low, high]``.

    A grid of 201 values, then the three best refined ``refinements`` times, fivefold each
    (eight: a step of about 1e-8 of the range in the end).

    Args:
        residual: Maps candidate values ``(B, G)`` to residuals ``(B, G)``.
        n: The number of images ``B``.
        low: The smallest value.
        high: The largest value.
        refinements: How many times the step is divided by 5.

    Returns:
        ``(B,)`` float64: the smallest residual found per image.
    """
    step = (high - low) / 200
    grid = torch.linspace(low, high, 201, dtype=torch.float64).expand(n, 201)
    starts = grid.gather(1, residual(grid).topk(3, dim=1, largest=False).indices)  # (B, 3)
    best = torch.full((n,), math.inf, dtype=torch.float64)
    offsets = torch.linspace(-2.0, 2.0, 21, dtype=torch.float64)
    for centre in starts.unbind(dim=1):
        s = step
        for _ in range(refinements):
            candidates = (centre[:, None] + s * offsets[None, :]).clamp(low, high)
            r = residual(candidates)
            centre = candidates.gather(1, r.argmin(dim=1, keepdim=True)).squeeze(1)
            s /= 5
        best = torch.minimum(best, r.min(dim=1).values)
    return best


def _jitter_residuals(x: torch.Tensor, y: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """How far each ``y`` is from the README's ColorJitter of ``x`` at its best factors.

    Searches the brightness factor ``f_b`` in ``[low, high]`` (:func:`_search`); the contrast
    factor for a given ``f_b`` is the least-squares slope over the pixels that ``y`` did not
    clamp. A contrast factor outside ``[low, high]`` does not count.

    Args:
        x: Images ``(B, C, H, W)``, float64, in [0, 1].
        y: ``ColorJitter(brightness=v, contrast=v)(x)``, the same shape.
        low: ``max(0, 1 - v)``.
        high: ``1 + v``.

    Returns:
        ``(B,)`` float64: the largest absolute difference, per image, between ``y`` and
        ``clamp((b - m) * f_c + m, 0, 1)`` with ``b = clamp(x * f_b, 0, 1)``, ``m = b.mean()``;
        9.0 where no factor pair in range explains it.
    """
    xs, ys = x.flatten(1).double(), y.flatten(1).double()
    inside = ((ys > 0) & (ys < 1)).double()[:, None, :]  # (B, 1, P): pixels y did not clamp

    def residual(fb: torch.Tensor) -> torch.Tensor:  # fb (B, G) -> (B, G)
        b = (xs[:, None, :] * fb[..., None]).clamp(0.0, 1.0)  # (B, G, P)
        m = b.mean(dim=-1, keepdim=True)
        d = b - m
        fc = ((ys[:, None, :] - m) * d * inside).sum(-1) / (d * d * inside).sum(-1).clamp_min(
            1e-300
        )
        predicted = (fc[..., None] * d + m).clamp(0.0, 1.0)
        r = (predicted - ys[:, None, :]).abs().amax(dim=-1)
        outside = (fc < low - 1e-6) | (fc > high + 1e-6)
        return torch.where(outside, torch.full_like(r, 9.0), r)

    return _search(residual, x.shape[0], low - 1e-6, high + 1e-6)


def _rotation_residuals(x: torch.Tensor, y: torch.Tensor, degrees: float) -> torch.Tensor:
    """How far each ``y`` is from the README's rotation of ``x`` at its best angle.

    The reference is ``F.grid_sample(x, F.affine_grid(theta))``, bilinear, zero padding,
    ``align_corners=False``, with the aspect-corrected ``theta`` of the README; the angle is
    searched in ``[-degrees, degrees]`` (:func:`_search`), so either sign convention fits.

    Args:
        x: Images ``(B, C, H, W)``, float64.
        y: ``RandomRotation(degrees)(x)``, the same shape.
        degrees: The rotation's setting.

    Returns:
        ``(B,)`` float64: the largest absolute difference per image at the best angle.
    """
    b, c, h, w = x.shape
    xd, yd = x.double(), y.double()

    def residual(angle: torch.Tensor) -> torch.Tensor:  # angle (B, G) in degrees -> (B, G)
        g = angle.shape[1]
        a = (angle * (math.pi / 180)).flatten()  # (B * G,)
        cos, sin, zero = torch.cos(a), torch.sin(a), torch.zeros_like(a)
        theta = torch.stack(
            [torch.stack([cos, -sin * h / w, zero], 1), torch.stack([sin * w / h, cos, zero], 1)],
            dim=1,
        )  # (B * G, 2, 3)
        grid = F.affine_grid(theta, [b * g, c, h, w], align_corners=False)
        reference = F.grid_sample(
            xd.repeat_interleave(g, dim=0), grid, padding_mode="zeros", align_corners=False
        ).view(b, g, c, h, w)
        return (reference - yd[:, None]).abs().flatten(2).amax(dim=2)

    return _search(residual, b, -degrees, degrees, refinements=7)  # steps of 4e-6 degrees


def _jitter_images(n: int) -> torch.Tensor:
    """``(n, 3, 4, 4)`` float64 images whose pixels are a quarter dark (below 0.1), half
    mid-grey (0.3-0.55) and a quarter bright (0.8-0.95), shuffled over channels and positions:
    brightness above 1.06 clamps the bright ones, so the order of the two steps, where the
    contrast mean is taken and whether it spans the channels all change the output."""
    g = _gen(12)
    dark = 0.1 * torch.rand(n, 12, generator=g, dtype=torch.float64)
    mid = 0.3 + 0.25 * torch.rand(n, 24, generator=g, dtype=torch.float64)
    bright = 0.8 + 0.15 * torch.rand(n, 12, generator=g, dtype=torch.float64)
    pixels = torch.cat([dark, mid, bright], dim=1)
    order = torch.rand(n, 48, generator=g).argsort(dim=1)
    return pixels.gather(1, order).view(n, 3, 4, 4)


@check(
    points=5,
    title="ColorJitter: factors within [max(0, 1 - v), 1 + v]; brightness, then contrast about "
    "the new mean; clamped after each",
)
def test_jitter(submission: types.ModuleType) -> None:
    x = 0.1 + 0.4 * _images(4000, 1, 8, 8)  # in [0.1, 0.5]: 1.4 x stays below 1
    out = submission.ColorJitter(brightness=0.4)(x, generator=_gen(9))
    factor = (out / x).flatten(1)
    spread = float((factor.max(dim=1).values - factor.min(dim=1).values).max())
    assert spread <= 1e-4, "ColorJitter(brightness=0.4) did not scale each image by one factor"
    f = factor[:, 0]
    low, high = float(f.min()), float(f.max())
    assert low >= 0.6 - 1e-5 and high <= 1.4 + 1e-5 and low <= 0.65 and high >= 1.35, (
        f"ColorJitter(brightness=0.4) drew factors from {low:.3f} to {high:.3f}; uniform in "
        "[0.6, 1.4] expected"
    )
    chi2 = _chi2_uniform(f, 0.6, 1.4)
    assert chi2 <= CHI2_9_9999, (
        f"ColorJitter(brightness=0.4): the 4000 factors are not uniform in [0.6, 1.4] "
        f"(chi-square {chi2:.1f} in 10 bins, at most {CHI2_9_9999} expected)"
    )
    y = 0.4 + 0.2 * _images(4000, 1, 8, 8, seed=1)  # in [0.4, 0.6]: no clamping at contrast 1.5
    out = submission.ColorJitter(contrast=0.5)(y, generator=_gen(10))
    mean = y.mean(dim=(1, 2, 3), keepdim=True)
    c = ((out - mean) * (y - mean)).sum(dim=(1, 2, 3)) / ((y - mean) ** 2).sum(dim=(1, 2, 3))
    low, high = float(c.min()), float(c.max())
    assert low >= 0.5 - 1e-4 and high <= 1.5 + 1e-4 and low <= 0.55 and high >= 1.45, (
        f"ColorJitter(contrast=0.5) scaled the deviations from each image's mean by {low:.3f} to "
        f"{high:.3f}; uniform in [0.5, 1.5] expected"
    )
    chi2 = _chi2_uniform(c, 0.5, 1.5)
    assert chi2 <= CHI2_9_9999, (
        f"ColorJitter(contrast=0.5): the 4000 factors are not uniform in [0.5, 1.5] "
        f"(chi-square {chi2:.1f} in 10 bins, at most {CHI2_9_9999} expected)"
    )
    bright = submission.ColorJitter(brightness=1.0)(_images(200, 1, 8, 8), generator=_gen(11))
    assert float(bright.max()) == 1.0 and float(bright.min()) >= 0.0, (
        "ColorJitter(brightness=1.0) must clamp its output to [0, 1]"
    )
    z = _images(8, 3, 5, 5)
    assert torch.equal(submission.ColorJitter()(z, generator=_gen(13)), z), (
        "ColorJitter() (both settings 0) must leave the images unchanged"
    )
    both = _jitter_images(250)
    out = submission.ColorJitter(brightness=0.5, contrast=0.5)(both, generator=_gen(14))
    residuals = _jitter_residuals(both, out, 0.5, 1.5)
    wrong = int((residuals > 1e-6).sum())
    assert wrong == 0, (
        f"ColorJitter(brightness=0.5, contrast=0.5): {wrong} of 250 three-channel images are not "
        "clamp(x * f_b, 0, 1), then clamp((x - m) * f_c + m, 0, 1) with m the mean over all "
        "channels and pixels after the brightness step, for any factors in [0.5, 1.5]"
    )


@check(points=5, title="Resize is bilinear (align_corners=False); Normalize works per channel")
def test_resize_normalize(submission: types.ModuleType) -> None:
    x = _images(4, 3, 20, 24, dtype=torch.float64)
    for size, shape in (((10, 30), (10, 30)), (14, (14, 14)), ((7, 9), (7, 9))):
        got = submission.Resize(size)(x)
        want = F.interpolate(x, size=shape, mode="bilinear", align_corners=False)
        assert tuple(got.shape) == (4, 3, *shape), (
            f"Resize({size}) on (4, 3, 20, 24) gave {tuple(got.shape)}, expected {(4, 3, *shape)}"
        )
        error = float((got - want).abs().max())
        assert error <= 1e-6, (
            f"Resize({size}) differs from F.interpolate(x, size={shape}, mode='bilinear', "
            f"align_corners=False) by up to {error:.2g}"
        )
    mean, std = [0.1, 0.5, 0.9], [0.5, 0.25, 2.0]
    for args, m, sd in (((mean, std), mean, std), ((0.3, 0.2), [0.3] * 3, [0.2] * 3)):
        got = submission.Normalize(*args)(x)
        want = (x - torch.tensor(m, dtype=x.dtype)[None, :, None, None]) / torch.tensor(
            sd, dtype=x.dtype
        )[None, :, None, None]
        assert tuple(got.shape) == tuple(x.shape), (
            f"Normalize{args} on (4, 3, 20, 24) gave {tuple(got.shape)}"
        )
        error = float((got - want).abs().max())
        # 1e-6: statistics kept in float32 (torch.as_tensor of floats) differ by about 1e-8
        assert error <= 1e-6, (
            f"Normalize{args} differs from (x - mean[c]) / std[c] per channel c by up to "
            f"{error:.2g}"
        )


# --- composition and randomness ---------------------------------------------------------------


@check(
    points=10, title="Compose applies in order; a seeded generator repeats and spares torch's RNG"
)
def test_compose_and_generators(submission: types.ModuleType) -> None:
    s = submission
    x = _images(16, 1, 28, 28)
    first, second = s.Resize(14), s.RandomCrop(10)
    got = s.Compose([first, second])(x, generator=_gen(12))
    g = _gen(12)
    want = second(first(x, generator=g), generator=g)
    assert tuple(got.shape) == (16, 1, 10, 10), (
        f"Compose([Resize(14), RandomCrop(10)]) gave {tuple(got.shape)}"
    )
    assert torch.equal(got, want), "Compose([a, b])(x, g) should equal b(a(x, g), g)"
    empty = s.Compose([])(x, generator=_gen(12))
    assert isinstance(empty, torch.Tensor) and torch.equal(empty, x), (
        "Compose([]) should return its input unchanged"
    )
    other = s.Compose([s.RandomCrop(10), s.Resize(14)])(x, generator=_gen(12))
    assert tuple(other.shape) == (16, 1, 14, 14), "Compose must apply its transforms in order"
    everything = s.Compose([t for _, t in _random_transforms(s)])
    for name, transform in [*_random_transforms(s), ("a Compose of them", everything)]:
        state = torch.get_rng_state()
        a = transform(x, generator=_gen(13))
        b = transform(x, generator=_gen(13))
        untouched = torch.equal(state, torch.get_rng_state())
        c = transform(x, generator=_gen(14))
        assert torch.equal(a, b), f"{name} gave different images for two generators seeded 13"
        assert not torch.equal(a, c), f"{name} gave the same images for seeds 13 and 14"
        assert untouched, f"{name} used torch's global RNG although a generator was given"
        torch.manual_seed(21)
        a = transform(x)
        torch.manual_seed(21)
        b = transform(x)
        others = []
        for seed in (22, 23, 24, 25):
            torch.manual_seed(seed)
            others.append(transform(x))
        assert torch.equal(a, b), (
            f"{name} without a generator should draw from torch's global RNG: after "
            "torch.manual_seed(21) twice it gave different images"
        )
        assert not all(torch.equal(a, other) for other in others), (
            f"{name} without a generator gave the same images after torch.manual_seed(21), (22), "
            "(23), (24) and (25): draw from torch's global RNG when generator is None"
        )


# --- speed and devices ---------------------------------------------------------------------------


def _pipeline(module: types.ModuleType) -> Any:
    return module.Compose([
        module.RandomCrop(28, padding=2), module.RandomHorizontalFlip(),
        module.RandomRotation(15), module.ColorJitter(0.3, 0.3), module.GaussianBlur(3),
        module.RandomErasing(),
    ])  # fmt: skip


def _batch_and_single(pipeline: Any, x: torch.Tensor, repeats: int = 3) -> tuple[float, float]:
    """Fastest of ``repeats`` runs of ``pipeline`` on the batch ``x``, and the fastest mean time
    of one image over 64 one-image calls, seconds; the two interleaved so a machine that gets
    busier or quieter meanwhile slows both alike."""
    batch = single = math.inf
    for i in range(repeats):
        start = time.perf_counter()
        pipeline(x, generator=_gen(i))
        batch = min(batch, time.perf_counter() - start)
        start = time.perf_counter()
        for j in range(64):
            pipeline(x[j : j + 1], generator=_gen(i))
        single = min(single, (time.perf_counter() - start) / 64)
    return batch, single


MIN_SPEEDUP = 10.0
"""How many times faster per image the pipeline must be on a batch of 512 than one image at a
time. The reference is about 40 times faster on a 2-core CPU (docs/benchmarks.md); a Python
loop over the images is about 1 time (no faster)."""


@check(
    points=5,
    title="Vectorised: on 512 images at once the pipeline is at least 10x faster per image",
    hint="draw all parameters with one call per parameter and apply them with tensor ops; "
    "no Python loop over the images",
)
def test_vectorised(submission: types.ModuleType) -> None:
    x = _images(512, 1, 28, 28)
    pipeline = _pipeline(submission)
    pipeline(x[:2], generator=_gen(0))  # warm-up
    batch, single = _batch_and_single(pipeline, x)
    speedup = 512 * single / batch
    assert speedup >= MIN_SPEEDUP, (
        f"your pipeline took {batch * 1000:.1f} ms on 512 images of 28x28 at once and "
        f"{single * 1000:.2f} ms per image one at a time: only {speedup:.1f} times faster per "
        f"image on the batch, at least {MIN_SPEEDUP:g} is needed (a loop over the images?)"
    )


@check(points=5, title="The pipeline runs on the grading device (CUDA when there is a GPU)")
def test_device(submission: types.ModuleType, device: torch.device) -> None:
    x = _images(8, 3, 20, 24).to(device)
    for generator_device in {torch.device("cpu"), device}:
        g = torch.Generator(device=generator_device).manual_seed(0)
        for name, transform, _ in _all_transforms(submission):
            out = transform(x, generator=g)
            assert out.device == x.device, (
                f"{name} on {device} images with a {generator_device} generator returned "
                f"images on {out.device}"
            )


@check(points=5, title="No torchvision or kornia")
def test_no_forbidden_api(submission: types.ModuleType, submission_path: Any, spec: Any) -> None:
    x = _images(4, 1, 28, 28)
    runs = [("fashion_pipeline()", lambda: submission.fashion_pipeline()(x, generator=_gen(0)))]
    assert_no_forbidden(submission_path, spec.forbidden, runs)


# --- the effect on training ----------------------------------------------------------------------


def effect_model(params: dict[str, Any]) -> nn.Module:
    """The small CNN of the effect check: two conv layers, a hidden layer, 10 classes."""
    w, hidden = int(params["width"]), int(params["hidden"])
    return nn.Sequential(
        nn.Conv2d(1, w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(w, 2 * w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2 * w * 49, hidden), nn.ReLU(), nn.Linear(hidden, 10),
    )  # fmt: skip


def subset(data: Any, size: int, seed: int = 1000) -> FashionMNIST:
    """The fixed random training subset of the effect check (the whole test split kept)."""
    index = torch.randperm(data.train_images.shape[0], generator=_gen(seed))[:size]
    index = index.to(data.train_images.device)
    return FashionMNIST(
        data.train_images[index], data.train_labels[index], data.test_images,
        data.test_labels, data.root,
    )  # fmt: skip


def effect_accuracy(
    pipeline: Any, data: Any, profile: Any, device: Any, progress: Any = None, seed: int = 0
) -> float:
    """Test accuracy of :func:`effect_model` trained on the subset with ``pipeline`` (or none).

    ``seed`` seeds the initialisation and the batches (the check uses 0; bench/ varies it).
    """
    torch.manual_seed(seed)
    model = effect_model(profile.params).to(device)
    train_classifier(
        model, subset(data, int(profile.params["subset"])), steps=profile.steps,
        batch_size=profile.batch_size, lr=profile.lr, seed=seed,
        weight_decay=float(profile.params["weight_decay"]), transform=pipeline, on_step=progress,
    )  # fmt: skip
    return evaluate(model, data.test_images, data.test_labels)


def _leaves_batches_alone(pipeline: Any, data: Any, profile: Any, seed: int) -> bool:
    """Whether a copy of ``pipeline`` returns every training batch of the effect run unchanged
    and draws nothing from its generator (:func:`grader.training.changes_batches`): then the
    run with it is the run without it, and its accuracy is known without training. A copy, so
    that the run with ``pipeline``, when it is needed, starts from the pipeline's own state;
    one that cannot be copied is trained."""
    try:
        probe = copy.deepcopy(pipeline)
    except Exception:
        return False
    train = subset(data, int(profile.params["subset"]))
    steps, batch_size = profile.steps, profile.batch_size
    return not changes_batches(probe, train, steps=steps, batch_size=batch_size, seed=seed)


@check(
    points=10,
    title="fashion_pipeline() raises a small CNN's test accuracy on 1000 training images",
    hint="label-preserving transforms: small shifts, left-right flips, erased patches",
    training=True,
)
def test_effect(
    submission: types.ModuleType, fashion_mnist: Any, profile: Any, device: torch.device,
    progress: Any, seed: int, measure: Any, reference_cache: dict[object, Any],
) -> None:  # fmt: skip
    pipeline = submission.fashion_pipeline()
    total = 2 * profile.steps

    def first(step: int, steps: int) -> None:
        progress(step, total)

    def second(step: int, steps: int) -> None:
        progress(steps + step, total)

    # the run without augmentation does not depend on the submission: a trusted batch
    # (grader.runner.grade_many) trains it once; a graded attempt always trains it
    key = ("augment effect, no pipeline", seed, str(device), repr(profile))
    if key not in reference_cache:
        reference_cache[key] = effect_accuracy(None, fashion_mnist, profile, device, first, seed)
    without = float(reference_cache[key])
    if _leaves_batches_alone(pipeline, fashion_mnist, profile, seed):
        with_it = without  # the run with it would train on the same batches: the same model
        progress(total, total)
    else:
        with_it = effect_accuracy(pipeline, fashion_mnist, profile, device, second, seed)
    gain = with_it - without
    measure("accuracy gain", gain, profile.threshold)
    assert gain >= profile.threshold, (
        f"with fashion_pipeline() the CNN reached {with_it:.4f} test accuracy, without it "
        f"{without:.4f}: a gain of {gain:+.4f}, at least {profile.threshold:+.3f} is needed"
    )
