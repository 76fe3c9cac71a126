"""Reference solution of the ResNet assignment.

Residual networks after He, Zhang, Ren and Sun, "Deep Residual Learning for Image
Recognition", CVPR 2016 (arXiv:1512.03385), in the "v1.5" variant that torchvision uses:
the bottleneck block strides its 3x3 convolution rather than its first 1x1 convolution.

Every convolution is followed by batch normalisation, so convolutions have no bias. A
block computes ``relu(F(x) + shortcut(x))`` where the shortcut is the identity (an empty
``nn.Sequential``, no parameters) when the block keeps the shape of its input, and a 1x1
convolution with the block's stride followed by batch normalisation (a projection)
otherwise. Parameter counts equal torchvision's ``resnet18`` / ``resnet34`` / ``resnet50``.
"""

import torch
from torch import nn


def _shortcut(in_channels: int, out_channels: int, stride: int) -> nn.Sequential:
    """The shortcut branch of a block.

    Args:
        in_channels: Channels of the block's input.
        out_channels: Channels of the block's output.
        stride: Spatial stride of the block.

    Returns:
        An empty ``nn.Sequential`` (identity, no parameters) when ``stride == 1`` and the
        channel count does not change; otherwise a projection ``Conv2d(in_channels,
        out_channels, 1, stride, bias=False)`` followed by ``BatchNorm2d(out_channels)``.
    """
    if stride == 1 and in_channels == out_channels:
        return nn.Sequential()
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels),
    )


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a shortcut: the block of ResNet-18 and ResNet-34.

    ``conv1`` (3x3, stride ``stride``) -> ``bn1`` -> ReLU -> ``conv2`` (3x3, stride 1) ->
    ``bn2``, then the shortcut is added and a final ReLU is applied.

    Args:
        in_channels: Channels of the input.
        out_channels: Channels of the output (``expansion`` is 1).
        stride: Stride of the first 3x3 convolution and of the projection shortcut; 2 halves
            height and width.

    Shapes:
        Input ``(B, in_channels, H, W)``; output ``(B, out_channels, H', W')`` with
        ``H' = (H - 1) // stride + 1`` (``H / stride`` when ``stride`` divides ``H``), ``W'``
        alike.

    Attributes:
        expansion: Output channels divided by ``out_channels``; 1 for this block.
        conv1, bn1, conv2, bn2: The residual branch.
        relu: The ReLU, applied after ``bn1`` and after the addition.
        shortcut: Empty ``nn.Sequential`` (identity) or 1x1 conv + BatchNorm (projection).
    """

    expansion: int = 1

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False
        )
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(
            out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False
        )
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = _shortcut(in_channels, out_channels * self.expansion, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block.

        Args:
            x: ``(B, in_channels, H, W)``.

        Returns:
            ``(B, out_channels, H', W')``, ``H' = (H - 1) // stride + 1`` and ``W'`` alike.
        """
        # conv1 carries the stride: (B, out_channels, H', W') from here on, as is shortcut(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3, 1x1 expand, with a shortcut: the block of ResNet-50 and deeper.

    ``conv1`` (1x1, to ``width``) -> ``bn1`` -> ReLU -> ``conv2`` (3x3, stride ``stride``)
    -> ``bn2`` -> ReLU -> ``conv3`` (1x1, to ``width * expansion``) -> ``bn3``, then the
    shortcut is added and a final ReLU is applied. The stride sits on the 3x3 convolution
    (ResNet v1.5); the original paper (v1) put it on ``conv1``.

    Args:
        in_channels: Channels of the input.
        width: Channels of the inner 1x1 and 3x3 convolutions; the block outputs
            ``width * expansion`` (= 4 * width) channels.
        stride: Stride of the 3x3 convolution and of the projection shortcut.

    Shapes:
        Input ``(B, in_channels, H, W)``; output ``(B, 4 * width, H', W')`` with
        ``H' = (H - 1) // stride + 1``, ``W'`` alike.

    Attributes:
        expansion: Output channels divided by ``width``; 4 for this block.
        conv1, bn1, conv2, bn2, conv3, bn3: The residual branch.
        relu: The ReLU, applied after ``bn1``, after ``bn2`` and after the addition.
        shortcut: Empty ``nn.Sequential`` (identity) or 1x1 conv + BatchNorm (projection).
    """

    expansion: int = 4

    def __init__(self, in_channels: int, width: int, stride: int = 1) -> None:
        super().__init__()
        out_channels = width * self.expansion
        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, stride=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out_channels, kernel_size=1, stride=1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = _shortcut(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block.

        Args:
            x: ``(B, in_channels, H, W)``.

        Returns:
            ``(B, 4 * width, H', W')``, ``H' = (H - 1) // stride + 1`` and ``W'`` alike.
        """
        # (B, width, H, W) after conv1; conv2 carries the stride: (B, width, H', W'); conv3
        # and shortcut(x) give (B, 4 * width, H', W')
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    """A residual network: stem, four stages of blocks, global average pool, linear layer.

    Stem with ``small_input=False`` (ImageNet, 224x224): 7x7 conv stride 2 padding 3 ->
    BatchNorm -> ReLU -> 3x3 max-pool stride 2 padding 1 (divides H and W by 4). With
    ``small_input=True`` (e.g. 28x28 Fashion-MNIST): 3x3 conv stride 1 padding 1 ->
    BatchNorm -> ReLU, and ``maxpool`` is ``nn.Identity()`` (keeps H and W).

    Stage ``i`` (``layer1`` .. ``layer4``) holds ``layers[i]`` blocks of width
    ``base_width * (1, 2, 4, 8)[i]``; its first block gets stride 1 (``layer1``) or 2 (the
    others) and the channel change, the remaining blocks keep the shape.

    Args:
        block: The block class, ``BasicBlock``, ``Bottleneck`` or any class with the same
            interface: ``block(in_channels, planes, stride)`` and a class attribute
            ``expansion`` (output channels = ``planes * expansion``).
        layers: Number of blocks in each of the four stages, e.g. ``[2, 2, 2, 2]``.
        num_classes: Number of output logits.
        in_channels: Channels of the input images (3 for RGB, 1 for grey-scale).
        base_width: Width of the stem and of ``layer1``; 64 in the paper.
        small_input: Use the small-image stem described above.

    Shapes:
        Input ``(B, in_channels, H, W)``; output ``(B, num_classes)`` logits.
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
        if len(layers) != 4:
            raise ValueError(f"layers must give 4 stage depths, got {layers!r}")
        if small_input:
            self.conv1 = nn.Conv2d(
                in_channels, base_width, kernel_size=3, stride=1, padding=1, bias=False
            )
        else:
            self.conv1 = nn.Conv2d(
                in_channels, base_width, kernel_size=7, stride=2, padding=3, bias=False
            )
        self.bn1 = nn.BatchNorm2d(base_width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool: nn.Module = (
            nn.Identity() if small_input else nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        )

        in_ch = base_width
        stages = []
        for i, num_blocks in enumerate(layers):
            planes = base_width * 2**i
            stride = 1 if i == 0 else 2
            stages.append(self._make_layer(block, in_ch, planes, num_blocks, stride))
            in_ch = planes * block.expansion
        self.layer1, self.layer2, self.layer3, self.layer4 = stages

        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8 * base_width * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    @staticmethod
    def _make_layer(
        block: type[BasicBlock] | type[Bottleneck],
        in_channels: int,
        planes: int,
        num_blocks: int,
        stride: int,
    ) -> nn.Sequential:
        """One stage: ``num_blocks`` blocks, the first with ``stride`` and the channel change.

        Args:
            block: The block class.
            in_channels: Channels entering the stage.
            planes: Width of the stage's blocks; they output ``planes * block.expansion``.
            num_blocks: Number of blocks.
            stride: Stride of the first block.

        Returns:
            ``nn.Sequential`` mapping ``(B, in_channels, H, W)`` to
            ``(B, planes * block.expansion, H', W')``, ``H' = (H - 1) // stride + 1`` and
            ``W'`` alike.
        """
        blocks = [block(in_channels, planes, stride)]
        out_channels = planes * block.expansion
        blocks += [block(out_channels, planes, 1) for _ in range(num_blocks - 1)]
        return nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Classify a batch of images.

        Args:
            x: ``(B, in_channels, H, W)``.

        Returns:
            ``(B, num_classes)`` logits (no softmax).
        """
        # stem: (B, base_width, H, W), or a quarter of H and W with the ImageNet stem
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        # stages: (B, 8 * base_width * expansion, ...), H and W 8 times smaller (rounded up);
        # avgpool: (B, 8 * base_width * expansion, 1, 1); flatten: (B, 8 * base_width * expansion)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)  # (B, num_classes)


def resnet18(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-18: ``BasicBlock``, stages ``[2, 2, 2, 2]``, ImageNet stem; 11,689,512 parameters.

    Args:
        num_classes: Number of output logits.
        in_channels: Channels of the input images.
    """
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes, in_channels=in_channels)


def resnet34(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-34: ``BasicBlock``, stages ``[3, 4, 6, 3]``, ImageNet stem; 21,797,672 parameters.

    Args:
        num_classes: Number of output logits.
        in_channels: Channels of the input images.
    """
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes=num_classes, in_channels=in_channels)


def resnet50(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-50: ``Bottleneck``, stages ``[3, 4, 6, 3]``, ImageNet stem; 25,557,032 parameters.

    Args:
        num_classes: Number of output logits.
        in_channels: Channels of the input images.
    """
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes=num_classes, in_channels=in_channels)
