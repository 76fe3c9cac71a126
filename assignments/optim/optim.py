"""Optim assignment: SGD, momentum, Adam and AdamW from their update rules.

Implement the classes and the function below; ``README.md`` next to this file explains each
update rule. Sources: Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015
(arXiv:1412.6980), Algorithm 1; Reddi et al., "On the Convergence of Adam and Beyond",
ICLR 2018 (AMSGrad); Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019
(arXiv:1711.05101), Algorithm 2; Sutskever et al., 2013, for momentum and Nesterov's.

Rules:
    * Each optimizer is a subclass of ``torch.optim.Optimizer``: call
      ``super().__init__(params, defaults)`` with the options under the names given below, read
      them from ``group[...]`` in ``step`` (a learning-rate scheduler changes ``group["lr"]``),
      and keep a parameter's state (step count, moving averages) in ``self.state[p]``, so
      ``state_dict()`` / ``load_state_dict()`` save and restore it.
    * ``torch.optim.SGD``, ``Adam``, ``AdamW`` (and ``Adamax``), the modules
      ``torch.optim.sgd`` / ``torch.optim.adam*``, ``torch.optim._functional`` and torch's
      fused kernels (``torch._fused*``) are forbidden; the grader also refuses the functions
      those optimizers run (``torch.optim.adam.adam``, ``torch.optim.sgd.sgd``, ...) whenever
      they are reached from your file. ``torch.optim.Optimizer`` and
      ``torch.optim.lr_scheduler`` are allowed.
    * The grader compares your trajectories with torch's over 200 steps in float64, to a
      relative error of 1e-10: apply the updates in the order written here, and count steps
      with Python ints (``1 - 0.999 ** t`` with a float32 ``t`` is off by 1e-7).
    * A parameter whose ``.grad`` is ``None`` is skipped: neither it nor its state changes.

Shapes: every update acts elementwise on one parameter ``p`` and tensors of its shape (its
gradient ``g``, its state); ``t`` is that parameter's step count, 1 at its first update.

Run ``course grade optim`` to check your work, and ``course optim race`` to watch your
optimizers on the Rosenbrock function.
"""

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch.optim import Optimizer

