"""LSTM assignment: LSTM and GRU from their gate equations.

Implement the functions and classes below; ``README.md`` next to this file explains each
piece with every shape. Sources: Hochreiter and Schmidhuber, "Long Short-Term Memory", 1997,
with the forget gate of Gers et al., 2000; Cho et al., 2014 (arXiv:1406.1078) for the GRU, in
the form torch uses.

Rules:
    * Use only ``torch`` and ``torch.nn`` building blocks (``nn.Parameter``, ``F.linear``,
      ``torch.sigmoid``, ``torch.tanh``, ...). ``nn.LSTM``, ``nn.LSTMCell``, ``nn.GRU``,
      ``nn.GRUCell``, ``nn.RNN*`` and torch's fused kernels (``torch._VF``, ``torch.lstm``, ...)
      are forbidden; the grader refuses them even when reached indirectly.
    * Keep every class, argument and parameter name given here: the grader copies your weights
      into ``torch.nn.LSTM`` / ``torch.nn.GRU`` by name and compares the results.
    * Gate order inside the stacked weights is torch's: LSTM i, f, g, o; GRU r, z, n.
    * Make default states with ``x.new_zeros(...)`` so they follow x's dtype and device
      (the grader runs your modules in float64, and on the GPU when there is one).

Shapes: ``B`` batch, ``T`` time steps; sizes by their argument names, ``input_size``,
``hidden_size`` and ``num_layers``.

Run ``course grade lstm`` to check your work.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F  # noqa: F401  (F.linear is handy)


def init_like_torch(module: nn.Module, hidden_size: int) -> None:
    """Given: torch's initialisation, every parameter uniform in [-b, b], b = 1/sqrt(hidden_size).

    Call it at the end of each ``__init__`` once the parameters exist.
    """
    bound = 1.0 / math.sqrt(hidden_size)
    for parameter in module.parameters():
        nn.init.uniform_(parameter, -bound, bound)


def lstm_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM time step; ``LSTMCell`` and ``LSTM`` both use it.

    gates = x W_ih^T + b_ih + h W_hh^T + b_hh, ``(B, 4 * hidden_size)``, split into four
    ``(B, hidden_size)`` blocks in the order i, f, g, o; i, f, o go through a sigmoid, g through
    tanh; c' = f * c + i * g; h' = o * tanh(c').

    Args:
        x: Input ``(B, input_size)``.
        h: Previous hidden state ``(B, hidden_size)``.
        c: Previous cell state ``(B, hidden_size)``.
        weight_ih: ``(4 * hidden_size, input_size)``.
        weight_hh: ``(4 * hidden_size, hidden_size)``.
        bias_ih: ``(4 * hidden_size,)`` or ``None`` (no bias).
        bias_hh: ``(4 * hidden_size,)`` or ``None``.

    Returns:
        ``(h', c')``, each ``(B, hidden_size)``.

    See README.md, section "The LSTM cell".
    """
    raise NotImplementedError("lstm_cell: see README.md, section 'The LSTM cell'")


def gru_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> torch.Tensor:
    """One GRU time step; ``GRUCell`` and ``GRU`` both use it.

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr); z = sigmoid(W_iz x + b_iz + W_hz h + b_hz);
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h' = (1 - z) * n + z * h.

    Args:
        x: Input ``(B, input_size)``.
        h: Previous hidden state ``(B, hidden_size)``.
        weight_ih: ``(3 * hidden_size, input_size)``, rows for r, z, n in that order.
        weight_hh: ``(3 * hidden_size, hidden_size)``, same row order.
        bias_ih: ``(3 * hidden_size,)`` or ``None``.
        bias_hh: ``(3 * hidden_size,)`` or ``None``.

    Returns:
        ``h'`` ``(B, hidden_size)``.

    See README.md, section "The GRU cell".
    """
    raise NotImplementedError("gru_cell: see README.md, section 'The GRU cell'")


