# ruff: noqa: E501  (edit texts are data; wrapping them would obscure the code they change)
"""Optim submissions made by editing the reference solution (see ``variants.py``).

``WRONG`` holds versions with one realistic bug each, which must fail the checks written to
catch it; ``CORRECT`` holds other correct ways to write the same update rules (textbook
bias-corrected moments, no in-place arithmetic, state made up front, a float64 step counter,
AdamW written out on its own), which must pass every check.
"""

from __future__ import annotations

from tests.grader.variants import Edits, wrong_header


def _header(text: str) -> tuple[str, str]:
    return wrong_header("optim", text)


_SGD_FIRST = (
    "                    if buffer is None:\n"
    "                        buffer = torch.clone(g).detach()\n"
    '                        state["momentum_buffer"] = buffer\n'
    "                    else:\n"
    "                        buffer.mul_(momentum).add_(g, alpha=1 - dampening)\n"
)
_ADAM_UPDATE = (
    "                step_size = lr / (1 - beta1**t)\n"
    "                denominator = (v.sqrt() / math.sqrt(1 - beta2**t)).add_(eps)\n"
    "                p.addcdiv_(m, denominator, value=-step_size)\n"
)
_AMSGRAD = (
    '                if group["amsgrad"]:\n'
    '                    torch.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])\n'
    '                    v = state["max_exp_avg_sq"]\n'
)
_COSINE = (
    "    progress = (step - warmup) / (total - warmup)\n"
    "    return 0.5 * (1.0 + math.cos(math.pi * progress))\n"
)

