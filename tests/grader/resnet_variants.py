# ruff: noqa: E501  (edit texts are data; wrapping them would obscure the code they change)
"""Deliberately wrong ResNet submissions, as edits of the reference solution.

Each variant is the solution with one realistic bug: ``WRONG[name]`` lists ``(old, new)``
text replacements that :func:`tests.grader.variants.write_edited` applies to ``solutions/resnet.py``. Keeping them as
edits (not copies) means a change to the solution carries into every variant, and an edit whose
``old`` text no longer appears exactly once fails loudly instead of testing something else.
"""

from __future__ import annotations

from tests.grader.variants import Edits

DESCRIPTIONS: dict[str, str] = {
    "bn1_never_applied": "BasicBlock builds `bn1` but `forward` never applies it: shapes, counts, the shortcut checks and train/eval differences (from `bn2`) are all right.",
    "missing_bn": "no BatchNorm anywhere (no `bn1`/`bn2`/`bn3` attributes, none in the stem or projection); convs have `bias=True` instead.",
    "missing_projection": "`shortcut` is always an empty `nn.Sequential`; when the shape changes, `forward` subsamples with `x[:, :, ::s, ::s]` and zero-pads or crops channels, so shapes work but there is no 1x1 conv + BN projection (fewer parameters).",
    "no_skip": "blocks return `relu(branch(x))` without adding `shortcut(x)`; `shortcut` is still built, so parameter counts and shapes are right.",
    "pool_too_early": "`ResNet.forward` applies global average pooling right after the stem, so shapes and counts are right but the network cannot learn spatial patterns (fails the accuracy check).",
    "stride_wrong_conv": "Bottleneck strides its first 1x1 conv (v1) instead of the 3x3, and BasicBlock strides its second 3x3 instead of the first; shapes and parameter counts are right.",
    "wrong_expansion": "`Bottleneck.expansion = 2`, so Bottleneck outputs `2 * width` channels (BasicBlock and resnet18/34 are unaffected).",
}

