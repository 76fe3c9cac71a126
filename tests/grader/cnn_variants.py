# ruff: noqa: E501  (edit texts are data; wrapping them would obscure the code they change)
"""CNN submissions made by editing the reference solution (see ``variants.py``).

``WRONG`` holds versions with one realistic bug each, which must fail the checks written to
catch it; ``CORRECT`` holds other correct ways to write the same maths (``Tensor.unfold`` and
``einsum``, a loop over the kernel's positions, the receptive field computed backwards, ...),
which must pass every check: the grader may not fail a correct submission because it was not
written like ours.
"""

from __future__ import annotations

from tests.grader.variants import Edits, wrong_header


def _header(text: str) -> tuple[str, str]:
    return wrong_header("CNN", text)


_OUTPUT_SIZE = "    return (padded - span) // stride + 1\n"
_SPAN = "    span = dilation * (kernel_size - 1) + 1\n"
_WEIGHTS = "    weights = out_channels * (in_channels // groups) * kh * kw\n    return weights + (out_channels if bias else 0)\n"
_DIVISIBLE = '    if in_channels % groups or out_channels % groups:\n        raise ValueError(\n            f"in_channels {in_channels} and out_channels {out_channels} must both be divisible "\n            f"by groups {groups}"\n        )\n'
_FIELD = "        field += (kernel_size - 1) * jump\n        jump *= stride\n"
_UNFOLD = (
    "    columns = F.unfold(x, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))\n"
)
_KERNELS = "    kernels = weight.reshape(groups, out_channels // groups, group_in * kh * kw)\n"
_GROUPED = "    columns = columns.reshape(batch, groups, group_in * kh * kw, out_h * out_w)\n"
_POOL_PAD = (
    '    padded = F.pad(x, (pw, pw, ph, ph), value=float("-inf"))  # (B, C, H + 2 ph, W + 2 pw)\n'
)
_POOL_STRIDE = "    sh, sw = as_pair(kernel_size if stride is None else stride)\n"
_POOL_BODY = (
    "    # F.pad names the last dimension first: (left, right, top, bottom)\n"
    + _POOL_PAD
    + "    # every channel its own image: (B * C, 1, H + 2 * ph, W + 2 * pw)\n"
    "    planes = padded.reshape(batch * channels, 1, height + 2 * ph, width + 2 * pw)\n"
    "    columns = F.unfold(planes, (kh, kw), stride=(sh, sw))  # (B * C, kh * kw, H' * W')\n"
    "    return columns.amax(dim=1).reshape(batch, channels, out_h, out_w)  # (B, C, H', W')\n"
)
_CONV_BODY = (
    "    # im2col, one column per output position, rows ordered (channel, kernel row, kernel column):\n"
    "    # (B, in_channels * kh * kw, H' * W')\n"
    + _UNFOLD
    + "    # (B, groups, in_channels // groups * kh * kw, H' * W')\n"
    + _GROUPED
    + "    # (groups, out_channels // groups, in_channels // groups * kh * kw)\n"
    + _KERNELS
    + "    # (groups, out_channels // groups, K) @ (B, groups, K, H' * W'), K = in_channels // groups *\n"
    "    # kh * kw: (B, groups, out_channels // groups, H' * W')\n"
    "    out = kernels @ columns\n"
    "    out = out.reshape(batch, out_channels, out_h, out_w)  # (B, out_channels, H', W')\n"
)
_INIT = '    def reset_parameters(self) -> None:\n        """torch\'s initialisation (:func:`init_like_torch`)."""\n        init_like_torch(self.weight, self.bias)\n'
_CAT = "        return torch.cat([ones, threes, fives, pooled], dim=1)  # (B, out_channels, H, W)\n"

