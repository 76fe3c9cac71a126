"""ResNet assignment: residual blocks and residual networks, from scratch.

Implement the classes and functions below; ``README.md`` next to this file explains each
piece. Source: He, Zhang, Ren and Sun, "Deep Residual Learning for Image Recognition",
CVPR 2016, arXiv:1512.03385. We build the "v1.5" variant (the one torchvision ships): the
Bottleneck block puts its stride on the 3x3 convolution, not on the first 1x1.

Rules:
    * Use only ``torch`` and ``torch.nn``. A check fails any use of ``torchvision`` or
      ``timm``, and the accuracy check trains the classes you write here.
    * Keep every class name, argument name and attribute name given here: the grader
      inspects them (``conv1``, ``bn1``, ..., ``shortcut``, ``layer1``, ..., ``fc``).
    * Every convolution is followed by BatchNorm, so create convolutions with ``bias=False``.

Shapes are written ``(B, C, H, W)``: batch, channels, height, width; sizes an argument sets
are written with its name (``in_channels``, ``out_channels``, ``width``). A block or stage with
stride ``stride`` outputs ``H' = (H - 1) // stride + 1`` rows (``H / stride`` when ``stride``
divides ``H``), and ``W'`` columns the same way.

Run ``course grade resnet`` to check your work.
"""

import torch
from torch import nn


class BasicBlock(nn.Module):
    """Two 3x3 convolutions plus a shortcut: the block of ResNet-18 and ResNet-34.

    Residual branch: ``conv1`` (3x3, stride ``stride``, padding 1) -> ``bn1`` -> ReLU ->
    ``conv2`` (3x3, stride 1, padding 1) -> ``bn2``. The block returns
    ``relu(branch(x) + shortcut(x))``: the ReLU comes AFTER the addition.

    Args:
        in_channels: Channels of the input.
        out_channels: Channels of the output (``expansion`` is 1, so the block outputs
            exactly ``out_channels`` channels).
        stride: Stride of ``conv1`` (and of the projection shortcut). 2 halves H and W.

    Shapes:
        Input ``(B, in_channels, H, W)``; output ``(B, out_channels, H', W')``.

    Attributes you must create (the grader looks for these names):
        conv1, bn1, conv2, bn2: The residual branch (convolutions with ``bias=False``).
        relu: An ``nn.ReLU``.
        shortcut: An ``nn.Sequential``. EMPTY (``nn.Sequential()``, the identity, no
            parameters) when ``stride == 1`` and ``in_channels == out_channels``; otherwise a
            projection ``nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride,
            bias=False), nn.BatchNorm2d(out_channels))``.

    See README.md, sections "The shortcut" and "BasicBlock".
    """

    expansion: int = 1
    """Output channels divided by ``out_channels``. Given: part of the API."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        raise NotImplementedError("BasicBlock.__init__: see README.md, section 'BasicBlock'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block.

        Args:
            x: ``(B, in_channels, H, W)``.

        Returns:
            ``(B, out_channels, H', W')``, ``H' = (H - 1) // stride + 1`` and ``W'`` alike.
        """
        raise NotImplementedError("BasicBlock.forward: see README.md, section 'BasicBlock'")


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3, 1x1 expand, plus a shortcut: the block of ResNet-50 and deeper.

    Residual branch: ``conv1`` (1x1, ``in_channels`` -> ``width``) -> ``bn1`` -> ReLU ->
    ``conv2`` (3x3, ``width`` -> ``width``, stride ``stride``, padding 1) -> ``bn2`` ->
    ReLU -> ``conv3`` (1x1, ``width`` -> ``width * expansion``) -> ``bn3``. The block
    returns ``relu(branch(x) + shortcut(x))``.

    The stride goes on the 3x3 convolution ``conv2`` (ResNet v1.5). The original paper (v1)
    put it on ``conv1``; do not do that here.

    Args:
        in_channels: Channels of the input.
        width: Channels of the inner 1x1 and 3x3 convolutions. The block outputs
            ``width * expansion`` = ``4 * width`` channels.
        stride: Stride of ``conv2`` (and of the projection shortcut). 2 halves H and W.

    Shapes:
        Input ``(B, in_channels, H, W)``; output ``(B, 4 * width, H', W')``.

    Attributes you must create (the grader looks for these names):
        conv1, bn1, conv2, bn2, conv3, bn3: The residual branch (convolutions with
            ``bias=False``).
        relu: An ``nn.ReLU``.
        shortcut: An ``nn.Sequential``: empty (identity) when ``stride == 1`` and
            ``in_channels == 4 * width``, otherwise 1x1 conv with stride ``stride`` +
            BatchNorm, to ``4 * width`` channels (projection).

    See README.md, sections "The shortcut" and "Bottleneck".
    """

    expansion: int = 4
    """Output channels divided by ``width``. Given: part of the API."""

    def __init__(self, in_channels: int, width: int, stride: int = 1) -> None:
        super().__init__()
        raise NotImplementedError("Bottleneck.__init__: see README.md, section 'Bottleneck'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block.

        Args:
            x: ``(B, in_channels, H, W)``.

        Returns:
            ``(B, 4 * width, H', W')``, ``H' = (H - 1) // stride + 1`` and ``W'`` alike.
        """
        raise NotImplementedError("Bottleneck.forward: see README.md, section 'Bottleneck'")


