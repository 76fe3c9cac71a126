"""Reference solution of the augment assignment.

A batched, device-agnostic data-augmentation pipeline written with torch ops only. Every
transform takes float images ``(B, C, H, W)`` in [0, 1] on any device and an optional
``torch.Generator``; it draws independent parameters for each sample, all at once (no Python
loop over samples), on the generator's device, then moves them to the images' device.
Shapes: ``B`` batch, ``C`` channels, ``H, W`` height and width.

Sources: the transforms follow torchvision's definitions (``RandomCrop``, ``GaussianBlur``,
``RandomErasing``: Zhong et al., "Random Erasing Data Augmentation", AAAI 2020,
arXiv:1708.04896, Alg. 1); flip and crop are the "standard" augmentation of He et al., CVPR
2016, Sec. 4.2.
"""

import math

import torch
from torch.nn import functional as F

PADDING_MODES = ("constant", "reflect", "replicate")


def _pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))
    if pair[0] < 1 or pair[1] < 1:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return pair


def _range(value: float | tuple[float, float], name: str) -> tuple[float, float]:
    low, high = (value, value) if isinstance(value, (int, float)) else value
    if not 0 < low <= high:
        raise ValueError(
            f"{name} must be a positive number or a range 0 < min <= max, got {value!r}"
        )
    return float(low), float(high)


def _check(x: torch.Tensor) -> None:
    if x.dim() != 4:
        raise ValueError(f"expected images (B, C, H, W), got shape {tuple(x.shape)}")


def _uniform(
    n: int, low: float, high: float, x: torch.Tensor, generator: torch.Generator | None
) -> torch.Tensor:
    """``n`` draws from U[low, high), made on the generator's device, on ``x``'s device."""
    where = generator.device if generator is not None else x.device
    u = torch.rand(n, generator=generator, device=where, dtype=torch.float32)
    return (low + (high - low) * u).to(device=x.device)


def _integers(
    n: int, high: torch.Tensor, x: torch.Tensor, generator: torch.Generator | None
) -> torch.Tensor:
    """``n`` integers, the i-th uniform in ``[0, high[i])`` (``high`` >= 1, on x's device)."""
    u = _uniform(n, 0.0, 1.0, x, generator)
    return (u * high).floor().long().clamp(max=high - 1)


class RandomHorizontalFlip:
    """Mirror each image left-right with probability ``p``."""

    def __init__(self, p: float = 0.5) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p must be in [0, 1], got {p!r}")
        self.p = p

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check(x)
        flip = _uniform(x.shape[0], 0.0, 1.0, x, generator) < self.p
        # flip (B,) as (B, 1, 1, 1) picks per image between (B, C, H, W) tensors
        return torch.where(flip[:, None, None, None], x.flip(-1), x)


class RandomCrop:
    """Pad each side by ``padding``, then cut a ``size`` window at a uniform random offset."""

    def __init__(
        self, size: int | tuple[int, int], padding: int = 0, padding_mode: str = "constant"
    ) -> None:
        self.size = _pair(size, "size")
        if padding < 0:
            raise ValueError(f"padding must be >= 0, got {padding!r}")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")
        self.padding = padding
        self.padding_mode = padding_mode

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check(x)
        b, c, h, w = x.shape
        p = self.padding
        if self.padding_mode == "reflect" and p >= min(h, w):
            raise ValueError(f"reflect padding {p} needs images larger than {p}, got {h}x{w}")
        padded = F.pad(x, (p, p, p, p), mode=self.padding_mode) if p else x
        ph, pw = h + 2 * p, w + 2 * p  # padded: (B, C, ph, pw)
        th, tw = self.size
        if th > ph or tw > pw:
            raise ValueError(f"crop size {self.size} is larger than the padded image {(ph, pw)}")
        # top, left (B,); the indices rows (B, 1, th, 1), cols (B, 1, 1, tw), batch
        # (B, 1, 1, 1) and channel (1, C, 1, 1) broadcast to the crop (B, C, th, tw)
        top = _integers(b, torch.full((b,), ph - th + 1, device=x.device), x, generator)
        left = _integers(b, torch.full((b,), pw - tw + 1, device=x.device), x, generator)
        rows = (top[:, None] + torch.arange(th, device=x.device))[:, None, :, None]
        cols = (left[:, None] + torch.arange(tw, device=x.device))[:, None, None, :]
        batch = torch.arange(b, device=x.device)[:, None, None, None]
        channel = torch.arange(c, device=x.device)[None, :, None, None]
        return padded[batch, channel, rows, cols]