class LSTMCell(nn.Module):
    """One LSTM step as a module, with torch's parameters.

    Args:
        input_size: Features of each input.
        hidden_size: Features of the hidden and cell states.
        bias: Whether to create ``bias_ih`` and ``bias_hh``.

    Parameters you must create (``nn.Parameter``, these names and shapes):
        weight_ih ``(4 * hidden_size, input_size)``, weight_hh ``(4 * hidden_size,
        hidden_size)``, bias_ih ``(4 * hidden_size,)``, bias_hh ``(4 * hidden_size,)``.
        Without bias, register the biases as ``None``:
        ``self.register_parameter("bias_ih", None)``.

    See README.md, section "Parameters".
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__()
        raise NotImplementedError("LSTMCell.__init__: see README.md, section 'Parameters'")

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
        raise NotImplementedError("LSTMCell.forward: call lstm_cell")


class GRUCell(nn.Module):
    """One GRU step as a module, with torch's parameters.

    Parameters you must create: weight_ih ``(3 * hidden_size, input_size)``, weight_hh
    ``(3 * hidden_size, hidden_size)``, bias_ih ``(3 * hidden_size,)``, bias_hh
    ``(3 * hidden_size,)`` (biases ``None`` when ``bias`` is False).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__()
        raise NotImplementedError("GRUCell.__init__: see README.md, section 'Parameters'")

    def forward(self, x: torch.Tensor, state: torch.Tensor | None = None) -> torch.Tensor:
        """One step.

        Args:
            x: ``(B, input_size)``.
            state: ``h`` ``(B, hidden_size)``; zeros when ``None``.

        Returns:
            ``h'`` ``(B, hidden_size)``.
        """
        raise NotImplementedError("GRUCell.forward: call gru_cell")


class LSTM(nn.Module):
    """A stack of ``num_layers`` LSTM layers run over a whole sequence.

    Layer 0 reads the input sequence; layer k > 0 reads the hidden states layer k - 1 produced
    at every step. Each layer starts from its own initial state ``state[k]``.

    Args:
        input_size: Features of each input step.
        hidden_size: Features of the hidden and cell states.
        num_layers: Number of stacked layers.
        bias: Whether each layer has ``bias_ih_l{k}`` and ``bias_hh_l{k}``.
        batch_first: Inputs and outputs are ``(B, T, ...)`` instead of ``(T, B, ...)``.

    Parameters you must create, for each layer k (torch's names, set with ``setattr``):
        weight_ih_l{k} ``(4 * hidden_size, input_size)`` for k = 0 and ``(4 * hidden_size,
        hidden_size)`` above; weight_hh_l{k} ``(4 * hidden_size, hidden_size)``; bias_ih_l{k}
        ``(4 * hidden_size,)``; bias_hh_l{k} ``(4 * hidden_size,)``. No other parameters.

    See README.md, section "Layers and sequences".
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
    ) -> None:
        super().__init__()
        raise NotImplementedError("LSTM.__init__: see README.md, section 'Layers and sequences'")

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Run the sequence through every layer.

        Args:
            x: ``(T, B, input_size)``, or ``(B, T, input_size)`` when ``batch_first``.
            state: ``(h_0, c_0)``, each ``(num_layers, B, hidden_size)``; zeros when ``None``.

        Returns:
            ``(output, (h_n, c_n))``: output ``(T, B, hidden_size)`` (``(B, T, hidden_size)``
            when batch_first), the last layer's h at every step; h_n and c_n
            ``(num_layers, B, hidden_size)``, every layer's state after the last step.
        """
        raise NotImplementedError("LSTM.forward: see README.md, section 'Layers and sequences'")


class GRU(nn.Module):
    """A stack of GRU layers; as :class:`LSTM` with ``3 * hidden_size`` rows and no cell state.

    Parameters: weight_ih_l{k} ``(3 * hidden_size, input_size or hidden_size)``, weight_hh_l{k}
    ``(3 * hidden_size, hidden_size)``, bias_ih_l{k} ``(3 * hidden_size,)``, bias_hh_l{k}
    ``(3 * hidden_size,)``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
    ) -> None:
        super().__init__()
        raise NotImplementedError("GRU.__init__: see README.md, section 'Layers and sequences'")

    def forward(
        self, x: torch.Tensor, state: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Run the sequence through every layer.

        Args:
            x: ``(T, B, input_size)``, or ``(B, T, input_size)`` when ``batch_first``.
            state: ``h_0`` ``(num_layers, B, hidden_size)``; zeros when ``None``.

        Returns:
            ``(output, h_n)``: output ``(T, B, hidden_size)`` (``(B, T, hidden_size)`` when
            batch_first); h_n ``(num_layers, B, hidden_size)``.
        """
        raise NotImplementedError("GRU.forward: see README.md, section 'Layers and sequences'")
