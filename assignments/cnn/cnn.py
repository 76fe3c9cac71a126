"""CNN assignment: convolution arithmetic, im2col, and the networks before ResNet.

Implement the functions and classes below; ``README.md`` next to this file explains each piece
with every formula and shape. Sources: Dumoulin and Visin, "A guide to convolution arithmetic
for deep learning", 2016 (arXiv:1603.07285); Krizhevsky, Sutskever and Hinton, "ImageNet
Classification with Deep Convolutional Neural Networks", NeurIPS 2012 (AlexNet); Simonyan and
Zisserman, 2015 (arXiv:1409.1556, VGG); Szegedy et al., 2015 (arXiv:1409.4842, GoogLeNet).

Rules:
    * Use only ``torch`` and ``torch.nn`` building blocks: ``F.unfold`` / ``Tensor.unfold``,
      ``F.pad``, matrix products, ``nn.Parameter``, ``nn.Linear``, ``nn.ReLU``,
      ``nn.Dropout``, ``nn.AdaptiveAvgPool2d``, ``nn.Sequential``. torch's convolutions and max
      pooling (``nn.Conv*``, ``F.conv*``, ``torch.conv*``, ``nn.MaxPool*``, ``F.max_pool*``,
      ``torch.max_pool*``, ``torch._C``, ...) are forbidden; the grader refuses them even when
      reached indirectly.
    * Keep every function, class, argument and attribute name given here: the grader loads
      ``nn.Conv2d``'s weights into your ``Conv2d`` by name (``weight``, ``bias``) and reads the
      branches of ``InceptionBlock`` by name.
    * ``torchvision`` is not installed and not needed: build AlexNet and VGG yourself.

Shapes: ``B`` batch, ``C`` channels, ``H``, ``W`` height and width; sizes by their argument
names (``in_channels``, ``out_channels``); ``kh, kw`` the kernel's height and width, ``sh, sw``,
``ph, pw``, ``dh, dw`` the stride, padding and dilation along each (``as_pair`` makes the pairs);
``H' = conv_output_size(H, kh, sh, ph, dh)`` and ``W' = conv_output_size(W, kw, sw, pw, dw)``.

Run ``course grade cnn`` to check your work.
"""

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F  # noqa: F401  (F.unfold and F.pad are handy)

IntOrPair = int | tuple[int, int]


def as_pair(value: IntOrPair) -> tuple[int, int]:
    """Given: ``(value, value)`` for an int, else the pair itself, height first."""
    if isinstance(value, int):
        return value, value
    height, width = value
    return int(height), int(width)


def init_like_torch(weight: torch.Tensor, bias: torch.Tensor | None) -> None:
    """Given: torch's initialisation of ``nn.Conv2d``.

    ``kaiming_uniform_(weight, a=sqrt(5))`` draws the weight uniformly in ``±1/sqrt(fan_in)``,
    ``fan_in = (in_channels // groups) * kh * kw``; the bias is uniform in the same bound. Call
    it at the end of ``Conv2d.__init__`` once the parameters exist.
    """
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = math.prod(weight.shape[1:])
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        nn.init.uniform_(bias, -bound, bound)