class RandomRotation:
    """Rotate each image by an angle uniform in [-degrees, degrees] about its centre, fill 0."""

    def __init__(self, degrees: float) -> None:
        if degrees < 0:
            raise ValueError(f"degrees must be >= 0, got {degrees!r}")
        self.degrees = float(degrees)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check(x)
        b, _, h, w = x.shape
        angle = _uniform(b, -self.degrees, self.degrees, x, generator) * (math.pi / 180)
        cos, sin = torch.cos(angle), torch.sin(angle)
        # normalised coordinates run over [-1, 1] on both axes: correct for the aspect ratio;
        # two (B, 3) rows stacked to theta (B, 2, 3)
        theta = torch.stack(
            [
                torch.stack([cos, -sin * h / w, torch.zeros_like(cos)], dim=1),
                torch.stack([sin * w / h, cos, torch.zeros_like(cos)], dim=1),
            ],
            dim=1,
        ).to(x.dtype)
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)  # (B, H, W, 2)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class ColorJitter:
    """Scale brightness, then contrast, by factors uniform in [max(0, 1 - v), 1 + v]."""

    def __init__(self, brightness: float = 0.0, contrast: float = 0.0) -> None:
        for name, value in (("brightness", brightness), ("contrast", contrast)):
            if value < 0:
                raise ValueError(f"{name} must be >= 0, got {value!r}")
        self.brightness = float(brightness)
        self.contrast = float(contrast)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check(x)
        b = x.shape[0]
        # factor (B,) as (B, 1, 1, 1) scales each image
        if self.brightness > 0:
            factor = _uniform(b, max(0.0, 1 - self.brightness), 1 + self.brightness, x, generator)
            x = (x * factor.to(x.dtype)[:, None, None, None]).clamp(0.0, 1.0)
        if self.contrast > 0:
            factor = _uniform(b, max(0.0, 1 - self.contrast), 1 + self.contrast, x, generator)
            mean = x.mean(dim=(1, 2, 3), keepdim=True)  # (B, 1, 1, 1)
            x = ((x - mean) * factor.to(x.dtype)[:, None, None, None] + mean).clamp(0.0, 1.0)
        return x


def gaussian_kernel1d(kernel_size: int, sigma: torch.Tensor) -> torch.Tensor:
    """Normalised 1-D Gaussians, one per sigma: sigma ``(B,)`` -> ``(B, kernel_size)``."""
    half = (kernel_size - 1) / 2
    offsets = torch.linspace(-half, half, kernel_size, device=sigma.device, dtype=sigma.dtype)
    # (1, kernel_size) offsets against (B, 1) sigmas: (B, kernel_size)
    kernel = torch.exp(-(offsets[None, :] ** 2) / (2 * sigma[:, None] ** 2))
    return kernel / kernel.sum(dim=1, keepdim=True)


class GaussianBlur:
    """Blur each image with a normalised Gaussian of a sigma uniform in ``sigma``, reflect pad."""

    def __init__(self, kernel_size: int, sigma: float | tuple[float, float] = (0.1, 2.0)) -> None:
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be a positive odd number, got {kernel_size!r}")
        self.kernel_size = kernel_size
        self.sigma = _range(sigma, "sigma")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check(x)
        b, c, h, w = x.shape
        k, r = self.kernel_size, self.kernel_size // 2
        if r >= min(h, w):
            raise ValueError(f"kernel_size {k} needs images larger than {r}, got {h}x{w}")
        sigma = _uniform(b, self.sigma[0], self.sigma[1], x, generator).to(x.dtype)
        # the batch folded into the channels, x (1, B * C, H, W), padded to (1, B * C, H + 2 * r,
        # W + 2 * r); each channel its own kernel, weight (B * C, 1, 1, k) then (B * C, 1, k, 1):
        # (1, B * C, H + 2 * r, W), then (1, B * C, H, W)
        kernel = gaussian_kernel1d(k, sigma).repeat_interleave(c, dim=0)  # (B*C, k)
        flat = F.pad(x.reshape(1, b * c, h, w), (r, r, r, r), mode="reflect")
        flat = F.conv2d(flat, kernel[:, None, None, :], groups=b * c)  # along W
        flat = F.conv2d(flat, kernel[:, None, :, None], groups=b * c)  # along H
        return flat.reshape(b, c, h, w)  # (B, C, H, W)