WRONG: dict[str, Edits] = {
    "no_relu_after_add": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): BasicBlock returns F(x) + x without the final\nReLU.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "        out = self.bn2(self.conv2(out))\n        return self.relu(out + self.shortcut(x))\n",
            "        out = self.bn2(self.conv2(out))\n        return out + self.shortcut(x)  # BUG: relu after the addition\n",
        ),
    ],
    "missing_bn": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): no BatchNorm anywhere (no ``bn1`` / ``bn2`` /\n``bn3`` attributes, no BatchNorm in the projection shortcut or the stem); the convolutions\nhave ``bias=True`` instead.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "        return nn.Sequential()\n    return nn.Sequential(\n",
            "        return nn.Sequential()\n    # BUG: no BatchNorm after the projection\n    return nn.Sequential(\n",
        ),
        (
            "        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),\n        nn.BatchNorm2d(out_channels),\n",
            "        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=True),\n",
        ),
        (
            "        super().__init__()\n        self.conv1 = nn.Conv2d(\n",
            "        super().__init__()\n        # BUG: no BatchNorm; the convolutions get a bias instead\n        self.conv1 = nn.Conv2d(\n",
        ),
        (
            "            in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False\n",
            "            in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=True\n",
        ),
        (
            "        self.bn1 = nn.BatchNorm2d(out_channels)\n",
            "",
        ),
        (
            "            out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False\n",
            "            out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=True\n",
        ),
        (
            "        self.bn2 = nn.BatchNorm2d(out_channels)\n",
            "",
        ),
        (
            "        out = self.relu(self.bn1(self.conv1(x)))\n        out = self.bn2(self.conv2(out))\n",
            "        out = self.relu(self.conv1(x))\n        out = self.conv2(out)\n",
        ),
        (
            "        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, stride=1, bias=False)\n        self.bn1 = nn.BatchNorm2d(width)\n        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, bias=False)\n        self.bn2 = nn.BatchNorm2d(width)\n        self.conv3 = nn.Conv2d(width, out_channels, kernel_size=1, stride=1, bias=False)\n        self.bn3 = nn.BatchNorm2d(out_channels)\n",
            "        # BUG: no BatchNorm; the convolutions get a bias instead\n        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, stride=1, bias=True)\n        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, bias=True)\n        self.conv3 = nn.Conv2d(width, out_channels, kernel_size=1, stride=1, bias=True)\n",
        ),
        (
            "        out = self.relu(self.bn1(self.conv1(x)))\n        out = self.relu(self.bn2(self.conv2(out)))\n        out = self.bn3(self.conv3(out))\n",
            "        out = self.relu(self.conv1(x))\n        out = self.relu(self.conv2(out))\n        out = self.conv3(out)\n",
        ),
        (
            "                in_channels, base_width, kernel_size=3, stride=1, padding=1, bias=False\n",
            "                in_channels, base_width, kernel_size=3, stride=1, padding=1, bias=True\n",
        ),
        (
            "                in_channels, base_width, kernel_size=7, stride=2, padding=3, bias=False\n",
            "                in_channels, base_width, kernel_size=7, stride=2, padding=3, bias=True\n",
        ),
        (
            "        self.bn1 = nn.BatchNorm2d(base_width)\n",
            "        # BUG: no BatchNorm in the stem either\n",
        ),
        (
            "            elif isinstance(m, nn.BatchNorm2d):\n                nn.init.ones_(m.weight)\n",
            "",
        ),
        (
            "        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))\n",
            "        x = self.maxpool(self.relu(self.conv1(x)))\n",
        ),
    ],
    "missing_projection": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): the shortcut is always the identity (an empty\n``nn.Sequential``). When the shape changes, ``forward`` subsamples the input with\n``x[:, :, ::s, ::s]`` and zero-pads or crops its channels, so shapes still work, but no\n1x1 convolution + BatchNorm projection exists (fewer parameters than torchvision).\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "    if stride == 1 and in_channels == out_channels:\n        return nn.Sequential()\n    return nn.Sequential(\n        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),\n        nn.BatchNorm2d(out_channels),\n    )\n",
            '    return nn.Sequential()  # BUG: no projection when the shape changes\n\n\ndef _match(x: torch.Tensor, channels: int, stride: int) -> torch.Tensor:\n    """Parameter-free stand-in for a projection: subsample, then zero-pad or crop channels.\n\n    Args:\n        x: ``(B, C, H, W)``.\n        channels: Channels wanted.\n        stride: Spatial subsampling factor.\n\n    Returns:\n        ``(B, channels, ceil(H / stride), ceil(W / stride))``.\n    """\n    if stride != 1:\n        x = x[:, :, ::stride, ::stride]\n    missing = channels - x.shape[1]\n    if missing > 0:\n        zeros = x.new_zeros(x.shape[0], missing, x.shape[2], x.shape[3])\n        x = torch.cat([x, zeros], dim=1)\n    elif missing < 0:\n        x = x[:, :channels]\n    return x\n',
        ),
        (
            "        self.shortcut = _shortcut(in_channels, out_channels * self.expansion, stride)\n\n",
            "        self.shortcut = _shortcut(in_channels, out_channels * self.expansion, stride)\n        self._out_channels = out_channels * self.expansion\n        self._stride = stride\n\n",
        ),
        (
            "        out = self.bn2(self.conv2(out))\n        return self.relu(out + self.shortcut(x))\n\n",
            "        out = self.bn2(self.conv2(out))\n        return self.relu(out + self.shortcut(_match(x, self._out_channels, self._stride)))\n\n",
        ),
        (
            "        self.shortcut = _shortcut(in_channels, out_channels, stride)\n\n",
            "        self.shortcut = _shortcut(in_channels, out_channels, stride)\n        self._out_channels = out_channels\n        self._stride = stride\n\n",
        ),
        (
            "        out = self.bn3(self.conv3(out))\n        return self.relu(out + self.shortcut(x))\n\n",
            "        out = self.bn3(self.conv3(out))\n        return self.relu(out + self.shortcut(_match(x, self._out_channels, self._stride)))\n\n",
        ),
    ],
    "bn1_never_applied": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): BasicBlock builds ``bn1`` but never applies it.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "        out = self.relu(self.bn1(self.conv1(x)))\n        out = self.bn2(self.conv2(out))\n",
            "        out = self.relu(self.conv1(x))  # BUG: bn1 is built but never applied\n        out = self.bn2(self.conv2(out))\n",
        ),
    ],
    "no_skip": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): the blocks return the residual branch\nwithout adding the shortcut (``shortcut`` is still built, so parameter counts are right).\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "        out = self.bn2(self.conv2(out))\n        return self.relu(out + self.shortcut(x))\n\n",
            "        out = self.bn2(self.conv2(out))\n        return self.relu(out)  # BUG: shortcut(x) is never added\n\n",
        ),
        (
            "        out = self.bn3(self.conv3(out))\n        return self.relu(out + self.shortcut(x))\n\n",
            "        out = self.bn3(self.conv3(out))\n        return self.relu(out)  # BUG: shortcut(x) is never added\n\n",
        ),
    ],
    "stage_strides_all_one": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): every stage starts with stride 1, so H and W never shrink.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "            stride = 1 if i == 0 else 2\n",
            "            stride = 1  # BUG: layer2-4 start with stride 2\n",
        ),
    ],
    "imagenet_stem_no_maxpool": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): the ImageNet stem has no max-pool.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "            nn.Identity() if small_input else nn.MaxPool2d(kernel_size=3, stride=2, padding=1)\n",
            "            nn.Identity()  # BUG: the ImageNet stem max-pools (3, stride 2, padding 1)\n",
        ),
    ],
    "logits_softmax": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): ResNet returns probabilities, not logits.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "        return self.fc(x)  # (B, num_classes)\n",
            "        return self.fc(x).softmax(dim=1)  # BUG: raw logits expected\n",
        ),
    ],
    "expansion_hardcoded": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): ResNet hard-codes the expansions of its two block\nclasses instead of reading block.expansion.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "            in_ch = planes * block.expansion\n",
            "            in_ch = planes * (4 if block is Bottleneck else 1)  # BUG: block.expansion\n",
        ),
        (
            "        self.fc = nn.Linear(8 * base_width * block.expansion, num_classes)\n",
            "        self.fc = nn.Linear(8 * base_width * (4 if block is Bottleneck else 1), num_classes)\n",
        ),
    ],
    "pool_too_early": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG on purpose: pools before the stages (see the BUG comment). Otherwise the reference.\n',
        ),
        (
            "        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))\n        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))\n",
            "        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))\n        # BUG: global average pooling right after the stem, before the stages, throws away\n        # every spatial pattern; the stages then only see one pixel per channel.\n        x = self.avgpool(x)\n        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))\n",
        ),
        (
            "        x = torch.flatten(self.avgpool(x), 1)\n",
            "        x = torch.flatten(x, 1)\n",
        ),
    ],
    "stride_wrong_conv": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): Bottleneck strides its first 1x1 convolution\n(ResNet v1) instead of the 3x3, and BasicBlock strides its second 3x3 convolution instead\nof the first. Shapes and parameter counts are unchanged.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "        self.conv1 = nn.Conv2d(\n            in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False\n",
            "        self.conv1 = nn.Conv2d(  # BUG: should carry the stride\n            in_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False\n",
        ),
        (
            "        self.conv2 = nn.Conv2d(\n            out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False\n",
            "        self.conv2 = nn.Conv2d(  # BUG: the stride belongs on conv1\n            out_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False\n",
        ),
        (
            "        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, stride=1, bias=False)\n",
            "        # BUG: v1 puts the stride on the first 1x1; v1.5 puts it on the 3x3\n        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, stride=stride, bias=False)\n",
        ),
        (
            "        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, bias=False)\n",
            "        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=1, padding=1, bias=False)\n",
        ),
    ],
    "init_fan_in": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): the convs are initialised with Kaiming\'s fan_in mode, not fan_out.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            '                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")\n',
            '                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")  # BUG: fan_in\n',
        ),
    ],
    "init_kaiming_uniform": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): the convs are initialised with kaiming_uniform_, not kaiming_normal_.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            '                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")\n',
            '                nn.init.kaiming_uniform_(m.weight, mode="fan_out", nonlinearity="relu")  # BUG: uniform\n',
        ),
    ],
    "init_missing": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): no initialisation loop: torch\'s default init.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            '        for m in self.modules():\n            if isinstance(m, nn.Conv2d):\n                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")\n            elif isinstance(m, nn.BatchNorm2d):\n                nn.init.ones_(m.weight)\n                nn.init.zeros_(m.bias)\n',
            "        # BUG: no initialisation loop (torch's defaults stay)\n",
        ),
    ],
    "init_zero_last_bn": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): the last BatchNorm of each block starts at weight 0 (the optional trick, which the README keeps out of submissions).\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            '        for m in self.modules():\n            if isinstance(m, nn.Conv2d):\n                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")\n            elif isinstance(m, nn.BatchNorm2d):\n                nn.init.ones_(m.weight)\n                nn.init.zeros_(m.bias)\n',
            '        for m in self.modules():\n            if isinstance(m, nn.Conv2d):\n                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")\n            elif isinstance(m, nn.BatchNorm2d):\n                nn.init.ones_(m.weight)\n                nn.init.zeros_(m.bias)\n        for m in self.modules():  # BUG: the zero-init trick in the submission\n            if isinstance(m, (BasicBlock, Bottleneck)):\n                nn.init.zeros_(m.bn3.weight if isinstance(m, Bottleneck) else m.bn2.weight)\n',
        ),
    ],
    "bn_keras_momentum": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): BasicBlock\'s bn1 has momentum 0.9 (Keras\'s meaning: keep 90 % of the old statistics).\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "        self.bn1 = nn.BatchNorm2d(out_channels)\n",
            "        self.bn1 = nn.BatchNorm2d(out_channels, momentum=0.9)  # BUG: torch's momentum is the new statistics' weight\n",
        ),
    ],
    "wrong_expansion": [
        (
            '"""Reference solution of the ResNet assignment.\n',
            '"""WRONG ON PURPOSE (grader test fixture): ``Bottleneck.expansion`` is 2, so a Bottleneck\noutputs ``2 * width`` channels instead of ``4 * width``.\n\nOtherwise a copy of the reference solution of the ResNet assignment.\n',
        ),
        (
            "    expansion: int = 4\n",
            "    expansion: int = 2  # BUG: ResNet's bottleneck expands by 4\n",
        ),
    ],
}

