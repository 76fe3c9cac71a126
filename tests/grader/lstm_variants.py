# ruff: noqa: E501  (edit texts are data; wrapping them would obscure the code they change)
"""LSTM/GRU submissions made by editing the reference solution (see ``variants.py``).

``WRONG`` holds versions with one realistic bug each, which must fail the checks written to
catch it; ``CORRECT`` holds other correct ways to write the same maths (different rounding,
different structure), which must pass every check: the grader may not fail a correct
submission because it was not written like ours.
"""

from __future__ import annotations

from tests.grader.variants import Edits, wrong_header


def _header(text: str) -> tuple[str, str]:
    return wrong_header("LSTM", text)


_CUSTOM_SIGMOID = '''

class _Sigmoid(torch.autograd.Function):
    """A hand-written sigmoid whose backward forgets the (1 - s) factor."""

    @staticmethod
    def forward(ctx, x):
        s = torch.sigmoid(x)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad):
        (s,) = ctx.saved_tensors
        return grad * s  # BUG: d sigmoid / dx is s * (1 - s)
'''

WRONG: dict[str, Edits] = {
    "init_randn": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the cells' parameters are drawn from N(0, 1) instead of init_like_torch."
        ),
        (
            '    def reset_parameters(self) -> None:\n        """Every parameter uniform in [-1/sqrt(hidden_size), 1/sqrt(hidden_size)], like torch."""\n        init_like_torch(self, self.hidden_size)\n\n    def _zeros',
            '    def reset_parameters(self) -> None:\n        """Every parameter uniform in [-1/sqrt(hidden_size), 1/sqrt(hidden_size)], like torch."""\n        for p in self.parameters():  # BUG: N(0, 1), not init_like_torch\n            nn.init.normal_(p)\n\n    def _zeros',
        ),
    ],
    "lstm_cell_function_only_wrong": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the classes use a private correct cell, while the module-level lstm_cell the skeleton asks for forgets bias_hh."
        ),
        (
            "        return lstm_cell(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)\n",
            "        return _lstm_cell(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)\n",
        ),
        (
            "                h, c = lstm_cell(x_t, h, c, *weights)  # type: ignore[arg-type]\n",
            "                h, c = _lstm_cell(x_t, h, c, *weights)  # type: ignore[arg-type]\n",
        ),
        (
            "\n\ndef gru_cell(\n",
            "\n\n_lstm_cell = lstm_cell\n\n\n"
            "def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None):\n"
            "    return _lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, None)  # BUG: drops bias_hh\n"
            "\n\ndef gru_cell(\n",
        ),
    ],
    "gru_cell_function_only_wrong": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the classes use a private correct cell, while the module-level gru_cell the skeleton asks for forgets bias_hh."
        ),
        (
            "        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)\n",
            "        return _gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)\n",
        ),
        (
            "                h = gru_cell(x_t, h, *weights)  # type: ignore[arg-type]\n",
            "                h = _gru_cell(x_t, h, *weights)  # type: ignore[arg-type]\n",
        ),
        (
            "\n\nclass _Cell(nn.Module):\n",
            "\n\n_gru_cell = gru_cell\n\n\n"
            "def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):\n"
            "    return _gru_cell(x, h, weight_ih, weight_hh, bias_ih, None)  # BUG: drops bias_hh\n"
            "\n\nclass _Cell(nn.Module):\n",
        ),
    ],
    "swapped_gates": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): LSTM gate order i, g, f, o (TensorFlow's) instead of torch's i, f, g, o."
        ),
        (
            "    i, f, g, o = gates.chunk(4, dim=1)\n",
            "    i, g, f, o = gates.chunk(4, dim=1)  # BUG: torch's order is i, f, g, o\n",
        ),
    ],
    "forget_wrong_term": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the forget gate scales the candidate and the input gate the old cell state."
        ),
        (
            "    c = f * c + i * g\n",
            "    c = f * g + i * c  # BUG: f belongs to the old cell state\n",
        ),
    ],
    "gru_paper_reset": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): GRU with the reset gate where Cho et al.'s paper puts it, W_hn (r * h), not torch's r * (W_hn h + b_hn)."
        ),
        (
            "    h_r, h_z, h_n = F.linear(h, weight_hh, bias_hh).chunk(3, dim=1)\n",
            "    h_r, h_z, _ = F.linear(h, weight_hh, bias_hh).chunk(3, dim=1)\n",
        ),
        (
            "    n = torch.tanh(x_n + r * h_n)\n",
            "    hidden = weight_hh.shape[1]\n"
            "    b_hn = None if bias_hh is None else bias_hh[2 * hidden :]\n"
            "    n = torch.tanh(x_n + F.linear(r * h, weight_hh[2 * hidden :], b_hn))  # BUG: paper's placement\n",
        ),
    ],
    "one_bias": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): one bias vector per layer (bias_ih only), not torch's two."
        ),
        (
            "            self.bias_ih = nn.Parameter(torch.empty(rows))\n            self.bias_hh = nn.Parameter(torch.empty(rows))\n",
            '            self.bias_ih = nn.Parameter(torch.empty(rows))\n            self.register_parameter("bias_hh", None)  # BUG: torch has two biases\n',
        ),
        (
            '                setattr(self, f"bias_hh_l{k}", nn.Parameter(torch.empty(rows)))\n',
            "",
        ),
    ],
    "layers_share_state": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the state is not reset between layers; layer k starts from layer k-1's final state instead of state[k]."
        ),
        (
            "            h, c = h_0[k], c_0[k]\n",
            "            h, c = (h_0[0], c_0[0]) if k == 0 else (h, c)  # BUG\n",
        ),
        ("            h = h_0[k]\n", "            h = h_0[0] if k == 0 else h  # BUG\n"),
    ],
    "ignores_given_state": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): LSTM and GRU ignore a given initial state and always start from zeros."
        ),
        (
            "        h_0, c_0 = (self._zeros(sequence), self._zeros(sequence)) if state is None else state\n",
            "        h_0, c_0 = self._zeros(sequence), self._zeros(sequence)  # BUG: state ignored\n",
        ),
        (
            "        h_0 = self._zeros(sequence) if state is None else state\n",
            "        h_0 = self._zeros(sequence)  # BUG: state ignored\n",
        ),
    ],
    "detached_state": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the LSTM detaches its state at every step, so no gradient flows back through time."
        ),
        (
            "                h, c = lstm_cell(x_t, h, c, *weights)  # type: ignore[arg-type]\n",
            "                h, c = lstm_cell(x_t, h.detach(), c.detach(), *weights)  # type: ignore[arg-type]  # BUG\n",
        ),
    ],
    "wrong_sigmoid_backward": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): a hand-written sigmoid whose backward is grad * s instead of grad * s * (1 - s)."
        ),
        (
            "from torch.nn import functional as F\n",
            "from torch.nn import functional as F\n" + _CUSTOM_SIGMOID,
        ),
        (
            "    i = torch.sigmoid(i)\n    f = torch.sigmoid(f)\n    g = torch.tanh(g)\n    o = torch.sigmoid(o)\n",
            "    i = _Sigmoid.apply(i)\n    f = _Sigmoid.apply(f)\n    g = torch.tanh(g)\n    o = _Sigmoid.apply(o)\n",
        ),
        (
            "    r = torch.sigmoid(x_r + h_r)\n    z = torch.sigmoid(x_z + h_z)\n",
            "    r = _Sigmoid.apply(x_r + h_r)\n    z = _Sigmoid.apply(x_z + h_z)\n",
        ),
    ],
    "h_without_tanh": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the hidden state is o * c, without the tanh."
        ),
        ("    h = o * torch.tanh(c)\n", "    h = o * c  # BUG: o * tanh(c)\n"),
    ],
    "gru_reset_on_both": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the GRU's reset gate multiplies the input part too."
        ),
        (
            "    n = torch.tanh(x_n + r * h_n)\n",
            "    n = torch.tanh(r * (x_n + h_n))  # BUG: r on the recurrent part only\n",
        ),
    ],
    "batch_first_reshape": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): batch_first input is reshaped, not transposed, to (T, B, input_size)."
        ),
        (
            "        return x.transpose(0, 1) if self.batch_first else x  # (T, B, input_size)\n",
            "        return x.reshape(x.shape[1], x.shape[0], x.shape[2]) if self.batch_first else x  # BUG\n",
        ),
    ],
    "hidden_nn_lstm": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): LSTM.forward runs torch.nn.LSTM with its weights, reaching the class through a name built at run time so the static check cannot see it."
        ),
        (
            "        sequence = self._time_major(x)\n        h_0, c_0 =",
            '        builtin = getattr(nn, "LS" + "TM")(\n'
            "            self.input_size, self.hidden_size, self.num_layers, self.bias, self.batch_first\n"
            "        ).to(x)\n"
            "        builtin.load_state_dict(self.state_dict())\n"
            "        return builtin(x, state)  # BUG: the shortcut this assignment forbids\n"
            "        sequence = self._time_major(x)\n        h_0, c_0 =",
        ),
    ],
}

