"""The pictures of the tools: tiles of 28 x 28 grayscale images, drawn in the tools' children.

:func:`grid_rows` draws rows of tiles: 8 (``columns``) to a row, each scaled by 2 with
nearest-neighbour, 2 output pixels of :data:`BACKGROUND` between tiles, no outer margin,
values clipped to [0, 1] (NaN as 0) and rounded to 0..255, mode ``L``. :func:`grid_image` is
``course aae samples``' picture (prior samples, a blank row, test images above their
reconstructions) and :func:`preview_image` ``course augment preview``'s (test images above the
same images after the student's pipeline); :func:`grid_size` and :func:`preview_size` give
their sizes without drawing. :func:`race_image` is ``course optim race``'s: the optimizers'
paths over the contours of the Rosenbrock function, drawn with matplotlib.

Only the children (:mod:`grader.sample_child`, :mod:`grader.preview_child`,
:mod:`grader.race_child`) and tests import this module; torch, numpy, PIL and matplotlib are
imported inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from PIL import Image

COLUMNS = 8
"""Tiles in a row of the picture."""
TILE = 28
"""Side of one image, pixels (before scaling)."""
BACKGROUND = 255
"""Gray level (0..255) of the gaps between tiles and of the blank separator row: white, so
the tiles' black backgrounds stand apart."""


def grid_rows_size(
    rows: int, *, columns: int = COLUMNS, scale: int = 2, gap: int = 2
) -> tuple[int, int]:
    """Width and height in pixels of :func:`grid_rows`'s picture of ``rows`` rows.

    Args:
        rows: Rows of tiles, blank ones included.
        columns: Tiles in a row.
        scale: Integer upscaling factor of each 28 x 28 tile.
        gap: Pixels of the output image between neighbouring tiles (not scaled).

    Returns:
        ``(width, height)``: ``columns`` tiles of ``28 * scale`` pixels and ``gap`` between
        them across, ``rows`` of them down; there is no margin around the grid.
    """
    side = TILE * scale
    return columns * side + (columns - 1) * gap, rows * side + (rows - 1) * gap


