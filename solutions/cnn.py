"""Reference solution of the CNN assignment.

Convolution arithmetic (output sizes, parameter counts, receptive fields), convolution and max
pooling by im2col (``F.unfold``) and one matrix product, modules with torch's parameter names so
that ``nn.Conv2d``'s weights load, and the classic networks built from them: AlexNet
(Krizhevsky, Sutskever and Hinton, NeurIPS 2012) in torchvision's variant, VGG (Simonyan and
Zisserman, arXiv:1409.1556) and GoogLeNet's Inception block (Szegedy et al., arXiv:1409.4842).
Parameter counts equal torchvision's ``alexnet`` (61,100,840) and ``vgg16`` (138,357,544).

Shapes: ``B`` batch, ``C`` channels, ``H``, ``W`` height and width; sizes by their argument
names (``in_channels``, ``out_channels``); ``kh, kw`` the kernel's height and width, ``sh, sw``,
``ph, pw``, ``dh, dw`` the stride, padding and dilation along each; ``H' = conv_output_size(H,
kh, sh, ph, dh)`` and ``W'`` alike.
"""

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

IntOrPair = int | tuple[int, int]


def as_pair(value: IntOrPair) -> tuple[int, int]:
    """``(value, value)`` for an int, else the pair itself, height first."""
    if isinstance(value, int):
        return value, value
    height, width = value
    return int(height), int(width)


def init_like_torch(weight: torch.Tensor, bias: torch.Tensor | None) -> None:
    """torch's initialisation of ``nn.Conv2d``: ``kaiming_uniform_(weight, a=sqrt(5))``, that is
    uniform in ``±1/sqrt(fan_in)``, and the bias uniform in the same bound, with ``fan_in =
    (in_channels // groups) * kh * kw``."""
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = math.prod(weight.shape[1:])
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        nn.init.uniform_(bias, -bound, bound)


def _positive(**values: int) -> None:
    for name, value in values.items():
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")