DESCRIPTIONS: dict[str, str] = {
    name: edits[0][1].split("\n")[0].removeprefix('"""') for name, edits in WRONG.items()
}

CORRECT: dict[str, Edits] = {
    # Written from the README alone: gates by x @ W.T with the biases added when given,
    # sliced by hidden size; GRU's update as n + z * (h - n).
    "slices_and_interpolation": [
        (
            "    gates = F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh)\n",
            "    gates = x @ weight_ih.T + h @ weight_hh.T\n"
            "    if bias_ih is not None:\n        gates = gates + bias_ih\n"
            "    if bias_hh is not None:\n        gates = gates + bias_hh\n",
        ),
        (
            "    i, f, g, o = gates.chunk(4, dim=1)\n",
            "    n_h = h.shape[1]\n"
            "    i, f, g, o = (gates[:, k * n_h : (k + 1) * n_h] for k in range(4))\n",
        ),
        ("    return (1 - z) * n + z * h\n", "    return n + z * (h - n)\n"),
    ],
    "fused_matmul": [
        # one matmul over [x, h] and the stacked weights, the two biases summed first
        (
            "    gates = F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh)\n",
            "    gates = torch.cat([x, h], dim=1) @ torch.cat([weight_ih, weight_hh], dim=1).T\n"
            "    if bias_ih is not None and bias_hh is not None:\n"
            "        gates = gates + (bias_ih + bias_hh)\n",
        ),
    ],
    "projection_first": [
        # the input projection of every step in one matmul, then only W_hh inside the loop
        (
            "            h, c = h_0[k], c_0[k]\n            outputs = []\n            for x_t in sequence:\n"
            "                h, c = lstm_cell(x_t, h, c, *weights)  # type: ignore[arg-type]\n",
            "            h, c = h_0[k], c_0[k]\n            outputs = []\n"
            "            w_ih, w_hh, b_ih, b_hh = weights\n"
            "            for p_t in F.linear(sequence, w_ih, b_ih):\n"
            "                i, f, g, o = (p_t + F.linear(h, w_hh, b_hh)).chunk(4, dim=1)\n"
            "                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)\n"
            "                h = torch.sigmoid(o) * torch.tanh(c)\n",
        ),
    ],
    "hx_and_explicit_zeros": [
        # torch's argument name `hx`, zeros made with explicit dtype/device, GRU as h + (1-z)(n-h)
        (
            "        return x.new_zeros(self.num_layers, x.shape[1], self.hidden_size)\n",
            "        return torch.zeros(\n"
            "            self.num_layers, x.shape[1], self.hidden_size, dtype=x.dtype, device=x.device\n"
            "        )\n",
        ),
        ("    return (1 - z) * n + z * h\n", "    return n + z * (h - n)\n"),
        (
            "        self, x: torch.Tensor, state: torch.Tensor | None = None\n    ) -> tuple[torch.Tensor, torch.Tensor]:\n",
            "        self, x: torch.Tensor, hx: torch.Tensor | None = None\n    ) -> tuple[torch.Tensor, torch.Tensor]:\n",
        ),
        (
            "        h_0 = self._zeros(sequence) if state is None else state\n",
            "        h_0 = self._zeros(sequence) if hx is None else hx\n",
        ),
    ],
}