WRONG: dict[str, Edits] = {
    "output_size_no_dilation": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the output size forgets the dilation, (size + 2p - k) // s + 1."
        ),
        (
            _SPAN,
            "    span = kernel_size  # BUG: a dilated kernel spans dilation * (kernel_size - 1) + 1\n",
        ),
    ],
    "output_size_ceil": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the output size rounds up (ceil) instead of down, as if a last partial window counted."
        ),
        (
            _OUTPUT_SIZE,
            "    return math.ceil((padded - span) / stride) + 1  # BUG: floor, not ceil\n",
        ),
    ],
    "bias_per_kernel_position": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv_parameters counts one bias per output channel and kernel position."
        ),
        (
            _WEIGHTS,
            "    weights = out_channels * (in_channels // groups) * kh * kw\n    return weights + (out_channels * kh * kw if bias else 0)  # BUG: one bias per channel\n",
        ),
    ],
    "groups_ignored_in_count": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv_parameters ignores groups in the weight count."
        ),
        (
            _WEIGHTS,
            "    weights = out_channels * in_channels * kh * kw  # BUG: in_channels // groups per output\n    return weights + (out_channels if bias else 0)\n",
        ),
    ],
    "groups_not_validated": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv_parameters never checks that the channels are divisible by groups."
        ),
        (_DIVISIBLE, "    # BUG: channels not divisible by groups are not refused\n"),
    ],
    "receptive_field_ignores_stride": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): receptive_field adds kernel_size - 1 per layer and forgets that strides multiply the jump."
        ),
        (_FIELD, "        field += kernel_size - 1  # BUG: times the jump of the strides below\n"),
    ],
    "kernel_flipped": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv2d flips the kernel (a true convolution), while torch computes a cross-correlation."
        ),
        (
            _KERNELS,
            "    kernels = weight.flip(2, 3).reshape(groups, out_channels // groups, group_in * kh * kw)  # BUG\n",
        ),
    ],
    "weight_channels_last": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv2d flattens the weight as (kernel row, kernel column, channel), not in F.unfold's (channel, kernel row, kernel column) order."
        ),
        (
            _KERNELS,
            "    kernels = weight.permute(0, 2, 3, 1).reshape(groups, out_channels // groups, group_in * kh * kw)  # BUG\n",
        ),
    ],
    "groups_interleaved": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv2d assigns input channel c to group c % groups instead of splitting the channels into consecutive blocks."
        ),
        (
            _GROUPED,
            "    columns = columns.reshape(batch, group_in, groups, kh * kw, out_h * out_w).transpose(1, 2)  # BUG\n"
            "    columns = columns.reshape(batch, groups, group_in * kh * kw, out_h * out_w)\n",
        ),
    ],
    "padding_one_side": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv2d puts all 2 * padding zeros after the image (right and bottom) instead of padding each side."
        ),
        (
            _UNFOLD,
            "    x = F.pad(x, (0, 2 * pw, 0, 2 * ph))  # BUG: pw left and right, ph top and bottom\n"
            "    columns = F.unfold(x, (kh, kw), dilation=(dh, dw), stride=(sh, sw))\n",
        ),
    ],
    "conv2d_detached_input": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv2d unfolds x.data, so no gradient reaches the input."
        ),
        (
            _UNFOLD,
            "    columns = F.unfold(x.data, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))  # BUG\n",
        ),
    ],
    "pool_zero_padding": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): max_pool2d pads with zeros, so a zero wins over negative values at the border."
        ),
        (_POOL_PAD, "    padded = F.pad(x, (pw, pw, ph, ph))  # BUG: pad with -inf\n"),
    ],
    "pool_pad_order_swapped": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): max_pool2d passes F.pad the height padding first; F.pad starts with the last dimension (width)."
        ),
        (
            _POOL_PAD,
            '    padded = F.pad(x, (ph, ph, pw, pw), value=float("-inf"))  # BUG: F.pad\'s order is (left, right, top, bottom)\n',
        ),
    ],
    "pool_stride_default_one": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): max_pool2d takes stride=None to mean 1, not kernel_size."
        ),
        (
            _POOL_STRIDE,
            "    sh, sw = as_pair(1 if stride is None else stride)  # BUG: None means kernel_size\n",
        ),
    ],
    "weight_named_weights": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Conv2d names its parameter `weights`, not torch's `weight`."
        ),
        (
            "        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, kh, kw))\n",
            "        self.weights = nn.Parameter(torch.empty(out_channels, in_channels // groups, kh, kw))  # BUG\n",
        ),
        (
            "        init_like_torch(self.weight, self.bias)\n",
            "        init_like_torch(self.weights, self.bias)\n",
        ),
        (
            "            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups\n",
            "            x, self.weights, self.bias, self.stride, self.padding, self.dilation, self.groups\n",
        ),
    ],
    "init_randn": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Conv2d draws its weight and bias from N(0, 1) instead of init_like_torch."
        ),
        (
            _INIT,
            '    def reset_parameters(self) -> None:\n        """torch\'s initialisation (:func:`init_like_torch`)."""\n        for parameter in self.parameters():  # BUG: N(0, 1), not init_like_torch\n            nn.init.normal_(parameter)\n',
        ),
    ],
    "init_kaiming_default_a": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Conv2d uses kaiming_uniform_ with its default a=0 (bound sqrt(6 / fan_in)), not torch's a=sqrt(5)."
        ),
        (
            _INIT,
            '    def reset_parameters(self) -> None:\n        """torch\'s initialisation (:func:`init_like_torch`)."""\n        nn.init.kaiming_uniform_(self.weight)  # BUG: torch\'s Conv2d uses a=sqrt(5)\n        if self.bias is not None:\n            nn.init.zeros_(self.bias)\n',
        ),
    ],
    "vgg_block_missing_conv": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): vgg_block loops over range(1, num_convs), one convolution short."
        ),
        (
            "    for i in range(num_convs):\n",
            "    for i in range(1, num_convs):  # BUG: one convolution short\n",
        ),
        (
            "        channels = in_channels if i == 0 else out_channels\n",
            "        channels = in_channels if i == 1 else out_channels\n",
        ),
    ],
    "inception_wrong_order": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): InceptionBlock concatenates its branches as 1x1, 5x5, 3x3, pool."
        ),
        (
            _CAT,
            "        return torch.cat([ones, fives, threes, pooled], dim=1)  # BUG: 1x1, 3x3, 5x5, pool\n",
        ),
    ],
    "inception_no_relu_after_reduce": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): InceptionBlock has no ReLU between the 1x1 reductions and the 3x3 / 5x5 convolutions."
        ),
        (
            "        threes = F.relu(self.branch3(F.relu(self.branch3_reduce(x))))  # (B, c3, H, W)\n",
            "        threes = F.relu(self.branch3(self.branch3_reduce(x)))  # BUG: ReLU after the reduction\n",
        ),
        (
            "        fives = F.relu(self.branch5(F.relu(self.branch5_reduce(x))))  # (B, c5, H, W)\n",
            "        fives = F.relu(self.branch5(self.branch5_reduce(x)))\n",
        ),
    ],
    "alexnet_paper_channels": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): AlexNet with the paper's 96-256-384-384-256 channels instead of torchvision's 64-192-384-256-256."
        ),
        (
            "            Conv2d(3, 64, kernel_size=11, stride=4, padding=2),\n",
            "            Conv2d(3, 96, kernel_size=11, stride=4, padding=2),  # BUG: torchvision's has 64\n",
        ),
        (
            "            Conv2d(64, 192, kernel_size=5, padding=2),\n",
            "            Conv2d(96, 256, kernel_size=5, padding=2),\n",
        ),
        (
            "            Conv2d(192, 384, kernel_size=3, padding=1),\n",
            "            Conv2d(256, 384, kernel_size=3, padding=1),\n",
        ),
        (
            "            Conv2d(384, 256, kernel_size=3, padding=1),\n",
            "            Conv2d(384, 384, kernel_size=3, padding=1),\n",
        ),
        (
            "            Conv2d(256, 256, kernel_size=3, padding=1),\n",
            "            Conv2d(384, 256, kernel_size=3, padding=1),\n",
        ),
    ],
    "vgg_classifier_1024": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): VGG's classifier has 1024 hidden units instead of 4096."
        ),
        (
            "            nn.Linear(channels * 7 * 7, 4096),\n            nn.ReLU(),\n            nn.Dropout(dropout),\n            nn.Linear(4096, 4096),\n            nn.ReLU(),\n            nn.Dropout(dropout),\n            nn.Linear(4096, num_classes),\n",
            "            nn.Linear(channels * 7 * 7, 1024),  # BUG: 4096\n            nn.ReLU(),\n            nn.Dropout(dropout),\n            nn.Linear(1024, 1024),\n            nn.ReLU(),\n            nn.Dropout(dropout),\n            nn.Linear(1024, num_classes),\n",
        ),
    ],
    "hidden_f_conv2d": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): conv2d calls torch's F.conv2d, reached through a name built at run time so the static check cannot see it."
        ),
        (
            "    out_h = conv_output_size(height, kh, sh, ph, dh)\n    out_w = conv_output_size(width, kw, sw, pw, dw)\n    # im2col",
            '    builtin = getattr(F, "con" + "v2d")\n'
            "    return builtin(x, weight, bias, (sh, sw), (ph, pw), (dh, dw), groups)  # BUG: forbidden\n"
            "    out_h = conv_output_size(height, kh, sh, ph, dh)\n    out_w = conv_output_size(width, kw, sw, pw, dw)\n    # im2col",
        ),
    ],
}