def conv_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Output length along one dimension: ``(size + 2 * padding - span) // stride + 1`` with
    ``span = dilation * (kernel_size - 1) + 1``, the extent of the dilated kernel.

    Raises:
        ValueError: ``size``, ``kernel_size``, ``stride`` or ``dilation`` below 1, ``padding``
            below 0, or a kernel spanning more than the padded input (naming the argument).
    """
    _positive(size=size, kernel_size=kernel_size, stride=stride, dilation=dilation)
    if padding < 0:
        raise ValueError(f"padding must be 0 or more, got {padding}")
    span = dilation * (kernel_size - 1) + 1
    padded = size + 2 * padding
    if span > padded:
        raise ValueError(
            f"kernel_size {kernel_size} with dilation {dilation} spans {span} pixels, more than "
            f"the padded input's {padded}"
        )
    return (padded - span) // stride + 1


def conv_parameters(
    in_channels: int, out_channels: int, kernel_size: IntOrPair, bias: bool = True, groups: int = 1
) -> int:
    """Parameters of a convolution: ``out_channels * (in_channels // groups) * kh * kw``
    weights, plus ``out_channels`` biases when ``bias``.

    Raises:
        ValueError: a non-positive channel count, kernel size or ``groups``, or channels not
            divisible by ``groups`` (naming the argument).
    """
    kh, kw = as_pair(kernel_size)
    _positive(in_channels=in_channels, out_channels=out_channels, groups=groups)
    _positive(kernel_size=min(kh, kw))
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"in_channels {in_channels} and out_channels {out_channels} must both be divisible "
            f"by groups {groups}"
        )
    weights = out_channels * (in_channels // groups) * kh * kw
    return weights + (out_channels if bias else 0)


def receptive_field(layers: Sequence[tuple[int, int]]) -> int:
    """Pixels of the input, along one dimension, that one output of the stack sees.

    Each layer widens the field by ``kernel_size - 1`` steps of the current jump (the distance,
    in input pixels, between neighbouring positions of its input); its stride multiplies the
    jump for the layers above: ``r += (kernel_size - 1) * jump; jump *= stride``.
    """
    field, jump = 1, 1
    for kernel_size, stride in layers:
        field += (kernel_size - 1) * jump
        jump *= stride
    return field


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
) -> torch.Tensor:
    """2-D convolution (cross-correlation, as torch's) by im2col and one matrix product.

    Args:
        x: ``(B, in_channels, H, W)``.
        weight: ``(out_channels, in_channels // groups, kh, kw)``.
        bias: ``(out_channels,)`` or ``None``.
        stride, padding, dilation: An int or an ``(h, w)`` pair each.
        groups: Input and output channels are split into this many groups; group ``g`` of the
            outputs sees only group ``g`` of the inputs.

    Returns:
        ``(B, out_channels, H', W')``.
    """
    batch, in_channels, height, width = x.shape
    out_channels, group_in, kh, kw = weight.shape
    sh, sw = as_pair(stride)
    ph, pw = as_pair(padding)
    dh, dw = as_pair(dilation)
    if group_in * groups != in_channels:
        raise ValueError(
            f"weight expects {group_in} * groups {groups} input channels, x has {in_channels}"
        )
    out_h = conv_output_size(height, kh, sh, ph, dh)
    out_w = conv_output_size(width, kw, sw, pw, dw)
    # im2col, one column per output position, rows ordered (channel, kernel row, kernel column):
    # (B, in_channels * kh * kw, H' * W')
    columns = F.unfold(x, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))
    # (B, groups, in_channels // groups * kh * kw, H' * W')
    columns = columns.reshape(batch, groups, group_in * kh * kw, out_h * out_w)
    # (groups, out_channels // groups, in_channels // groups * kh * kw)
    kernels = weight.reshape(groups, out_channels // groups, group_in * kh * kw)
    # (groups, out_channels // groups, K) @ (B, groups, K, H' * W'), K = in_channels // groups *
    # kh * kw: (B, groups, out_channels // groups, H' * W')
    out = kernels @ columns
    out = out.reshape(batch, out_channels, out_h, out_w)  # (B, out_channels, H', W')
    if bias is not None:
        out = out + bias.reshape(1, out_channels, 1, 1)  # (1, out_channels, 1, 1) broadcast
    return out


def max_pool2d(
    x: torch.Tensor,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
) -> torch.Tensor:
    """2-D max pooling by im2col: the largest value of every window, each channel on its own.

    Args:
        x: ``(B, C, H, W)``.
        kernel_size: An int or an ``(h, w)`` pair.
        stride: The same; ``None`` means ``kernel_size`` (windows side by side).
        padding: The same; padded positions hold ``-inf``, so they never win.

    Returns:
        ``(B, C, H', W')``.
    """
    batch, channels, height, width = x.shape
    kh, kw = as_pair(kernel_size)
    sh, sw = as_pair(kernel_size if stride is None else stride)
    ph, pw = as_pair(padding)
    out_h = conv_output_size(height, kh, sh, ph)
    out_w = conv_output_size(width, kw, sw, pw)
    # F.pad names the last dimension first: (left, right, top, bottom)
    padded = F.pad(x, (pw, pw, ph, ph), value=float("-inf"))  # (B, C, H + 2 ph, W + 2 pw)
    # every channel its own image: (B * C, 1, H + 2 * ph, W + 2 * pw)
    planes = padded.reshape(batch * channels, 1, height + 2 * ph, width + 2 * pw)
    columns = F.unfold(planes, (kh, kw), stride=(sh, sw))  # (B * C, kh * kw, H' * W')
    return columns.amax(dim=1).reshape(batch, channels, out_h, out_w)  # (B, C, H', W')


class Conv2d(nn.Module):
    """``nn.Conv2d``'s interface and parameters, computed by :func:`conv2d`.

    Parameters: ``weight (out_channels, in_channels // groups, kh, kw)`` and ``bias
    (out_channels,)`` (``None`` without bias), initialised like torch's.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair = 1,
        padding: IntOrPair = 0,
        dilation: IntOrPair = 1,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"in_channels {in_channels} and out_channels {out_channels} must both be "
                f"divisible by groups {groups}"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = as_pair(kernel_size)
        self.stride = as_pair(stride)
        self.padding = as_pair(padding)
        self.dilation = as_pair(dilation)
        self.groups = groups
        kh, kw = self.kernel_size
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, kh, kw))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's initialisation (:func:`init_like_torch`)."""
        init_like_torch(self.weight, self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> ``(B, out_channels, H', W')``."""
        return conv2d(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, dilation={self.dilation}, "
            f"groups={self.groups}, bias={self.bias is not None}"
        )


class MaxPool2d(nn.Module):
    """``nn.MaxPool2d``'s interface (without dilation), computed by :func:`max_pool2d`."""

    def __init__(
        self, kernel_size: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` -> ``(B, C, H', W')``."""
        return max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def vgg_block(in_channels: int, out_channels: int, num_convs: int) -> nn.Sequential:
    """VGG's block: ``num_convs`` times (3x3 convolution, padding 1, then ReLU), then a 2x2 max
    pool with stride 2. ``(B, in_channels, H, W)`` -> ``(B, out_channels, H // 2, W // 2)``."""
    layers: list[nn.Module] = []
    for i in range(num_convs):
        channels = in_channels if i == 0 else out_channels
        layers += [Conv2d(channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
    layers.append(MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


class InceptionBlock(nn.Module):
    """GoogLeNet's Inception block: four branches side by side, concatenated on channels.

    ``branch1`` (1x1); ``branch3_reduce`` (1x1) then ``branch3`` (3x3, padding 1);
    ``branch5_reduce`` (1x1) then ``branch5`` (5x5, padding 2); ``pool`` (3x3 max pool,
    stride 1, padding 1) then ``pool_proj`` (1x1). A ReLU follows every convolution.
    ``(B, in_channels, H, W)`` -> ``(B, c1 + c3 + c5 + pool_proj, H, W)``.
    """

    def __init__(
        self,
        in_channels: int,
        c1: int,
        c3_reduce: int,
        c3: int,
        c5_reduce: int,
        c5: int,
        pool_proj: int,
    ) -> None:
        super().__init__()
        self.out_channels = c1 + c3 + c5 + pool_proj
        self.branch1 = Conv2d(in_channels, c1, kernel_size=1)
        self.branch3_reduce = Conv2d(in_channels, c3_reduce, kernel_size=1)
        self.branch3 = Conv2d(c3_reduce, c3, kernel_size=3, padding=1)
        self.branch5_reduce = Conv2d(in_channels, c5_reduce, kernel_size=1)
        self.branch5 = Conv2d(c5_reduce, c5, kernel_size=5, padding=2)
        self.pool = MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.pool_proj = Conv2d(in_channels, pool_proj, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> ``(B, c1 + c3 + c5 + pool_proj, H, W)``."""
        ones = F.relu(self.branch1(x))  # (B, c1, H, W)
        threes = F.relu(self.branch3(F.relu(self.branch3_reduce(x))))  # (B, c3, H, W)
        fives = F.relu(self.branch5(F.relu(self.branch5_reduce(x))))  # (B, c5, H, W)
        pooled = F.relu(self.pool_proj(self.pool(x)))  # (B, pool_proj, H, W)
        return torch.cat([ones, threes, fives, pooled], dim=1)  # (B, out_channels, H, W)


class AlexNet(nn.Module):
    """AlexNet as torchvision builds it (64-192-384-256-256 channels, one GPU's worth).

    ``features``: conv 11x11/4 pad 2 (3 -> 64), ReLU, max pool 3/2; conv 5x5 pad 2 (-> 192),
    ReLU, max pool 3/2; conv 3x3 pad 1 (-> 384), ReLU; conv 3x3 pad 1 (-> 256), ReLU; conv 3x3
    pad 1 (-> 256), ReLU, max pool 3/2. ``avgpool``: ``nn.AdaptiveAvgPool2d((6, 6))``.
    ``classifier``: dropout, 9216 -> 4096, ReLU, dropout, 4096 -> 4096, ReLU, 4096 ->
    ``num_classes``. 61,100,840 parameters with 1000 classes.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(),
            MaxPool2d(kernel_size=3, stride=2),
            Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(),
            MaxPool2d(kernel_size=3, stride=2),
            Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(),
            Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(),
            Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(),
            MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` -> logits ``(B, num_classes)``."""
        x = self.avgpool(self.features(x))  # (B, 256, 6, 6)
        logits: torch.Tensor = self.classifier(torch.flatten(x, 1))  # flatten: (B, 9216)
        return logits


VGG16 = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
"""VGG-16 (configuration D): ``(out_channels, num_convs)`` of each block."""


class VGG(nn.Module):
    """VGG: blocks of 3x3 convolutions, each block ending in a 2x2 max pool, then three fully
    connected layers.

    ``features``: one :func:`vgg_block` per ``(out_channels, num_convs)`` pair of ``blocks``.
    ``avgpool``: ``nn.AdaptiveAvgPool2d((7, 7))``. ``classifier``: last out_channels * 7 * 7 ->
    4096, ReLU, dropout, 4096 -> 4096, ReLU, dropout, 4096 -> ``num_classes``.
    """

    def __init__(
        self,
        blocks: Sequence[tuple[int, int]],
        num_classes: int = 1000,
        in_channels: int = 3,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = in_channels
        for out_channels, num_convs in blocks:
            layers.append(vgg_block(channels, out_channels, num_convs))
            channels = out_channels
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(channels * 7 * 7, 4096),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> logits ``(B, num_classes)``."""
        x = self.avgpool(self.features(x))  # (B, last out_channels, 7, 7)
        # flatten: (B, last out_channels * 49)
        logits: torch.Tensor = self.classifier(torch.flatten(x, 1))
        return logits


def vgg16(num_classes: int = 1000) -> VGG:
    """VGG-16 (configuration D): 138,357,544 parameters with 1000 classes."""
    return VGG(VGG16, num_classes)