WRONG: dict[str, Edits] = {
    "sgd_dampened_first_step": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the momentum buffer starts at zero, so the first step is dampened too."
        ),
        (
            _SGD_FIRST,
            "                    if buffer is None:\n"
            "                        buffer = torch.zeros_like(p)  # BUG: torch starts from a copy of g\n"
            '                        state["momentum_buffer"] = buffer\n'
            "                    buffer.mul_(momentum).add_(g, alpha=1 - dampening)\n",
        ),
    ],
    "sgd_nesterov_ignored": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): nesterov=True steps along the plain momentum buffer."
        ),
        (
            '                    g = g.add(buffer, alpha=momentum) if group["nesterov"] else buffer\n',
            "                    g = buffer  # BUG: Nesterov's look-ahead, g + momentum * b, is missing\n",
        ),
    ],
    "sgd_decay_after_momentum": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the weight decay is added after the momentum, not to the gradient."
        ),
        (
            "                if weight_decay != 0:\n                    g = g.add(p, alpha=weight_decay)\n                if momentum != 0:\n",
            "                if momentum != 0:\n",
        ),
        (
            "                p.add_(g, alpha=-lr)\n        return loss\n\n\nclass Adam(",
            "                if weight_decay != 0:  # BUG: decay belongs to the gradient, before the buffer\n"
            "                    g = g.add(p, alpha=weight_decay)\n"
            "                p.add_(g, alpha=-lr)\n        return loss\n\n\nclass Adam(",
        ),
    ],
    "sgd_lr_from_defaults": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): SGD reads lr from self.defaults, so schedulers and param groups have no effect."
        ),
        (
            '            lr, momentum = group["lr"], group["momentum"]\n',
            '            lr, momentum = self.defaults["lr"], group["momentum"]  # BUG: group["lr"]\n',
        ),
    ],
    "adam_no_bias_correction": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Adam without the bias corrections of m and v."
        ),
        (
            _ADAM_UPDATE,
            "                p.addcdiv_(m, v.sqrt().add_(eps), value=-lr)  # BUG: no 1 - beta^t\n",
        ),
    ],
    "adam_eps_inside_sqrt": [
        _header("WRONG ON PURPOSE (grader test fixture): eps is added to v under the square root."),
        (
            "                denominator = (v.sqrt() / math.sqrt(1 - beta2**t)).add_(eps)\n",
            "                denominator = (v / (1 - beta2**t) + eps).sqrt()  # BUG: eps goes after the sqrt\n",
        ),
    ],
    "adam_efficient_eps": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Kingma and Ba's 'efficient version', eps added to the uncorrected sqrt(v), which is not torch's Adam."
        ),
        (
            _ADAM_UPDATE,
            "                step_size = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)\n"
            "                p.addcdiv_(m, v.sqrt().add_(eps), value=-step_size)  # BUG: eps placement\n",
        ),
    ],
    "amsgrad_max_of_corrected": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): AMSGrad keeps the maximum of the bias-corrected v."
        ),
        (
            _AMSGRAD + _ADAM_UPDATE,
            "                v_hat = v / (1 - beta2**t)\n"
            '                if group["amsgrad"]:  # BUG: torch keeps the maximum of the uncorrected v\n'
            '                    torch.maximum(state["max_exp_avg_sq"], v_hat, out=state["max_exp_avg_sq"])\n'
            '                    v_hat = state["max_exp_avg_sq"]\n'
            "                step_size = lr / (1 - beta1**t)\n"
            "                p.addcdiv_(m, v_hat.sqrt().add_(eps), value=-step_size)\n",
        ),
    ],
    "adamw_as_l2": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): AdamW adds the weight decay to the gradient, like Adam's L2."
        ),
        ("    decoupled = True\n", "    decoupled = False  # BUG: AdamW decouples the decay\n"),
    ],
    "adamw_decay_without_lr": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): AdamW shrinks p by (1 - weight_decay), not (1 - lr * weight_decay)."
        ),
        (
            "                        p.mul_(1 - lr * weight_decay)\n",
            "                        p.mul_(1 - weight_decay)  # BUG: torch scales the decay by lr\n",
        ),
    ],
    "adam_state_outside_state": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Adam keeps its moments in a dict of its own, which state_dict() does not save."
        ),
        (
            '        super().__init__(params, defaults)\n\n    @torch.no_grad()\n    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # type: ignore[override]\n        """One update of every parameter that has a gradient; returns ``closure()`` if given."""\n        loss = None\n        if closure is not None:\n            with torch.enable_grad():\n                loss = closure()\n        for group in self.param_groups:\n            lr, (beta1, beta2)',
            '        super().__init__(params, defaults)\n        self.moments: dict[torch.Tensor, dict[str, Any]] = {}  # BUG: not self.state\n\n    @torch.no_grad()\n    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # type: ignore[override]\n        """One update of every parameter that has a gradient; returns ``closure()`` if given."""\n        loss = None\n        if closure is not None:\n            with torch.enable_grad():\n                loss = closure()\n        for group in self.param_groups:\n            lr, (beta1, beta2)',
        ),
        (
            "                g = p.grad\n                state = self.state[p]\n                if not state:\n",
            "                g = p.grad\n                state = self.moments.setdefault(p, {})\n                if not state:\n",
        ),
    ],
    "adam_steps_without_grad": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Adam treats a missing gradient as zeros, so it counts the step and decays the parameter."
        ),
        (
            "                if p.grad is None:\n                    continue\n                g = p.grad\n                state = self.state[p]\n",
            "                g = p.grad if p.grad is not None else torch.zeros_like(p)  # BUG: skip it\n                state = self.state[p]\n",
        ),
    ],
    "adam_float32_step": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the step count is a float32 tensor, so 1 - beta2^t is off by 1e-7."
        ),
        (
            '                    state["step"] = 0\n',
            '                    state["step"] = torch.tensor(0.0)  # BUG: float32 bias corrections\n',
        ),
        (
            "                step_size = lr / (1 - beta1**t)\n"
            "                denominator = (v.sqrt() / math.sqrt(1 - beta2**t)).add_(eps)\n",
            "                step_size = float(lr / (1 - beta1**t))\n"
            "                denominator = v.sqrt() / (1 - beta2**t).sqrt() + eps\n",
        ),
    ],
    "sgd_closure_without_grad": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): SGD calls the closure under step's no_grad, so its backward cannot run."
        ),
        (
            "        loss = None\n        if closure is not None:\n            with torch.enable_grad():\n                loss = closure()\n        for group in self.param_groups:\n            lr, momentum",
            "        loss = None\n        if closure is not None:  # BUG: needs torch.enable_grad()\n            loss = closure()\n        for group in self.param_groups:\n            lr, momentum",
        ),
    ],
    "adam_decay_decoupled": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): Adam decays the weights like AdamW instead of adding L2 to the gradient."
        ),
        ("    decoupled = False\n", "    decoupled = True  # BUG: Adam's weight decay is L2\n"),
    ],
    "cosine_warmup_accepts_anything": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): cosine_warmup does not check its arguments."
        ),
        (
            '    if total <= 0:\n        raise ValueError(f"total must be positive, got {total}")\n',
            "",
        ),
        (
            '    if step < 0:\n        raise ValueError(f"step must be >= 0, got {step}")\n',
            "",
        ),
        (
            "    if not 0 <= warmup < total:\n",
            "    if warmup >= total > 0:\n",
        ),
    ],
    "cosine_warmup_off_by_one": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the warm-up starts at 1 / warmup instead of 0."
        ),
        (
            "        return step / warmup\n",
            "        return (step + 1) / warmup  # BUG: step / warmup\n",
        ),
    ],
    "cosine_over_total": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the cosine runs over all total steps, not total - warmup."
        ),
        (
            "    progress = (step - warmup) / (total - warmup)\n",
            "    progress = step / total  # BUG: the cosine starts after the warm-up\n",
        ),
    ],
    "cosine_rises_again": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): no 0 after total, so the cosine rises again."
        ),
        ("    if step >= total:\n        return 0.0\n", ""),
    ],
}

