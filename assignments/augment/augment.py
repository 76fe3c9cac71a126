"""Augment assignment: a batched, device-agnostic data-augmentation pipeline, from scratch.

Implement the transforms below with torch ops (``F.pad``, ``F.conv2d``, ``F.affine_grid`` /
``F.grid_sample``, ``F.interpolate``, ``torch.where``, indexing); ``README.md`` next to this file
explains each with every shape.

Every transform is a callable ``t(x, generator=None)`` on float images ``x`` of shape
``(B, C, H, W)`` with values in [0, 1], on any device, returning ``(B, C, H', W')`` on the same
device with the same dtype. It draws independent random parameters for each of the B images,
all at once: no Python loop over samples. Shapes: ``B`` batch, ``C`` channels, ``H, W`` height
and width; ``H', W'`` the output's, the same but for ``RandomCrop`` and ``Resize``.

Rules:
    * Use only ``torch`` (``torch.nn.functional`` included). ``torchvision`` and ``kornia``
      are forbidden.
    * Draw every random number from ``generator`` when one is given (``torch.rand(...,
      generator=generator, device=generator.device)``, then ``.to(x.device)``: a CPU generator
      cannot draw on the GPU), so the same seed gives the same output and torch's global random
      state is left alone.
    * Invalid arguments raise ``ValueError`` with a message that names the bad value.
    * Keep every class, argument and function name given here.

Run ``course grade augment`` to check your work and ``course augment preview`` to look at it.
"""

import torch


class RandomHorizontalFlip:
    """Mirror each image left-right (``x.flip(-1)``) with probability ``p``, independently.

    Raises:
        ValueError: ``p`` is outside [0, 1].

    See README.md, section "RandomHorizontalFlip".
    """

    def __init__(self, p: float = 0.5) -> None:
        raise NotImplementedError("RandomHorizontalFlip.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("RandomHorizontalFlip.__call__: see README.md")


class RandomCrop:
    """Pad each side by ``padding`` pixels, then cut a window of ``size`` at an offset drawn
    uniformly among all that fit, independently per image.

    Args:
        size: ``(th, tw)``, the output's height and width, or one int for a square.
        padding: Pixels added on each side first.
        padding_mode: ``"constant"`` (zeros), ``"reflect"`` or ``"replicate"``, as ``F.pad``.

    Raises:
        ValueError: ``padding_mode`` unknown or ``padding`` negative (in ``__init__``); the crop
            is larger than the padded image (in ``__call__``), naming both sizes.

    See README.md, section "RandomCrop".
    """

    def __init__(
        self, size: int | tuple[int, int], padding: int = 0, padding_mode: str = "constant"
    ) -> None:
        raise NotImplementedError("RandomCrop.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("RandomCrop.__call__: see README.md")


class RandomRotation:
    """Rotate each image about its centre by an angle uniform in [-degrees, degrees], bilinear,
    filling uncovered pixels with 0 (``F.affine_grid`` + ``F.grid_sample``).

    See README.md, section "RandomRotation".
    """

    def __init__(self, degrees: float) -> None:
        raise NotImplementedError("RandomRotation.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("RandomRotation.__call__: see README.md")


class ColorJitter:
    """Multiply brightness, then contrast (around each image's mean), by factors uniform in
    ``[max(0, 1 - v), 1 + v]``, clamping to [0, 1] after each. A value of 0 leaves it alone.

    See README.md, section "ColorJitter".
    """

    def __init__(self, brightness: float = 0.0, contrast: float = 0.0) -> None:
        raise NotImplementedError("ColorJitter.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("ColorJitter.__call__: see README.md")


class GaussianBlur:
    """Blur each image with a normalised Gaussian ``exp(-d^2 / (2 sigma^2))`` of odd
    ``kernel_size``, sigma uniform in ``sigma`` per image (or fixed when one number), with
    reflect padding so the size is kept.

    Raises:
        ValueError: ``kernel_size`` even or not positive; ``sigma`` not positive.

    See README.md, section "GaussianBlur".
    """

    def __init__(self, kernel_size: int, sigma: float | tuple[float, float] = (0.1, 2.0)) -> None:
        raise NotImplementedError("GaussianBlur.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("GaussianBlur.__call__: see README.md")


class RandomErasing:
    """With probability ``p``, fill one rectangle of each image with ``value``: area fraction
    uniform in ``scale``, aspect ratio (height / width) log-uniform in ``ratio``, position
    uniform among those inside the image (Zhong et al., AAAI 2020, Alg. 1; 10 candidates, the
    first that fits, none if none fits).

    Raises:
        ValueError: ``p`` outside [0, 1]; ``scale`` or ``ratio`` not an increasing positive
            range (``scale`` at most 1).

    See README.md, section "RandomErasing".
    """

    def __init__(
        self,
        p: float = 0.5,
        scale: tuple[float, float] = (0.02, 0.33),
        ratio: tuple[float, float] = (0.3, 3.3),
        value: float = 0.0,
    ) -> None:
        raise NotImplementedError("RandomErasing.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("RandomErasing.__call__: see README.md")


class Resize:
    """Resize every image to ``size`` (bilinear, ``align_corners=False``, no antialiasing).

    See README.md, section "Resize, Normalize and Compose".
    """

    def __init__(self, size: int | tuple[int, int]) -> None:
        raise NotImplementedError("Resize.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("Resize.__call__: see README.md")


class Normalize:
    """``(x - mean) / std`` per channel (one number, or one per channel).

    Raises:
        ValueError: a ``std`` is not positive.

    See README.md, section "Resize, Normalize and Compose".
    """

    def __init__(self, mean: float | list[float], std: float | list[float]) -> None:
        raise NotImplementedError("Normalize.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("Normalize.__call__: see README.md")


class Compose:
    """Apply ``transforms`` in order, passing each the same ``generator``.

    See README.md, section "Resize, Normalize and Compose".
    """

    def __init__(self, transforms: list) -> None:
        raise NotImplementedError("Compose.__init__: see README.md")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError("Compose.__call__: see README.md")


def fashion_pipeline() -> Compose:
    """Your training augmentation for Fashion-MNIST, built from the transforms above.

    Choose label-preserving transforms: the grader trains a small CNN on 1000 training images
    with and without this pipeline and asks for a gain in test accuracy.

    See README.md, section "The task: Fashion-MNIST".
    """
    raise NotImplementedError("fashion_pipeline: see README.md, section 'The task: Fashion-MNIST'")
