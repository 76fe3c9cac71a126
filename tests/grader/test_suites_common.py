"""`grader.suites.common`: building a student's model on the meta device."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from grader.suites.common import build_on_meta, count_parameters
from tests.fresh import fresh_python


class _KaimingNet(nn.Module):
    """torchvision's ResNet initialisation: ``kaiming_normal_`` on every convolution."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 10)
        nn.init.kaiming_normal_(self.conv.weight, mode="fan_out", nonlinearity="relu")
        nn.init.normal_(self.fc.weight, std=0.01)
        self.fc.bias.data.log_normal_().exponential_().cauchy_()


def test_random_fills_on_meta_keep_the_count_and_the_shapes() -> None:
    model, on_meta = build_on_meta(_KaimingNet)
    assert on_meta
    assert all(p.is_meta for p in model.parameters())
    assert count_parameters(model) == 3 * 8 * 9 + 2 * 8 + 8 * 10 + 10
    assert tuple(model.conv.weight.shape) == (8, 3, 3, 3)


def test_a_random_fill_with_bad_arguments_raises_as_on_the_cpu() -> None:
    def bad() -> nn.Module:
        layer = nn.Linear(4, 4)
        nn.init.normal_(layer.weight, std=-1.0)
        return layer

    with pytest.raises(RuntimeError) as on_cpu:
        bad()
    with pytest.raises(RuntimeError) as built:
        build_on_meta(bad)
    assert str(built.value) == str(on_cpu.value)


def test_the_codes_own_generator_and_cpu_tensors_are_left_as_they_are() -> None:
    generator = torch.Generator().manual_seed(3)
    state = generator.get_state()
    made: list[torch.Tensor] = []

    def factory() -> nn.Module:
        layer = nn.Linear(4, 4)
        layer.weight.data.normal_(generator=generator)  # a meta tensor: nothing to draw
        made.append(torch.zeros(1000, device="cpu").normal_())  # a real one: drawn
        return layer

    model, on_meta = build_on_meta(factory)
    assert on_meta and model.weight.is_meta
    assert torch.equal(generator.get_state(), state)
    assert 0.9 < float(made[0].std()) < 1.1


def test_counting_a_kaiming_initialised_model_does_not_load_dynamo() -> None:
    # torch's meta path for normal_ imports torch._dynamo and sympy (1-2 s per grading child)
    code = (
        "import sys\n"
        "from tests.grader.test_suites_common import _KaimingNet\n"
        "from grader.suites.common import build_on_meta\n"
        "model, on_meta = build_on_meta(_KaimingNet)\n"
        "print(on_meta, 'torch._dynamo' in sys.modules, 'sympy' in sys.modules)\n"
    )
    assert fresh_python(code).stdout == "True False False\n"