Params = Iterable[torch.Tensor] | Iterable[dict[str, Any]]


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, weight decay and Nesterov.

    For each parameter ``p`` with a gradient ``g``, in this order:

    1. ``g = g + weight_decay * p`` (L2 weight decay);
    2. with ``momentum != 0``: the buffer ``b = g`` (a copy) at the parameter's first step,
       else ``b = momentum * b + (1 - dampening) * g``; then ``g = g + momentum * b`` when
       ``nesterov``, else ``g = b``;
    3. ``p = p - lr * g``.

    Args:
        params: The parameters, or a list of dicts (param groups), each ``{"params": [...]}``
            with any of the options below to override.
        lr: Learning rate.
        momentum: Momentum factor (0: none).
        dampening: Dampening of the momentum's gradient term.
        weight_decay: L2 penalty.
        nesterov: Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).

    The param groups hold the options under these names: ``lr``, ``momentum``,
    ``dampening``, ``weight_decay``, ``nesterov``.

    Raises:
        ValueError: ``lr``, ``momentum`` or ``weight_decay`` is negative, or ``nesterov``
            without momentum or with dampening.
    """

    def __init__(
        self,
        params: Params,
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        raise NotImplementedError("SGD.__init__: validate, then super().__init__(params, defaults)")

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # type: ignore[override]
        """One update of every parameter that has a gradient.

        Args:
            closure: Re-evaluates the model and returns the loss; called (with gradients on)
                before the update when given.

        Returns:
            ``closure()``'s value, or ``None`` without a closure.
        """
        raise NotImplementedError("SGD.step: the update rule above, for each param group")


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015, Algorithm 1), with L2 weight decay and AMSGrad, as torch has it.

    For each parameter ``p`` with a gradient ``g``, at its step ``t`` (1, 2, ...), in this
    order:

    1. ``g = g + weight_decay * p`` (L2 weight decay, added to the gradient);
    2. ``m = beta1 * m + (1 - beta1) * g`` and ``v = beta2 * v + (1 - beta2) * g * g``, both
       starting from zeros;
    3. with ``amsgrad``: ``v_max = max(v_max, v)`` (elementwise, ``v_max`` from zeros), and
       ``v_max`` replaces ``v`` below;
    4. ``p = p - lr / (1 - beta1 ** t) * m / (sqrt(v) / sqrt(1 - beta2 ** t) + eps)``:
       ``eps`` is added after the square root of the bias-corrected ``v``.

    Args:
        params: The parameters, or a list of param-group dicts.
        lr: Learning rate.
        betas: ``(beta1, beta2)``, the decay rates of ``m`` and ``v``.
        eps: Added to the denominator, as above.
        weight_decay: L2 penalty.
        amsgrad: Use AMSGrad's running maximum of ``v`` (Reddi et al., 2018).

    The param groups hold the options under these names: ``lr``, ``betas``, ``eps``,
    ``weight_decay``, ``amsgrad``.

    Raises:
        ValueError: ``lr``, ``eps`` or ``weight_decay`` is negative, or a beta is outside
            ``[0, 1)``.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        raise NotImplementedError("Adam.__init__: validate, then super().__init__(params, defaults)")

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # type: ignore[override]
        """One update of every parameter that has a gradient; returns ``closure()`` if given."""
        raise NotImplementedError("Adam.step: the update rule above, state in self.state[p]")


class AdamW(Optimizer):
    """AdamW (Loshchilov & Hutter, 2019, Algorithm 2): Adam with decoupled weight decay.

    Step 1 of :class:`Adam` becomes ``p = p * (1 - lr * weight_decay)``: the parameter shrinks
    before the update, and ``m`` and ``v`` see the plain gradient. Steps 2 to 4 are Adam's.
    You may subclass your :class:`Adam` instead of ``Optimizer``.

    Args:
        params: The parameters, or a list of param-group dicts.
        lr: Learning rate.
        betas: ``(beta1, beta2)``.
        eps: Added to the denominator, as in :class:`Adam`.
        weight_decay: Decoupled weight decay (torch's default, 0.01).
        amsgrad: Use AMSGrad's running maximum of ``v``.

    The param groups hold the options under these names: ``lr``, ``betas``, ``eps``,
    ``weight_decay``, ``amsgrad``.

    Raises:
        ValueError: as :class:`Adam`.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        raise NotImplementedError("AdamW.__init__: validate, then super().__init__(params, defaults)")

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # type: ignore[override]
        """One update of every parameter that has a gradient; returns ``closure()`` if given."""
        raise NotImplementedError("AdamW.step: decoupled decay, then Adam's update")


def cosine_warmup(step: int, total: int, warmup: int) -> float:
    """Learning-rate factor at ``step`` (for ``torch.optim.lr_scheduler.LambdaLR``).

    Linear warm-up, then a cosine decay to 0 (Goyal et al., 2017; Loshchilov & Hutter, 2017):
    ``step / warmup`` while ``step < warmup``; then ``0.5 * (1 + cos(pi * (step - warmup) /
    (total - warmup)))`` while ``step < total``; ``0.0`` from ``total`` on. With
    ``warmup = 10, total = 110``: 0.0 at step 0, 0.5 at 5, 1.0 at 10, 0.5 at 60, 0.0 at 110.

    Args:
        step: Steps taken so far, from 0.
        total: Steps of the whole schedule.
        warmup: Warm-up steps, ``0 <= warmup < total``.

    Returns:
        The factor, in [0, 1].

    Raises:
        ValueError: ``total <= 0``, ``warmup`` outside ``[0, total)`` or ``step < 0``.
    """
    raise NotImplementedError("cosine_warmup: warm up linearly, then follow the cosine")