CORRECT: dict[str, Edits] = {
    # Initialisation written out by hand: std sqrt(2 / fan_out) with normal_, BatchNorm's
    # parameters filled in place, through self.apply.
    "init_by_hand_apply": [
        (
            '        for m in self.modules():\n            if isinstance(m, nn.Conv2d):\n                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")\n            elif isinstance(m, nn.BatchNorm2d):\n                nn.init.ones_(m.weight)\n                nn.init.zeros_(m.bias)\n',
            "        def init(m: nn.Module) -> None:\n"
            "            if isinstance(m, nn.Conv2d):\n"
            "                fan_out = m.out_channels * m.kernel_size[0] * m.kernel_size[1]\n"
            "                with torch.no_grad():\n"
            "                    m.weight.normal_(0.0, (2.0 / fan_out) ** 0.5)\n"
            "            elif isinstance(m, nn.BatchNorm2d):\n"
            "                with torch.no_grad():\n"
            "                    m.weight.fill_(1.0)\n"
            "                    m.bias.fill_(0.0)\n\n"
            "        self.apply(init)\n",
        ),
    ],
    # Written from the README alone: a stage built in a loop over its strides, the stages run
    # in a loop, and global average pooling as a mean over H and W.
    "stride_list_and_mean_pool": [
        (
            "        blocks = [block(in_channels, planes, stride)]\n        out_channels = planes * block.expansion\n        blocks += [block(out_channels, planes, 1) for _ in range(num_blocks - 1)]\n        return nn.Sequential(*blocks)\n",
            "        layers = []\n        for s in [stride] + [1] * (num_blocks - 1):\n            layers.append(block(in_channels, planes, s))\n            in_channels = planes * block.expansion\n        return nn.Sequential(*layers)\n",
        ),
        (
            "        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))\n",
            "        for stage in (self.layer1, self.layer2, self.layer3, self.layer4):\n            x = stage(x)\n",
        ),
        (
            "        x = torch.flatten(self.avgpool(x), 1)\n",
            "        x = x.mean(dim=(2, 3))  # (B, C)\n",
        ),
    ],
    "functional_relu_inplace_add": [
        # the shortcut first, torch.relu instead of the module, and an in-place addition
        (
            "        out = self.relu(self.bn1(self.conv1(x)))\n        out = self.bn2(self.conv2(out))\n        return self.relu(out + self.shortcut(x))\n",
            "        identity = self.shortcut(x)\n        out = torch.relu(self.bn1(self.conv1(x)))\n        out = self.bn2(self.conv2(out))\n        out += identity\n        return torch.relu(out)\n",
        ),
        (
            "        out = self.relu(self.bn2(self.conv2(out)))\n        out = self.bn3(self.conv3(out))\n        return self.relu(out + self.shortcut(x))\n",
            "        out = torch.relu(self.bn2(self.conv2(out)))\n        out = self.bn3(self.conv3(out))\n        out += self.shortcut(x)\n        return torch.relu(out)\n",
        ),
    ],
}
"""Other correct ways to write the same network, which must pass every check."""