class ResNet(nn.Module):
    """A residual network: stem, four stages of blocks, global average pool, linear layer.

    Stem, ``small_input=False`` (ImageNet-sized images, e.g. 224x224): ``conv1`` (7x7,
    stride 2, padding 3, ``in_channels`` -> ``base_width``) -> ``bn1`` -> ``relu`` ->
    ``maxpool`` (3x3, stride 2, padding 1). Together they divide H and W by 4.

    Stem, ``small_input=True`` (small images, e.g. 28x28 Fashion-MNIST): ``conv1`` (3x3,
    stride 1, padding 1) -> ``bn1`` -> ``relu``, and ``maxpool`` is ``nn.Identity()``.
    H and W are kept.

    Stages ``layer1`` .. ``layer4``: each an ``nn.Sequential`` of ``layers[i]`` blocks with
    width ``planes = base_width * (1, 2, 4, 8)[i]``. The FIRST block of a stage gets the
    stride (1 for ``layer1``, 2 for the others) and the channel change; the other blocks
    keep the shape. Build blocks as ``block(in_ch, planes, stride)`` and keep track of
    ``in_ch = planes * block.expansion`` so that any block class with this interface works.

    Head: ``avgpool`` (``nn.AdaptiveAvgPool2d(1)``) -> flatten -> ``fc``
    (``nn.Linear(8 * base_width * block.expansion, num_classes)``).

    Initialisation (as torchvision): every ``nn.Conv2d`` weight with
    ``nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")``; every
    ``nn.BatchNorm2d`` weight 1 and bias 0.

    Args:
        block: The block class, ``BasicBlock`` or ``Bottleneck`` (or any class with the same
            constructor and an ``expansion`` class attribute).
        layers: Number of blocks in each of the four stages, e.g. ``[2, 2, 2, 2]``.
        num_classes: Number of output logits.
        in_channels: Channels of the input images (3 for RGB, 1 for grey-scale).
        base_width: Width of the stem and of ``layer1``; 64 in the paper.
        small_input: Use the small-image stem described above.

    Shapes:
        Input ``(B, in_channels, H, W)``; output ``(B, num_classes)`` logits (no softmax).

    See README.md, sections "The stem", "Stages" and "The head".
    """

    def __init__(
        self,
        block: type[BasicBlock] | type[Bottleneck],
        layers: list[int],
        num_classes: int = 1000,
        in_channels: int = 3,
        base_width: int = 64,
        small_input: bool = False,
    ) -> None:
        super().__init__()
        raise NotImplementedError("ResNet.__init__: see README.md, 'The stem' to 'The head'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Classify a batch of images.

        Args:
            x: ``(B, in_channels, H, W)``.

        Returns:
            ``(B, num_classes)`` logits.
        """
        raise NotImplementedError("ResNet.forward: see README.md, section 'The whole network'")


def resnet18(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-18: ``BasicBlock``, stages ``[2, 2, 2, 2]``, ImageNet stem.

    Has 11,689,512 parameters with the defaults.

    Args:
        num_classes: Number of output logits.
        in_channels: Channels of the input images.

    Returns:
        A ``ResNet`` mapping ``(B, in_channels, 224, 224)`` to ``(B, num_classes)``.
    """
    raise NotImplementedError("resnet18: see README.md, section 'ResNet-18, -34 and -50'")


def resnet34(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-34: ``BasicBlock``, stages ``[3, 4, 6, 3]``, ImageNet stem.

    Has 21,797,672 parameters with the defaults.

    Args:
        num_classes: Number of output logits.
        in_channels: Channels of the input images.

    Returns:
        A ``ResNet`` mapping ``(B, in_channels, 224, 224)`` to ``(B, num_classes)``.
    """
    raise NotImplementedError("resnet34: see README.md, section 'ResNet-18, -34 and -50'")


def resnet50(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-50: ``Bottleneck``, stages ``[3, 4, 6, 3]``, ImageNet stem.

    Has 25,557,032 parameters with the defaults.

    Args:
        num_classes: Number of output logits.
        in_channels: Channels of the input images.

    Returns:
        A ``ResNet`` mapping ``(B, in_channels, 224, 224)`` to ``(B, num_classes)``.
    """
    raise NotImplementedError("resnet50: see README.md, section 'ResNet-18, -34 and -50'")
