# ruff: noqa: E501  (edit texts are data; wrapping them would obscure the code they change)
"""Augment submissions made by editing the reference solution (see ``variants.py``).

``WRONG`` holds versions with one realistic bug each, which must fail the checks written to
catch it; ``CORRECT`` holds other correct ways to write the same transforms, which must pass
every check.
"""

from __future__ import annotations

from tests.grader.variants import Edits, wrong_header


def _header(text: str) -> tuple[str, str]:
    return wrong_header("augment", text)


_FLIP_DRAW = "        flip = _uniform(x.shape[0], 0.0, 1.0, x, generator) < self.p\n"
_CROP_OFFSETS = (
    "        top = _integers(b, torch.full((b,), ph - th + 1, device=x.device), x, generator)\n"
    "        left = _integers(b, torch.full((b,), pw - tw + 1, device=x.device), x, generator)\n"
)
_CROP_GATHER = (
    "        rows = (top[:, None] + torch.arange(th, device=x.device))[:, None, :, None]\n"
    "        cols = (left[:, None] + torch.arange(tw, device=x.device))[:, None, None, :]\n"
    "        batch = torch.arange(b, device=x.device)[:, None, None, None]\n"
    "        channel = torch.arange(c, device=x.device)[None, :, None, None]\n"
    "        return padded[batch, channel, rows, cols]\n"
)
_JITTER_BRIGHTNESS = (
    "        if self.brightness > 0:\n"
    "            factor = _uniform(b, max(0.0, 1 - self.brightness), 1 + self.brightness, x, generator)\n"
    "            x = (x * factor.to(x.dtype)[:, None, None, None]).clamp(0.0, 1.0)\n"
)
_JITTER_CONTRAST = (
    "        if self.contrast > 0:\n"
    "            factor = _uniform(b, max(0.0, 1 - self.contrast), 1 + self.contrast, x, generator)\n"
    "            mean = x.mean(dim=(1, 2, 3), keepdim=True)  # (B, 1, 1, 1)\n"
    "            x = ((x - mean) * factor.to(x.dtype)[:, None, None, None] + mean).clamp(0.0, 1.0)\n"
)
_BLUR_PAD = '        flat = F.pad(x.reshape(1, b * c, h, w), (r, r, r, r), mode="reflect")\n'
_BLUR_SIGMA = (
    "        sigma = _uniform(b, self.sigma[0], self.sigma[1], x, generator).to(x.dtype)\n"
)
_BLUR_CONV = (
    "        kernel = gaussian_kernel1d(k, sigma).repeat_interleave(c, dim=0)  # (B*C, k)\n"
    + _BLUR_PAD
    + "        flat = F.conv2d(flat, kernel[:, None, None, :], groups=b * c)  # along W\n"
    "        flat = F.conv2d(flat, kernel[:, None, :, None], groups=b * c)  # along H\n"
)