CORRECT: dict[str, Edits] = {
    # Kingma and Ba's Algorithm 1 as printed: bias-corrected m_hat and v_hat, no in-place
    # arithmetic on the moments, the update through p.sub_; AMSGrad by torch.max.
    "textbook_adam": [
        (
            "                m.lerp_(g, 1 - beta1)\n"
            "                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)\n"
            + _AMSGRAD
            + _ADAM_UPDATE,
            "                m = beta1 * m + (1 - beta1) * g\n"
            "                v = beta2 * v + (1 - beta2) * g * g\n"
            '                state["exp_avg"], state["exp_avg_sq"] = m, v\n'
            '                if group["amsgrad"]:\n'
            '                    state["max_exp_avg_sq"] = torch.max(state["max_exp_avg_sq"], v)\n'
            '                    v = state["max_exp_avg_sq"]\n'
            "                m_hat = m / (1 - beta1**t)\n"
            "                v_hat = v / (1 - beta2**t)\n"
            "                p.sub_(lr * m_hat / (torch.sqrt(v_hat) + eps))\n",
        ),
    ],
    # SGD with the buffer made up front for every parameter, plain arithmetic and p.data,
    # and a float64 tensor as Adam's step count.
    "eager_state_and_tensor_step": [
        (
            "                if momentum != 0:\n"
            "                    state = self.state[p]\n"
            '                    buffer = state.get("momentum_buffer")\n' + _SGD_FIRST,
            "                if momentum != 0:\n"
            "                    state = self.state[p]\n"
            '                    if state["fresh"]:\n'
            '                        state["momentum_buffer"] = g.clone()\n'
            '                        state["fresh"] = False\n'
            "                    else:\n"
            '                        state["momentum_buffer"] = momentum * state["momentum_buffer"] + (1 - dampening) * g\n'
            '                    buffer = state["momentum_buffer"]\n',
        ),
        (
            "                p.add_(g, alpha=-lr)\n",
            "                p.data = p.data - lr * g\n",
        ),
        (
            '            "nesterov": nesterov,\n        }\n        super().__init__(params, defaults)\n',
            '            "nesterov": nesterov,\n        }\n        super().__init__(params, defaults)\n'
            "        for group in self.param_groups:\n"
            '            for p in group["params"]:\n'
            '                self.state[p]["fresh"] = True\n',
        ),
        (
            '                    state["step"] = 0\n',
            '                    state["step"] = torch.tensor(0.0, dtype=torch.float64)\n',
        ),
    ],
    # AdamW as its own class (not a subclass of Adam), the decay written as p -= lr * wd * p,
    # and the schedule with clamps instead of branches.
    "standalone_adamw_and_clamped_cosine": [
        (
            "class AdamW(Adam):\n",
            "class AdamW(Optimizer):\n",
        ),
        (
            "        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)\n",
            '        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad}\n'
            "        super().__init__(params, defaults)\n\n"
            "    @torch.no_grad()\n"
            "    def step(self, closure=None):  # type: ignore[no-untyped-def, override]\n"
            "        loss = None\n"
            "        if closure is not None:\n"
            "            with torch.enable_grad():\n"
            "                loss = closure()\n"
            "        for group in self.param_groups:\n"
            '            beta1, beta2 = group["betas"]\n'
            '            for p in group["params"]:\n'
            "                if p.grad is None:\n"
            "                    continue\n"
            "                state = self.state[p]\n"
            "                if len(state) == 0:\n"
            '                    state["t"] = 0\n'
            '                    state["m"] = torch.zeros_like(p)\n'
            '                    state["v"] = torch.zeros_like(p)\n'
            '                    state["v_max"] = torch.zeros_like(p)\n'
            '                state["t"] += 1\n'
            '                t = state["t"]\n'
            '                p.sub_(group["lr"] * group["weight_decay"] * p)\n'
            "                g = p.grad\n"
            '                state["m"].mul_(beta1).add_((1 - beta1) * g)\n'
            '                state["v"].mul_(beta2).add_((1 - beta2) * g * g)\n'
            '                v = state["v"]\n'
            '                if group["amsgrad"]:\n'
            '                    state["v_max"] = torch.maximum(state["v_max"], v)\n'
            '                    v = state["v_max"]\n'
            '                denominator = torch.sqrt(v / (1 - beta2**t)) + group["eps"]\n'
            '                p.sub_(group["lr"] * (state["m"] / (1 - beta1**t)) / denominator)\n'
            "        return loss\n",
        ),
        (
            "    if step < warmup:\n        return step / warmup\n    if step >= total:\n        return 0.0\n"
            + _COSINE,
            "    if step < warmup:\n        return step / max(1, warmup)\n"
            "    progress = min(1.0, (step - warmup) / (total - warmup))\n"
            "    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))\n",
        ),
    ],
}