class RandomErasing:
    """With probability ``p``, fill one random rectangle of each image with ``value``.

    Area fraction uniform in ``scale``, aspect ratio (height / width) log-uniform in ``ratio``;
    of 10 candidate rectangles drawn at once the first that fits is used, none when none fits
    (Zhong et al., Alg. 1, as torchvision does).
    """

    ATTEMPTS = 10

    def __init__(
        self,
        p: float = 0.5,
        scale: tuple[float, float] = (0.02, 0.33),
        ratio: tuple[float, float] = (0.3, 3.3),
        value: float = 0.0,
    ) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p must be in [0, 1], got {p!r}")
        if not 0.0 < scale[0] <= scale[1] <= 1.0:
            raise ValueError(f"scale must be a range 0 < min <= max <= 1, got {scale!r}")
        if not 0.0 < ratio[0] <= ratio[1]:
            raise ValueError(f"ratio must be a range 0 < min <= max, got {ratio!r}")
        self.p, self.scale, self.ratio, self.value = p, scale, ratio, float(value)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check(x)
        b, _, h, w = x.shape
        n = b * self.ATTEMPTS  # candidates: (B * ATTEMPTS,) draws, then (B, ATTEMPTS)
        area = _uniform(n, self.scale[0], self.scale[1], x, generator) * (h * w)
        log_ratio = _uniform(n, math.log(self.ratio[0]), math.log(self.ratio[1]), x, generator)
        aspect = torch.exp(log_ratio)
        eh = torch.sqrt(area * aspect).round().long().reshape(b, self.ATTEMPTS)  # (B, ATTEMPTS)
        ew = torch.sqrt(area / aspect).round().long().reshape(b, self.ATTEMPTS)  # (B, ATTEMPTS)
        fits = (eh >= 1) & (ew >= 1) & (eh <= h) & (ew <= w)  # (B, ATTEMPTS)
        first = fits.long().argmax(dim=1)  # index of the first fitting candidate (0 if none)
        pick = torch.arange(b, device=x.device)
        eh, ew = eh[pick, first], ew[pick, first]  # (B,) each
        erase = fits.any(dim=1) & (_uniform(b, 0.0, 1.0, x, generator) < self.p)
        eh, ew = eh.clamp(1, h), ew.clamp(1, w)
        top = _integers(b, h - eh + 1, x, generator)
        left = _integers(b, w - ew + 1, x, generator)
        rows = torch.arange(h, device=x.device)[None, :]  # (1, H)
        cols = torch.arange(w, device=x.device)[None, :]  # (1, W)
        inside_rows = (rows >= top[:, None]) & (rows < (top + eh)[:, None])  # (B, H)
        inside_cols = (cols >= left[:, None]) & (cols < (left + ew)[:, None])  # (B, W)
        mask = inside_rows[:, :, None] & inside_cols[:, None, :] & erase[:, None, None]  # (B, H, W)
        return x.masked_fill(mask[:, None], self.value)  # mask (B, 1, H, W) for every channel


class Resize:
    """Resize to ``size`` with bilinear interpolation (no antialiasing)."""

    def __init__(self, size: int | tuple[int, int]) -> None:
        self.size = _pair(size, "size")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check(x)
        return F.interpolate(x, size=self.size, mode="bilinear", align_corners=False)


class Normalize:
    """``(x - mean) / std`` per channel."""

    def __init__(self, mean: float | list[float], std: float | list[float]) -> None:
        self.mean = [float(mean)] if isinstance(mean, (int, float)) else [float(m) for m in mean]
        self.std = [float(std)] if isinstance(std, (int, float)) else [float(s) for s in std]
        if any(s <= 0 for s in self.std):
            raise ValueError(f"std must be positive, got {std!r}")
        if len(self.mean) != len(self.std):
            raise ValueError(f"mean {mean!r} and std {std!r} must have the same length")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check(x)
        if len(self.mean) not in (1, x.shape[1]):
            raise ValueError(f"{len(self.mean)} means for {x.shape[1]} channels")
        # (1, C, 1, 1), or (1, 1, 1, 1) for one number: broadcast over (B, C, H, W)
        mean = torch.tensor(self.mean, device=x.device, dtype=x.dtype)[None, :, None, None]
        std = torch.tensor(self.std, device=x.device, dtype=x.dtype)[None, :, None, None]
        return (x - mean) / std


class Compose:
    """Apply ``transforms`` in order, each with the same generator."""

    def __init__(self, transforms: list) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        for transform in self.transforms:
            x = transform(x, generator=generator)
        return x


def fashion_pipeline() -> Compose:
    """The training augmentation for Fashion-MNIST: label-preserving for clothes.

    A 2-pixel shift, a left-right mirror (a shirt mirrored is still a shirt; upside down, a
    shoe is not) and a random erased patch (occlusion).
    """
    return Compose([RandomCrop(28, padding=2), RandomHorizontalFlip(0.5), RandomErasing(p=0.5)])