def grid_size(
    samples: int, pairs: int, *, columns: int = COLUMNS, scale: int = 2, gap: int = 2
) -> tuple[int, int]:
    """Width and height in pixels of :func:`grid_image`'s picture.

    Args:
        samples: Number of sample images.
        pairs: Number of original / reconstruction pairs.
        columns: Tiles in a row.
        scale: Integer upscaling factor of each 28 x 28 tile.
        gap: Pixels of the output image between neighbouring tiles (not scaled).

    Returns:
        ``(width, height)``. Rows: ``ceil(samples / columns)`` sample rows, one separator row,
        and two rows per ``ceil(pairs / columns)``; there is no margin around the grid.
    """
    rows = -(-samples // columns) + 1 + 2 * -(-pairs // columns)
    return grid_rows_size(rows, columns=columns, scale=scale, gap=gap)


def chunks(images: torch.Tensor, columns: int = COLUMNS) -> list[torch.Tensor]:
    """``images`` ``(N, ...)`` cut into rows of ``columns`` (the last may be shorter)."""
    return [images[i : i + columns] for i in range(0, int(images.shape[0]), columns)]


def paired_rows(
    originals: torch.Tensor, others: torch.Tensor, columns: int = COLUMNS
) -> list[torch.Tensor]:
    """Rows of ``originals``, each followed by the row of ``others`` at the same indices."""
    rows: list[torch.Tensor] = []
    for top, bottom in zip(chunks(originals, columns), chunks(others, columns), strict=True):
        rows += [top, bottom]
    return rows


def grid_rows(
    rows: Sequence[torch.Tensor | None],
    *,
    scale: int = 2,
    gap: int = 2,
    columns: int = COLUMNS,
) -> Image.Image:
    """One grayscale picture of rows of 28 x 28 tiles.

    Each row is drawn left to right; a row shorter than ``columns``, and a ``None`` row, are
    padded with :data:`BACKGROUND`. Values are clipped to [0, 1] (NaN counts as 0) and mapped
    to 0..255 (rounded); each tile is scaled by ``scale`` with nearest-neighbour (each pixel
    becomes a ``scale x scale`` block), and neighbouring tiles are ``gap`` output pixels apart.

    Args:
        rows: Each ``(k, 1, 28, 28)`` images with ``0 <= k <= columns``, or ``None`` (blank).
        scale: Integer upscaling factor, >= 1.
        gap: Output pixels between neighbouring tiles, >= 0.
        columns: Tiles in a row, >= 1.

    Returns:
        A mode ``L`` image of :func:`grid_rows_size`'s size for ``len(rows)`` rows.

    Raises:
        ValueError: no rows, a row of the wrong shape (the message names it), or ``scale``,
            ``gap`` or ``columns`` out of range.
    """
    import numpy as np
    import torch
    from PIL import Image

    if scale < 1 or gap < 0 or columns < 1:
        raise ValueError(
            f"scale must be >= 1, gap >= 0 and columns >= 1, got {scale}, {gap} and {columns}"
        )
    if not rows:
        raise ValueError("a grid needs at least one row")
    for index, row in enumerate(rows):
        if row is None:
            continue
        shape = tuple(int(d) for d in row.shape)
        if len(shape) != 4 or shape[1:] != (1, TILE, TILE) or shape[0] > columns:
            raise ValueError(
                f"row {index} must have shape (k, 1, 28, 28) with k <= {columns}, got {_shape(row)}"
            )
    width, height = grid_rows_size(len(rows), columns=columns, scale=scale, gap=gap)
    canvas = np.full((height, width), BACKGROUND, dtype=np.uint8)
    side = TILE * scale
    for index, row in enumerate(rows):
        if row is None or row.shape[0] == 0:
            continue
        values = torch.nan_to_num(row.detach().float().cpu(), nan=0.0).clamp(0.0, 1.0)
        scaled = (values[:, 0] * 255.0).round().to(torch.uint8)
        scaled = scaled.repeat_interleave(scale, dim=1).repeat_interleave(scale, dim=2)
        top = index * (side + gap)
        for col, tile in enumerate(scaled.numpy()):
            left = col * (side + gap)
            canvas[top : top + side, left : left + side] = tile
    return Image.fromarray(canvas)


def grid_image(
    samples: torch.Tensor,
    originals: torch.Tensor,
    reconstructions: torch.Tensor,
    *,
    scale: int = 2,
    gap: int = 2,
    columns: int = COLUMNS,
) -> Image.Image:
    """One grayscale picture of prior samples, test images and their reconstructions.

    Tiles are laid out 8 (``columns``) to a row, left to right: the samples first, then one
    blank row of :data:`BACKGROUND`, then for each group of 8 originals a row of them with the
    row of their reconstructions directly under it. A last row that is not full is padded with
    background. Values are clipped to [0, 1] (NaN counts as 0) and mapped to 0..255 (rounded);
    each tile is scaled by ``scale`` with nearest-neighbour (each pixel becomes a
    ``scale x scale`` block), and neighbouring tiles are ``gap`` output pixels apart
    (:func:`grid_rows` draws it).

    Args:
        samples: ``(N, 1, 28, 28)`` images, N >= 1, values meant to be in [0, 1].
        originals: ``(M, 1, 28, 28)`` images, M >= 1, values in [0, 1].
        reconstructions: The same shape as ``originals``.
        scale: Integer upscaling factor, >= 1.
        gap: Output pixels between neighbouring tiles, >= 0.
        columns: Tiles in a row, >= 1.

    Returns:
        A mode ``L`` image of :func:`grid_size`'s size.

    Raises:
        ValueError: a tensor has the wrong shape (the message names it), or ``scale``,
            ``gap`` or ``columns`` is out of range.
    """
    if scale < 1 or gap < 0 or columns < 1:
        raise ValueError(
            f"scale must be >= 1, gap >= 0 and columns >= 1, got {scale}, {gap} and {columns}"
        )
    _check_images("samples", samples)
    _check_images("originals", originals)
    if tuple(reconstructions.shape) != tuple(originals.shape):
        raise ValueError(
            f"reconstructions must have the shape of originals {_shape(originals)}, "
            f"got {_shape(reconstructions)}"
        )
    rows: list[torch.Tensor | None] = [*chunks(samples, columns), None]
    rows += paired_rows(originals, reconstructions, columns)
    return grid_rows(rows, scale=scale, gap=gap, columns=columns)


def value_range(values: torch.Tensor) -> tuple[float, float, int] | tuple[None, None, int]:
    """Smallest and largest non-NaN value of ``values`` (``None`` when every value is NaN) and
    how many values are NaN: what the range warnings of both pictures report, since the picture
    clips the range and draws NaN black."""
    import torch

    flat = values.detach().float().reshape(-1)
    is_nan = torch.isnan(flat)
    kept = flat[~is_nan]
    nan = int(is_nan.sum())
    if kept.numel() == 0:
        return None, None, nan
    return float(kept.min()), float(kept.max()), nan


def _shape(tensor: Any) -> str:
    return "(" + ", ".join(str(int(d)) for d in tensor.shape) + ")"


def _check_images(name: str, images: torch.Tensor) -> None:
    shape = tuple(int(d) for d in images.shape)
    if len(shape) != 4 or shape[1:] != (1, TILE, TILE) or shape[0] < 1:
        raise ValueError(f"{name} must have shape (N, 1, 28, 28) with N >= 1, got {_shape(images)}")


def preview_size(
    count: int, *, columns: int = COLUMNS, scale: int = 2, gap: int = 2
) -> tuple[int, int]:
    """Width and height in pixels of :func:`preview_image`'s picture of ``count`` images.

    Args:
        count: Test images, >= 1.
        columns: Tiles in a row.
        scale: Integer upscaling factor of each 28 x 28 tile.
        gap: Pixels of the output image between neighbouring tiles (not scaled).

    Returns:
        ``(width, height)``: two rows per ``ceil(count / columns)``, no margin.
    """
    rows = 2 * -(-count // columns)
    return grid_rows_size(rows, columns=columns, scale=scale, gap=gap)


def preview_image(
    originals: torch.Tensor,
    augmented: torch.Tensor,
    *,
    scale: int = 2,
    gap: int = 2,
    columns: int = COLUMNS,
) -> Image.Image:
    """One grayscale picture of test images and the same images after a pipeline.

    For each group of 8 (``columns``) images: the row of originals, then directly under it the
    row of their augmented versions, in the same order. Augmented images that are not 28 x 28
    are first scaled to 28 x 28 with nearest-neighbour interpolation (``F.interpolate(...,
    mode="nearest")``: output pixel ``i`` takes input pixel ``floor(i * H / 28)``). Then, as in
    :func:`grid_rows`: values clipped to [0, 1] (NaN as 0) and mapped to 0..255
    (rounded), each tile scaled by ``scale`` with nearest-neighbour, ``gap`` output pixels of
    :data:`BACKGROUND` between tiles, a last row that is not full padded with
    background.

    Args:
        originals: ``(N, 1, 28, 28)`` images, N >= 1, values in [0, 1].
        augmented: ``(N, 1, H, W)`` images, H, W >= 1, values meant to be in [0, 1].
        scale: Integer upscaling factor, >= 1.
        gap: Output pixels between neighbouring tiles, >= 0.
        columns: Tiles in a row, >= 1.

    Returns:
        A mode ``L`` image of :func:`preview_size`'s size.

    Raises:
        ValueError: a tensor has the wrong shape (the message names it), or ``scale``, ``gap``
            or ``columns`` is out of range.
    """
    from torch.nn import functional as F

    shape = tuple(int(d) for d in originals.shape)
    if len(shape) != 4 or shape[1:] != (1, TILE, TILE) or shape[0] < 1:
        raise ValueError(
            f"originals must have shape (N, 1, 28, 28) with N >= 1, got {_shape(originals)}"
        )
    out_shape = tuple(int(d) for d in augmented.shape)
    if len(out_shape) != 4 or out_shape[:2] != shape[:2] or min(out_shape[2:]) < 1:
        raise ValueError(
            f"augmented must have shape ({shape[0]}, 1, H, W) with H, W >= 1, "
            f"got {_shape(augmented)}"
        )
    tiles = augmented.detach().float().cpu()
    if out_shape[2:] != (TILE, TILE):
        tiles = F.interpolate(tiles, size=(TILE, TILE), mode="nearest")
    return grid_rows(paired_rows(originals, tiles, columns), scale=scale, gap=gap, columns=columns)


RACE_BOX = ((-2.0, 2.0), (-1.0, 3.0))
"""``((x_min, x_max), (y_min, y_max))`` of :func:`race_image`'s view."""
RACE_COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e")
"""Colours of the paths, in order (matplotlib's tab10 red, blue, green, ...)."""


def race_image(
    paths: Mapping[str, Sequence[tuple[float, float]]],
    start: tuple[float, float],
    minimum: tuple[float, float],
    size: tuple[int, int] = (720, 600),
) -> Image.Image:
    """Optimizers' paths over the contours of the Rosenbrock function, as one RGB picture.

    Contours are of ``log10(1 + f)``, ``f(x, y) = (1 - x)^2 + 100 (y - x^2)^2``, over
    :data:`RACE_BOX`; each path is a line of its colour with a dot where it ended (the first
    path thinnest and on top), the start a black circle, the minimum a black star; the legend
    names each path and where it ended. Points outside the view are drawn clipped at its edge.

    Args:
        paths: Legend label to the points visited, ``(x, y)`` from the start on (at least
            one each).
        start: Where every path begins.
        minimum: The function's minimum, ``(1, 1)``.
        size: ``(width, height)`` in pixels.

    Raises:
        ValueError: a path has no points, or there are more paths than :data:`RACE_COLORS`.
    """
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    if len(paths) > len(RACE_COLORS):
        raise ValueError(f"at most {len(RACE_COLORS)} paths, got {len(paths)}")
    (x0, x1), (y0, y1) = RACE_BOX
    dpi = 100
    figure = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs, ys = np.meshgrid(np.linspace(x0, x1, 400), np.linspace(y0, y1, 400))
    values = np.log10(1 + (1 - xs) ** 2 + 100 * (ys - xs**2) ** 2)
    axes.contourf(xs, ys, values, levels=30, cmap="Greys", alpha=0.55)
    axes.contour(xs, ys, values, levels=15, colors="0.45", linewidths=0.5)
    # drawn last to first, each thinner than the one under it: paths that share the valley
    # floor stay visible
    drawn = list(zip(paths.items(), RACE_COLORS, strict=False))
    for order, ((label, points), color) in enumerate(reversed(drawn)):
        if not points:
            raise ValueError(f"path {label!r} has no points")
        track = np.clip(np.asarray(points, dtype=float), [x0, y0], [x1, y1])
        x, y = track[-1]
        axes.plot(
            track[:, 0], track[:, 1], color=color, linewidth=1.2 + 1.6 * (len(drawn) - 1 - order),
            label=f"{label}, ends at ({points[-1][0]:.3f}, {points[-1][1]:.3f})",
        )  # fmt: skip
        axes.plot([x], [y], "o", color=color, markersize=5)
    axes.plot([start[0]], [start[1]], "o", color="black", markersize=7, fillstyle="none")
    axes.plot([minimum[0]], [minimum[1]], "*", color="black", markersize=12)
    axes.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x", ylabel="y")
    axes.set_title(f"Rosenbrock from ({start[0]:g}, {start[1]:g}) to the minimum at (1, 1)")
    handles, labels = axes.get_legend_handles_labels()
    axes.legend(handles[::-1], labels[::-1], loc="lower left", fontsize=8, framealpha=0.9)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    buffer.seek(0)
    with Image.open(buffer) as picture:
        return picture.convert("RGB")
