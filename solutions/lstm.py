"""Reference solution of the LSTM assignment.

LSTM and GRU written from their gate equations, with torch's parameter names, layouts and gate
order, so their weights load into ``torch.nn.LSTM`` / ``torch.nn.GRU`` and back. Sources:
Hochreiter and Schmidhuber, "Long Short-Term Memory", Neural Computation 9(8), 1997, with the
forget gate of Gers, Schmidhuber and Cummins, 2000; Cho et al., "Learning Phrase
Representations using RNN Encoder-Decoder for Statistical Machine Translation", EMNLP 2014
(arXiv:1406.1078), in the form torch and cuDNN use (reset gate applied after ``W_hn h``).

Shapes: ``B`` batch, ``T`` time steps; sizes by their argument names, ``input_size``,
``hidden_size`` and ``num_layers``.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def lstm_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM time step.

    Args:
        x: Input ``(B, input_size)``.
        h: Previous hidden state ``(B, hidden_size)``.
        c: Previous cell state ``(B, hidden_size)``.
        weight_ih: ``(4 * hidden_size, input_size)``, rows for the gates i, f, g, o in that
            order.
        weight_hh: ``(4 * hidden_size, hidden_size)``, same row order.
        bias_ih: ``(4 * hidden_size,)`` or ``None``.
        bias_hh: ``(4 * hidden_size,)`` or ``None``.

    Returns:
        ``(h', c')``, each ``(B, hidden_size)``.
    """
    # (B, input_size) @ (input_size, 4 * hidden_size) + (B, hidden_size) @ (hidden_size,
    # 4 * hidden_size): (B, 4 * hidden_size)
    gates = F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh)
    # each (B, hidden_size), torch's order i, f, g, o
    i, f, g, o = gates.chunk(4, dim=1)
    i = torch.sigmoid(i)
    f = torch.sigmoid(f)
    g = torch.tanh(g)
    o = torch.sigmoid(o)
    c = f * c + i * g
    h = o * torch.tanh(c)
    return h, c