WRONG: dict[str, Edits] = {
    "flip_one_draw": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): one coin for the whole batch, so all images flip or none do."
        ),
        (
            _FLIP_DRAW,
            "        flip = (_uniform(1, 0.0, 1.0, x, generator) < self.p).expand(x.shape[0])  # BUG\n",
        ),
    ],
    "crop_last_offset_missing": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): crop offsets drawn from [0, n - 1), so the last offset is never used."
        ),
        (
            _CROP_OFFSETS,
            _CROP_OFFSETS.replace("ph - th + 1", "ph - th").replace("pw - tw + 1", "pw - tw"),
        ),
    ],
    "crop_always_zero_padding": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the crop pads with zeros whatever padding_mode says."
        ),
        (
            "        padded = F.pad(x, (p, p, p, p), mode=self.padding_mode) if p else x\n",
            "        padded = F.pad(x, (p, p, p, p)) if p else x  # BUG: padding_mode ignored\n",
        ),
    ],
    "blur_zero_padding": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the blur pads with zeros, darkening the border."
        ),
        (
            _BLUR_PAD,
            "        flat = F.pad(x.reshape(1, b * c, h, w), (r, r, r, r))  # BUG: zeros, not reflect\n",
        ),
    ],
    "blur_one_sigma": [
        _header("WRONG ON PURPOSE (grader test fixture): one sigma for the whole batch."),
        (
            _BLUR_SIGMA,
            "        sigma = _uniform(1, self.sigma[0], self.sigma[1], x, generator).to(x.dtype).expand(b)  # BUG\n",
        ),
    ],
    "blur_unnormalised": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the Gaussian kernel is not normalised to sum 1."
        ),
        (
            "    return kernel / kernel.sum(dim=1, keepdim=True)\n",
            "    return kernel  # BUG: not normalised\n",
        ),
    ],
    "rotation_in_radians": [
        _header("WRONG ON PURPOSE (grader test fixture): the angle in degrees is used as radians."),
        (
            "        angle = _uniform(b, -self.degrees, self.degrees, x, generator) * (math.pi / 180)\n",
            "        angle = _uniform(b, -self.degrees, self.degrees, x, generator)  # BUG: degrees as radians\n",
        ),
    ],
    "erasing_ignores_p": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): random erasing is applied to every image whatever p is."
        ),
        (
            "        erase = fits.any(dim=1) & (_uniform(b, 0.0, 1.0, x, generator) < self.p)\n",
            "        erase = fits.any(dim=1)  # BUG: p ignored\n",
        ),
    ],
    "jitter_no_clamp": [
        _header("WRONG ON PURPOSE (grader test fixture): brightness is not clamped to [0, 1]."),
        (
            "            x = (x * factor.to(x.dtype)[:, None, None, None]).clamp(0.0, 1.0)\n",
            "            x = x * factor.to(x.dtype)[:, None, None, None]  # BUG: no clamp\n",
        ),
    ],
    "jitter_contrast_first": [
        _header("WRONG ON PURPOSE (grader test fixture): contrast is applied before brightness."),
        (
            _JITTER_BRIGHTNESS + _JITTER_CONTRAST,
            "        # BUG: contrast before brightness\n" + _JITTER_CONTRAST + _JITTER_BRIGHTNESS,
        ),
    ],
    "jitter_mean_before_brightness": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the contrast mean is taken before the brightness step."
        ),
        (
            "        b = x.shape[0]\n        # factor (B,) as (B, 1, 1, 1) scales each image\n",
            "        b = x.shape[0]\n        original = x.mean(dim=(1, 2, 3), keepdim=True)  # BUG: before brightness\n        # factor (B,) as (B, 1, 1, 1) scales each image\n",
        ),
        (
            "            mean = x.mean(dim=(1, 2, 3), keepdim=True)  # (B, 1, 1, 1)\n",
            "            mean = original\n",
        ),
    ],
    "jitter_contrast_mean_per_channel": [
        _header("WRONG ON PURPOSE (grader test fixture): the contrast mean is taken per channel."),
        (
            "            mean = x.mean(dim=(1, 2, 3), keepdim=True)  # (B, 1, 1, 1)\n",
            "            mean = x.mean(dim=(2, 3), keepdim=True)  # BUG: per channel, (B, C, 1, 1)\n",
        ),
    ],
    "jitter_clamp_at_end": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): one clamp at the end instead of one after each step."
        ),
        (
            "            x = (x * factor.to(x.dtype)[:, None, None, None]).clamp(0.0, 1.0)\n",
            "            x = x * factor.to(x.dtype)[:, None, None, None]  # BUG: clamped only at the end\n",
        ),
        (
            "            x = ((x - mean) * factor.to(x.dtype)[:, None, None, None] + mean).clamp(0.0, 1.0)\n        return x\n",
            "            x = (x - mean) * factor.to(x.dtype)[:, None, None, None] + mean\n        return x.clamp(0.0, 1.0)\n",
        ),
    ],
    "erasing_one_candidate": [
        _header("WRONG ON PURPOSE (grader test fixture): one candidate rectangle, not up to 10."),
        ("    ATTEMPTS = 10\n", "    ATTEMPTS = 1  # BUG: one candidate, not up to 10\n"),
    ],
    "erasing_without_fit": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): erases a clamped rectangle when no candidate fits."
        ),
        (
            "        erase = fits.any(dim=1) & (_uniform(b, 0.0, 1.0, x, generator) < self.p)\n",
            "        erase = _uniform(b, 0.0, 1.0, x, generator) < self.p  # BUG: even when none fits\n",
        ),
    ],
    "erasing_truncated_sizes": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): rectangle sizes truncated instead of rounded."
        ),
        (
            "        eh = torch.sqrt(area * aspect).round().long().reshape(b, self.ATTEMPTS)  # (B, ATTEMPTS)\n"
            "        ew = torch.sqrt(area / aspect).round().long().reshape(b, self.ATTEMPTS)  # (B, ATTEMPTS)\n",
            "        eh = torch.sqrt(area * aspect).long().reshape(b, self.ATTEMPTS)  # BUG: truncated\n"
            "        ew = torch.sqrt(area / aspect).long().reshape(b, self.ATTEMPTS)  # BUG: truncated\n",
        ),
    ],
    "rotation_nearest": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): nearest-neighbour resampling, not bilinear."
        ),
        (
            '        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)\n',
            '        return F.grid_sample(x, grid, mode="nearest", padding_mode="zeros", align_corners=False)  # BUG\n',
        ),
    ],
    "rotation_align_corners": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): align_corners=True in both affine_grid and grid_sample."
        ),
        (
            "        grid = F.affine_grid(theta, list(x.shape), align_corners=False)  # (B, H, W, 2)\n"
            '        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)\n',
            "        grid = F.affine_grid(theta, list(x.shape), align_corners=True)  # BUG: True\n"
            '        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)\n',
        ),
    ],
    "global_rng": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): random numbers come from torch's global RNG, not the generator."
        ),
        (
            "    u = torch.rand(n, generator=generator, device=where, dtype=torch.float32)\n",
            "    u = torch.rand(n, device=where, dtype=torch.float32)  # BUG: generator ignored\n",
        ),
    ],
    "per_image_loop": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Compose applies the transforms one image at a time in a Python loop."
        ),
        (
            "        for transform in self.transforms:\n            x = transform(x, generator=generator)\n        return x\n",
            "        out = []  # BUG: one image at a time\n        for i in range(x.shape[0]):\n            y = x[i : i + 1]\n            for transform in self.transforms:\n                y = transform(y, generator=generator)\n            out.append(y)\n        return torch.cat(out)\n",
        ),
    ],
    "reflect_padding_unchecked": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): RandomCrop lets F.pad fail on reflect padding as large as the image."
        ),
        (
            '        if self.padding_mode == "reflect" and p >= min(h, w):\n',
            "        if False:  # BUG: no check of reflect padding\n",
        ),
    ],
    "normalize_wrong_axis": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Normalize broadcasts its means over the width, not the channels."
        ),
        (
            "        mean = torch.tensor(self.mean, device=x.device, dtype=x.dtype)[None, :, None, None]\n        std = torch.tensor(self.std, device=x.device, dtype=x.dtype)[None, :, None, None]\n",
            "        mean = torch.tensor(self.mean, device=x.device, dtype=x.dtype)[None, None, None, :]  # BUG\n        std = torch.tensor(self.std, device=x.device, dtype=x.dtype)[None, None, None, :]\n",
        ),
    ],
    "resize_nearest": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Resize uses nearest-neighbour interpolation."
        ),
        (
            '        return F.interpolate(x, size=self.size, mode="bilinear", align_corners=False)\n',
            '        return F.interpolate(x, size=self.size, mode="nearest")  # BUG: bilinear asked\n',
        ),
    ],
    "fresh_generator_when_none": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): with generator=None each call makes a new, unseeded generator."
        ),
        (
            "    where = generator.device if generator is not None else x.device\n",
            "    where = generator.device if generator is not None else x.device\n"
            "    generator = generator if generator is not None else torch.Generator(device=where)  # BUG\n",
        ),
    ],
    "blur_kernel_repeat": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the blur kernels are repeated, not interleaved, over the channels."
        ),
        (
            "        kernel = gaussian_kernel1d(k, sigma).repeat_interleave(c, dim=0)  # (B*C, k)\n",
            "        kernel = gaussian_kernel1d(k, sigma).repeat(c, 1)  # BUG: sigma_0, sigma_1, ...\n",
        ),
    ],
    "rotation_no_aspect": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the rotation matrix ignores the aspect ratio."
        ),
        (
            "                torch.stack([cos, -sin * h / w, torch.zeros_like(cos)], dim=1),\n",
            "                torch.stack([cos, -sin, torch.zeros_like(cos)], dim=1),  # BUG\n",
        ),
        (
            "                torch.stack([sin * w / h, cos, torch.zeros_like(cos)], dim=1),\n",
            "                torch.stack([sin, cos, torch.zeros_like(cos)], dim=1),\n",
        ),
    ],
    "erasing_uniform_ratio": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the erased aspect ratio is uniform, not log-uniform."
        ),
        (
            "        log_ratio = _uniform(n, math.log(self.ratio[0]), math.log(self.ratio[1]), x, generator)\n        aspect = torch.exp(log_ratio)\n",
            "        aspect = _uniform(n, self.ratio[0], self.ratio[1], x, generator)  # BUG: uniform\n",
        ),
    ],
    "jitter_log_uniform": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the brightness factor is log-uniform, not uniform."
        ),
        (
            "            factor = _uniform(b, max(0.0, 1 - self.brightness), 1 + self.brightness, x, generator)\n",
            "            low, high = math.log(max(1e-3, 1 - self.brightness)), math.log(1 + self.brightness)\n"
            "            factor = torch.exp(_uniform(b, low, high, x, generator))  # BUG: log-uniform\n",
        ),
    ],
    "erasing_position_centred": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the erased rectangle's position is the mean of two draws, favouring the centre."
        ),
        (
            "        top = _integers(b, h - eh + 1, x, generator)\n        left = _integers(b, w - ew + 1, x, generator)\n",
            "        top = (_integers(b, h - eh + 1, x, generator) + _integers(b, h - eh + 1, x, generator)) // 2  # BUG\n"
            "        left = (_integers(b, w - ew + 1, x, generator) + _integers(b, w - ew + 1, x, generator)) // 2\n",
        ),
    ],
    "blur_float_sigma_range": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): a single float sigma s is read as the range (0.1, s), not (s, s)."
        ),
        (
            "    low, high = (value, value) if isinstance(value, (int, float)) else value\n",
            "    low, high = (0.1, value) if isinstance(value, (int, float)) else value  # BUG: (s, s)\n",
        ),
    ],
    "blur_accepts_even_kernel": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): GaussianBlur accepts an even kernel size, which has no centre pixel."
        ),
        (
            "        if kernel_size < 1 or kernel_size % 2 == 0:\n",
            "        if kernel_size < 1:  # BUG: even sizes accepted\n",
        ),
    ],
    "pipeline_does_nothing": [
        _header("WRONG ON PURPOSE (grader test fixture): fashion_pipeline() augments nothing."),
        (
            "    return Compose([RandomCrop(28, padding=2), RandomHorizontalFlip(0.5), RandomErasing(p=0.5)])\n",
            "    return Compose([])  # BUG: no augmentation\n",
        ),
    ],
}