DESCRIPTIONS: dict[str, str] = {
    name: edits[0][1].split("\n")[0].removeprefix('"""') for name, edits in WRONG.items()
}

CORRECT: dict[str, Edits] = {
    # conv2d with Tensor.unfold twice (after F.pad) and einsum; max pooling with Tensor.unfold and
    # amax over the window's two dimensions; the receptive field computed from the top down.
    "tensor_unfold_einsum": [
        (
            _CONV_BODY,
            "    padded = F.pad(x, (pw, pw, ph, ph))\n"
            "    # windows: (B, in_channels, H', W', span_h, span_w), then every dilation-th tap\n"
            "    windows = padded.unfold(2, dh * (kh - 1) + 1, sh).unfold(3, dw * (kw - 1) + 1, sw)\n"
            "    windows = windows[..., ::dh, ::dw]  # (B, in_channels, H', W', kh, kw)\n"
            "    windows = windows.reshape(batch, groups, group_in, out_h, out_w, kh, kw)\n"
            "    kernels = weight.reshape(groups, out_channels // groups, group_in, kh, kw)\n"
            '    out = torch.einsum("bgchwij,gocij->bgohw", windows, kernels)\n'
            "    out = out.reshape(batch, out_channels, out_h, out_w)\n",
        ),
        (
            _POOL_BODY,
            _POOL_PAD
            + "    windows = padded.unfold(2, kh, sh).unfold(3, kw, sw)  # (B, C, H', W', kh, kw)\n"
            "    return windows.amax(dim=(-2, -1))\n",
        ),
        (
            "    field, jump = 1, 1\n    for kernel_size, stride in layers:\n"
            + _FIELD
            + "    return field\n",
            "    field = 1\n    for kernel_size, stride in reversed(list(layers)):\n"
            "        field = (field - 1) * stride + kernel_size\n    return field\n",
        ),
    ],
    # conv2d as a sum over the kernel's kh * kw positions of shifted, strided slices times the
    # weight at that position (no unfold at all); max pooling as torch.maximum over the same
    # slices; the output size from the number of window starts, the count written per group.
    "shifted_slices": [
        (
            _CONV_BODY,
            "    padded = F.pad(x, (pw, pw, ph, ph))\n"
            "    grouped = padded.reshape(batch, groups, group_in, *padded.shape[2:])\n"
            "    kernels = weight.reshape(groups, out_channels // groups, group_in, kh, kw)\n"
            "    out = x.new_zeros(batch, groups, out_channels // groups, out_h, out_w)\n"
            "    for i in range(kh):\n"
            "        for j in range(kw):\n"
            "            top, left = i * dh, j * dw\n"
            "            patch = grouped[:, :, :, top : top + sh * (out_h - 1) + 1 : sh,\n"
            "                            left : left + sw * (out_w - 1) + 1 : sw]\n"
            '            out = out + torch.einsum("bgchw,goc->bgohw", patch, kernels[:, :, :, i, j])\n'
            "    out = out.reshape(batch, out_channels, out_h, out_w)\n",
        ),
        (
            _POOL_BODY,
            _POOL_PAD + "    out = None\n"
            "    for i in range(kh):\n"
            "        for j in range(kw):\n"
            "            patch = padded[:, :, i : i + sh * (out_h - 1) + 1 : sh, j : j + sw * (out_w - 1) + 1 : sw]\n"
            "            out = patch if out is None else torch.maximum(out, patch)\n"
            "    return out\n",
        ),
        (
            _OUTPUT_SIZE,
            "    starts = range(0, padded - span + 1, stride)  # where the windows begin\n"
            "    return len(starts)\n",
        ),
        (
            _WEIGHTS,
            "    per_group = (out_channels // groups) * (in_channels // groups) * kh * kw\n"
            "    return groups * per_group + (out_channels if bias else 0)\n",
        ),
    ],
    # the modules written another way: bias=False as a plain None attribute, the weight created
    # with torch.zeros and initialised by hand like torch; the Inception branches in a list, the
    # VGG blocks built with a loop over zip; the output size with math.floor.
    "modules_written_differently": [
        (
            '        if bias:\n            self.bias = nn.Parameter(torch.empty(out_channels))\n        else:\n            self.register_parameter("bias", None)\n',
            "        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None\n",
        ),
        (
            _INIT,
            "    def reset_parameters(self) -> None:\n"
            "        bound = 1 / math.sqrt(self.weight[0].numel())\n"
            "        with torch.no_grad():\n"
            "            self.weight.uniform_(-bound, bound)\n"
            "            if self.bias is not None:\n"
            "                self.bias.uniform_(-bound, bound)\n",
        ),
        (
            _CAT,
            "        branches = [ones, threes, fives, pooled]\n"
            "        return torch.cat(branches, 1)\n",
        ),
        (_OUTPUT_SIZE, "    return math.floor((padded - span) / stride) + 1\n"),
    ],
}