def conv_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Output length of a convolution (or pooling) along one dimension.

    ``floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``.

    Args:
        size: Input length (``H`` or ``W``), at least 1.
        kernel_size: Kernel length, at least 1.
        stride: Step between windows, at least 1.
        padding: Zeros added at each end, at least 0.
        dilation: Spacing of the kernel's taps, at least 1.

    Returns:
        The output length, an ``int``.

    Raises:
        ValueError: an argument out of range, or a dilated kernel,
            ``dilation * (kernel_size - 1) + 1`` pixels, longer than the padded input
            ``size + 2 * padding``. The message names the argument (``kernel_size`` for the
            kernel that does not fit).

    See README.md, section "Output size".
    """
    raise NotImplementedError("conv_output_size: see README.md, section 'Output size'")


def conv_parameters(
    in_channels: int, out_channels: int, kernel_size: IntOrPair, bias: bool = True, groups: int = 1
) -> int:
    """Number of parameters of a 2-D convolution.

    ``out_channels * (in_channels // groups) * kh * kw`` weights plus ``out_channels``
    biases when ``bias``: a 5x5 convolution from 3 to 6 channels has 456.

    Raises:
        ValueError: a channel count, kernel size or ``groups`` below 1, or ``in_channels`` or
            ``out_channels`` not divisible by ``groups``; the message names the argument
            (``groups`` for the divisibility).

    See README.md, section "Counting parameters".
    """
    raise NotImplementedError("conv_parameters: see README.md, section 'Counting parameters'")


def receptive_field(layers: Sequence[tuple[int, int]]) -> int:
    """Input pixels, along one dimension, that one output of a stack of layers sees.

    Args:
        layers: ``(kernel_size, stride)`` of each layer, from the input up; ``[]`` sees 1.

    Returns:
        The receptive field: ``[(3, 1), (3, 1)]`` gives 5, ``[(7, 2), (3, 2)]`` gives 11.

    See README.md, section "Receptive field".
    """
    raise NotImplementedError("receptive_field: see README.md, section 'Receptive field'")


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
    groups: int = 1,
) -> torch.Tensor:
    """2-D convolution as torch computes it (a cross-correlation), by im2col and one matmul.

    Args:
        x: ``(B, in_channels, H, W)``.
        weight: ``(out_channels, in_channels // groups, kh, kw)``.
        bias: ``(out_channels,)`` or ``None``.
        stride, padding, dilation: An int or an ``(h, w)`` pair each (zero padding).
        groups: Split the input and output channels into this many groups; output group ``g``
            sees only input group ``g``.

    Returns:
        ``(B, out_channels, H', W')``.

    See README.md, section "im2col".
    """
    raise NotImplementedError("conv2d: see README.md, section 'im2col'")


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
        stride: The same; ``None`` means ``kernel_size``.
        padding: The same, at most half the kernel; padded positions hold ``-inf``.

    Returns:
        ``(B, C, H', W')``.

    See README.md, section "Max pooling".
    """
    raise NotImplementedError("max_pool2d: see README.md, section 'Max pooling'")


class Conv2d(nn.Module):
    """``nn.Conv2d``'s interface and parameters, computed by your :func:`conv2d`.

    Args:
        in_channels, out_channels: Channels in and out; both divisible by ``groups``.
        kernel_size, stride, padding, dilation: An int or an ``(h, w)`` pair each.
        groups: Channel groups.
        bias: Whether to create ``bias``.

    Parameters you must create (``nn.Parameter``, these names and shapes):
        weight ``(out_channels, in_channels // groups, kh, kw)`` and bias ``(out_channels,)``.
        Without bias, ``self.register_parameter("bias", None)``. Finish with
        ``init_like_torch(self.weight, self.bias)``.

    See README.md, section "Modules".
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
        raise NotImplementedError("Conv2d.__init__: see README.md, section 'Modules'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> ``(B, out_channels, H', W')``."""
        raise NotImplementedError("Conv2d.forward: call conv2d")


class MaxPool2d(nn.Module):
    """``nn.MaxPool2d``'s interface (without dilation), computed by your :func:`max_pool2d`.

    No parameters. ``stride=None`` means ``kernel_size``.
    """

    def __init__(
        self, kernel_size: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0
    ) -> None:
        super().__init__()
        raise NotImplementedError("MaxPool2d.__init__: see README.md, section 'Modules'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` -> ``(B, C, H', W')``."""
        raise NotImplementedError("MaxPool2d.forward: call max_pool2d")


def vgg_block(in_channels: int, out_channels: int, num_convs: int) -> nn.Sequential:
    """VGG's block, built from your ``Conv2d`` and ``MaxPool2d``.

    ``num_convs`` times (3x3 ``Conv2d``, padding 1, then ``nn.ReLU``), the first from
    ``in_channels`` to ``out_channels``, the others ``out_channels`` to ``out_channels``; then a
    2x2 ``MaxPool2d`` with stride 2. ``(B, in_channels, H, W)`` -> ``(B, out_channels, H // 2,
    W // 2)``.

    See README.md, section "VGG".
    """
    raise NotImplementedError("vgg_block: see README.md, section 'VGG'")


class InceptionBlock(nn.Module):
    """GoogLeNet's Inception block: four branches side by side, concatenated on channels.

    Args:
        in_channels: Channels of the input.
        c1: Outputs of the 1x1 branch.
        c3_reduce, c3: The 1x1 reduction before the 3x3 convolution, and the 3x3's outputs.
        c5_reduce, c5: The same for the 5x5 branch.
        pool_proj: Outputs of the 1x1 convolution after the max pool.

    Attributes you must create (your ``Conv2d`` and ``MaxPool2d``, these names):
        branch1 (1x1, in_channels -> c1); branch3_reduce (1x1, in_channels -> c3_reduce);
        branch3 (3x3, padding 1, c3_reduce -> c3); branch5_reduce (1x1, in_channels ->
        c5_reduce); branch5 (5x5, padding 2, c5_reduce -> c5); pool (3x3 max pool, stride 1,
        padding 1); pool_proj (1x1, in_channels -> pool_proj).

    A ReLU follows every convolution. Output ``(B, c1 + c3 + c5 + pool_proj, H, W)``: the
    branches concatenated in the order 1x1, 3x3, 5x5, pool.

    See README.md, section "GoogLeNet and the 1x1 convolution".
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
        raise NotImplementedError("InceptionBlock.__init__: see README.md, section 'GoogLeNet'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> ``(B, c1 + c3 + c5 + pool_proj, H, W)``."""
        raise NotImplementedError("InceptionBlock.forward: see README.md, section 'GoogLeNet'")


class AlexNet(nn.Module):
    """AlexNet as torchvision builds it: 61,100,840 parameters with 1000 classes.

    Attributes you must create: ``features`` (an ``nn.Sequential`` of your ``Conv2d``,
    ``nn.ReLU`` and your ``MaxPool2d``), ``avgpool`` (``nn.AdaptiveAvgPool2d((6, 6))``),
    ``classifier`` (an ``nn.Sequential`` of ``nn.Dropout``, ``nn.Linear`` and ``nn.ReLU``).

    Input ``(B, 3, H, W)`` (224x224 in the paper); output logits ``(B, num_classes)``.

    See README.md, section "AlexNet".
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        raise NotImplementedError("AlexNet.__init__: see README.md, section 'AlexNet'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` -> logits ``(B, num_classes)``."""
        raise NotImplementedError("AlexNet.forward: see README.md, section 'AlexNet'")


VGG16 = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
"""Given: VGG-16 (configuration D), the ``(out_channels, num_convs)`` of each block."""


class VGG(nn.Module):
    """VGG: one :func:`vgg_block` per ``(out_channels, num_convs)`` pair, then three linear
    layers.

    Args:
        blocks: ``(out_channels, num_convs)`` of each block, e.g. :data:`VGG16`.
        num_classes: Number of logits.
        in_channels: Channels of the input images.
        dropout: Dropout probability in the classifier.

    Attributes you must create: ``features`` (an ``nn.Sequential`` of the blocks), ``avgpool``
    (``nn.AdaptiveAvgPool2d((7, 7))``), ``classifier`` (last out_channels * 7 * 7 -> 4096,
    ReLU, dropout, 4096 -> 4096, ReLU, dropout, 4096 -> ``num_classes``).

    Input ``(B, in_channels, H, W)``; output logits ``(B, num_classes)``.

    See README.md, section "VGG".
    """

    def __init__(
        self,
        blocks: Sequence[tuple[int, int]],
        num_classes: int = 1000,
        in_channels: int = 3,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        raise NotImplementedError("VGG.__init__: see README.md, section 'VGG'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels, H, W)`` -> logits ``(B, num_classes)``."""
        raise NotImplementedError("VGG.forward: see README.md, section 'VGG'")


def vgg16(num_classes: int = 1000) -> VGG:
    """VGG-16: ``VGG(VGG16, num_classes)``, 138,357,544 parameters with 1000 classes."""
    raise NotImplementedError("vgg16: see README.md, section 'VGG'")