_ROTATION_THETA = (  # the reference's angle and theta, from solutions/augment.py
    "        angle = _uniform(b, -self.degrees, self.degrees, x, generator) * (math.pi / 180)\n        cos, sin = torch.cos(angle), torch.sin(angle)\n        # normalised coordinates run over [-1, 1] on both axes: correct for the aspect ratio;\n        # two (B, 3) rows stacked to theta (B, 2, 3)\n        theta = torch.stack(\n            [\n                torch.stack([cos, -sin * h / w, torch.zeros_like(cos)], dim=1),\n                torch.stack([sin * w / h, cos, torch.zeros_like(cos)], dim=1),\n            ],\n            dim=1,\n        ).to(x.dtype)\n"
)

CORRECT: dict[str, Edits] = {
    # Written from the README alone: theta filled into a zeros (B, 2, 3) tensor, torch.deg2rad,
    # Normalize's statistics as view(1, -1, 1, 1) made with as_tensor(...).to(x).
    "readme_theta_and_view_normalize": [
        (
            _ROTATION_THETA,
            "        angle = torch.deg2rad(_uniform(b, -self.degrees, self.degrees, x, generator))\n"
            "        theta = torch.zeros(b, 2, 3, device=x.device, dtype=x.dtype)  # (B, 2, 3)\n"
            "        theta[:, 0, 0] = torch.cos(angle)\n"
            "        theta[:, 0, 1] = -torch.sin(angle) * h / w\n"
            "        theta[:, 1, 0] = torch.sin(angle) * w / h\n"
            "        theta[:, 1, 1] = torch.cos(angle)\n",
        ),
        (
            "        mean = torch.tensor(self.mean, device=x.device, dtype=x.dtype)[None, :, None, None]\n        std = torch.tensor(self.std, device=x.device, dtype=x.dtype)[None, :, None, None]\n",
            "        mean = torch.as_tensor(self.mean).to(x).view(1, -1, 1, 1)\n        std = torch.as_tensor(self.std).to(x).view(1, -1, 1, 1)\n",
        ),
    ],
    # ColorJitter from the README alone: both factors drawn up front (contrast's first, even
    # for a setting of 0, whose range is [1, 1]), torch.lerp towards the mean, clamp_ in place.
    "jitter_lerp_both_drawn": [
        (
            _JITTER_BRIGHTNESS + _JITTER_CONTRAST,
            "        where = generator.device if generator is not None else x.device\n"
            "        f_c = torch.empty(b, device=where, dtype=torch.float64).uniform_(max(0.0, 1 - self.contrast), 1 + self.contrast, generator=generator)\n"
            "        f_b = torch.empty(b, device=where, dtype=torch.float64).uniform_(max(0.0, 1 - self.brightness), 1 + self.brightness, generator=generator)\n"
            "        f_b, f_c = f_b.to(x).view(-1, 1, 1, 1), f_c.to(x).view(-1, 1, 1, 1)\n"
            "        x = (x * f_b).clamp_(0, 1)\n"
            "        x = torch.lerp(x.mean(dim=(1, 2, 3), keepdim=True), x, f_c).clamp_(0, 1)\n",
        ),
    ],
    # RandomErasing's candidates drawn one at a time in a loop of 10, torch.where keeping the
    # first that fits (the README's procedure read literally, another order of random draws).
    "erasing_candidate_loop": [
        (
            "        n = b * self.ATTEMPTS  # candidates: (B * ATTEMPTS,) draws, then (B, ATTEMPTS)\n        area = _uniform(n, self.scale[0], self.scale[1], x, generator) * (h * w)\n        log_ratio = _uniform(n, math.log(self.ratio[0]), math.log(self.ratio[1]), x, generator)\n        aspect = torch.exp(log_ratio)\n        eh = torch.sqrt(area * aspect).round().long().reshape(b, self.ATTEMPTS)  # (B, ATTEMPTS)\n        ew = torch.sqrt(area / aspect).round().long().reshape(b, self.ATTEMPTS)  # (B, ATTEMPTS)\n        fits = (eh >= 1) & (ew >= 1) & (eh <= h) & (ew <= w)  # (B, ATTEMPTS)\n        first = fits.long().argmax(dim=1)  # index of the first fitting candidate (0 if none)\n        pick = torch.arange(b, device=x.device)\n        eh, ew = eh[pick, first], ew[pick, first]  # (B,) each\n        erase = fits.any(dim=1) & (_uniform(b, 0.0, 1.0, x, generator) < self.p)\n",
            "        found = torch.zeros(b, dtype=torch.bool, device=x.device)\n        eh = torch.ones(b, dtype=torch.long, device=x.device)\n        ew = torch.ones(b, dtype=torch.long, device=x.device)\n        for _ in range(10):  # one candidate per image at a time, the first that fits kept\n            area = _uniform(b, self.scale[0], self.scale[1], x, generator) * (h * w)\n            aspect = torch.exp(_uniform(b, math.log(self.ratio[0]), math.log(self.ratio[1]), x, generator))\n            th = torch.round(torch.sqrt(area * aspect)).long()\n            tw = torch.round(torch.sqrt(area / aspect)).long()\n            new = ~found & (th >= 1) & (tw >= 1) & (th <= h) & (tw <= w)\n            eh, ew = torch.where(new, th, eh), torch.where(new, tw, ew)\n            found = found | new\n        erase = found & (_uniform(b, 0.0, 1.0, x, generator) < self.p)\n",
        ),
    ],
    # Flip by assigning the mirrored images into a copy; crop by indexing unfold's windows.
    "masked_flip_unfold_crop": [
        (
            "        return torch.where(flip[:, None, None, None], x.flip(-1), x)\n",
            "        out = x.clone()\n        out[flip] = x[flip].flip(-1)\n        return out\n",
        ),
        (
            _CROP_GATHER,
            "        windows = padded.unfold(2, th, 1).unfold(3, tw, 1)  # (B, C, ph - th + 1, pw - tw + 1, th, tw)\n        return windows[torch.arange(b, device=x.device), :, top, left]\n",
        ),
    ],
    # One 2-D depthwise convolution with each image's outer-product kernel.
    "blur_one_2d_convolution": [
        (
            _BLUR_CONV,
            "        k1 = gaussian_kernel1d(k, sigma)  # (B, k)\n        k2 = (k1[:, :, None] * k1[:, None, :]).repeat_interleave(c, dim=0)  # (B*C, k, k)\n"
            + _BLUR_PAD
            + "        flat = F.conv2d(flat, k2[:, None], groups=b * c)\n",
        ),
    ],
}