def gru_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> torch.Tensor:
    """One GRU time step.

    Args:
        x: Input ``(B, input_size)``.
        h: Previous hidden state ``(B, hidden_size)``.
        weight_ih: ``(3 * hidden_size, input_size)``, rows for r, z, n in that order.
        weight_hh: ``(3 * hidden_size, hidden_size)``, same row order.
        bias_ih: ``(3 * hidden_size,)`` or ``None``.
        bias_hh: ``(3 * hidden_size,)`` or ``None``.

    Returns:
        ``h'`` ``(B, hidden_size)``.
    """
    # (B, 3 * hidden_size) each, chunked to three (B, hidden_size) blocks in the order r, z, n
    x_r, x_z, x_n = F.linear(x, weight_ih, bias_ih).chunk(3, dim=1)
    h_r, h_z, h_n = F.linear(h, weight_hh, bias_hh).chunk(3, dim=1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h


def init_like_torch(module: nn.Module, hidden_size: int) -> None:
    """torch's initialisation: every parameter uniform in [-b, b], b = 1/sqrt(hidden_size)."""
    bound = 1.0 / math.sqrt(hidden_size)
    for parameter in module.parameters():
        nn.init.uniform_(parameter, -bound, bound)


class _Cell(nn.Module):
    gates: int = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        rows = self.gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(rows, input_size))
        self.weight_hh = nn.Parameter(torch.empty(rows, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(rows))
            self.bias_hh = nn.Parameter(torch.empty(rows))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter uniform in [-1/sqrt(hidden_size), 1/sqrt(hidden_size)], like torch."""
        init_like_torch(self, self.hidden_size)

    def _zeros(self, x: torch.Tensor) -> torch.Tensor:
        return x.new_zeros(x.shape[0], self.hidden_size)  # (B, hidden_size)


class LSTMCell(_Cell):
    """One LSTM step with torch's parameters, gate order i, f, g, o.

    ``weight_ih (4 * hidden_size, input_size)``, ``weight_hh (4 * hidden_size, hidden_size)``,
    ``bias_ih (4 * hidden_size,)``, ``bias_hh (4 * hidden_size,)``.
    """

    gates = 4

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One step.

        Args:
            x: ``(B, input_size)``.
            state: ``(h, c)``, each ``(B, hidden_size)``; zeros when ``None``.

        Returns:
            ``(h', c')``, each ``(B, hidden_size)``.
        """
        h, c = (self._zeros(x), self._zeros(x)) if state is None else state
        return lstm_cell(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class GRUCell(_Cell):
    """One GRU step with torch's parameters, gate order r, z, n.

    ``weight_ih (3 * hidden_size, input_size)``, ``weight_hh (3 * hidden_size, hidden_size)``,
    ``bias_ih (3 * hidden_size,)``, ``bias_hh (3 * hidden_size,)``.
    """

    gates = 3

    def forward(self, x: torch.Tensor, state: torch.Tensor | None = None) -> torch.Tensor:
        """One step.

        Args:
            x: ``(B, input_size)``.
            state: ``h`` ``(B, hidden_size)``; zeros when ``None``.

        Returns:
            ``h'`` ``(B, hidden_size)``.
        """
        h = self._zeros(x) if state is None else state
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class _Recurrent(nn.Module):
    gates: int = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
    ) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        rows = self.gates * hidden_size
        for k in range(num_layers):
            columns = input_size if k == 0 else hidden_size
            setattr(self, f"weight_ih_l{k}", nn.Parameter(torch.empty(rows, columns)))
            setattr(self, f"weight_hh_l{k}", nn.Parameter(torch.empty(rows, hidden_size)))
            if bias:
                setattr(self, f"bias_ih_l{k}", nn.Parameter(torch.empty(rows)))
                setattr(self, f"bias_hh_l{k}", nn.Parameter(torch.empty(rows)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter uniform in [-1/sqrt(hidden_size), 1/sqrt(hidden_size)], like torch."""
        init_like_torch(self, self.hidden_size)

    def layer_weights(self, k: int) -> tuple[torch.Tensor | None, ...]:
        """``(weight_ih, weight_hh, bias_ih, bias_hh)`` of layer ``k`` (biases ``None`` without)."""
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return tuple(getattr(self, f"{name}_l{k}", None) for name in names)

    def _time_major(self, x: torch.Tensor) -> torch.Tensor:
        return x.transpose(0, 1) if self.batch_first else x  # (T, B, input_size)

    def _zeros(self, x: torch.Tensor) -> torch.Tensor:
        # x (T, B, input_size) -> (num_layers, B, hidden_size)
        return x.new_zeros(self.num_layers, x.shape[1], self.hidden_size)


class LSTM(_Recurrent):
    """Multi-layer LSTM with torch's parameter names: ``weight_ih_l{k}``, ``weight_hh_l{k}``,
    ``bias_ih_l{k}``, ``bias_hh_l{k}``; layer 0 reads the input (``input_size`` features), the
    others layer k-1's hidden states (``hidden_size`` features)."""

    gates = 4

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Run the sequence through every layer.

        Args:
            x: ``(T, B, input_size)``, or ``(B, T, input_size)`` when ``batch_first``.
            state: ``(h_0, c_0)``, each ``(num_layers, B, hidden_size)``; zeros when ``None``.

        Returns:
            ``output`` ``(T, B, hidden_size)`` (``(B, T, hidden_size)`` when ``batch_first``):
            the last layer's hidden state at every step; ``(h_n, c_n)``, each
            ``(num_layers, B, hidden_size)``: every layer's state after the last step.
        """
        # (T, B, input_size); h_0 and c_0 (num_layers, B, hidden_size)
        sequence = self._time_major(x)
        h_0, c_0 = (self._zeros(sequence), self._zeros(sequence)) if state is None else state
        h_n, c_n = [], []
        for k in range(self.num_layers):
            weights = self.layer_weights(k)
            h, c = h_0[k], c_0[k]
            outputs = []
            for x_t in sequence:
                h, c = lstm_cell(x_t, h, c, *weights)  # type: ignore[arg-type]
                outputs.append(h)
            sequence = torch.stack(outputs)  # (T, B, hidden_size): the next layer's input
            h_n.append(h)
            c_n.append(c)
        # (B, T, hidden_size) when batch_first, else (T, B, hidden_size)
        output = sequence.transpose(0, 1) if self.batch_first else sequence
        # h_n and c_n each (num_layers, B, hidden_size)
        return output, (torch.stack(h_n), torch.stack(c_n))


class GRU(_Recurrent):
    """Multi-layer GRU with torch's parameter names (as :class:`LSTM`, ``3 * hidden_size`` rows)."""

    gates = 3

    def forward(
        self, x: torch.Tensor, state: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Run the sequence through every layer.

        Args:
            x: ``(T, B, input_size)``, or ``(B, T, input_size)`` when ``batch_first``.
            state: ``h_0`` ``(num_layers, B, hidden_size)``; zeros when ``None``.

        Returns:
            ``output`` ``(T, B, hidden_size)`` (``(B, T, hidden_size)`` when ``batch_first``);
            ``h_n`` ``(num_layers, B, hidden_size)``.
        """
        sequence = self._time_major(x)  # (T, B, input_size)
        h_0 = self._zeros(sequence) if state is None else state
        h_n = []
        for k in range(self.num_layers):
            weights = self.layer_weights(k)
            h = h_0[k]
            outputs = []
            for x_t in sequence:
                h = gru_cell(x_t, h, *weights)  # type: ignore[arg-type]
                outputs.append(h)
            sequence = torch.stack(outputs)  # (T, B, hidden_size): the next layer's input
            h_n.append(h)
        # (B, T, hidden_size) when batch_first, else (T, B, hidden_size)
        output = sequence.transpose(0, 1) if self.batch_first else sequence
        return output, torch.stack(h_n)  # h_n (num_layers, B, hidden_size)
