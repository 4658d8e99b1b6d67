"""The run's work budget: every input-sized loop charges it, and running out is a clear error."""

from __future__ import annotations

import pytest

from handcalc import budget
from handcalc.check import check
from handcalc.cli import main
from handcalc.read import limits
from handcalc.read.loader import load_text
from handcalc.read.reader import InputError

SMALL = """
[network]
sizes = [2, 1]
[parameters]
w1 = 0.5
w2 = 0.25
b1 = 0.125
[[cases]]
name = "c1"
inputs = [[0.5, 0.25]]
targets = [[1]]
[[claims]]
id = "sum"
expression = "1 + 2"
stated = "-1"
"""


def test_charge_beyond_the_limit_names_the_stage_and_what() -> None:
    with budget.scope(1_000) as run:
        budget.charge(999, "exact evaluation", "case c1")
        with pytest.raises(budget.WorkLimitError, match=r"^exact evaluation for case c1 stopped at the work "
                                                         r"budget: the run needs more than 1,000 units"):
            budget.charge(2, "exact evaluation", "case c1")
    assert run.spent == 1_001


def test_afford_keeps_a_reserve_for_the_stages_after_a_search() -> None:
    with budget.scope(1_000) as run:
        assert run.afford(700)  # 700 <= 1000 - 1000 // 4
        assert not run.afford(100)  # 800 > 750: refused, and nothing spent
        assert run.spent == 700


def test_nested_scopes_share_the_running_budget_and_outside_nothing_is_counted() -> None:
    budget.charge(10**15, "anything", "outside any run")  # not counted, no error
    with budget.scope(100) as outer:
        with budget.scope() as inner:
            assert inner is outer
    assert budget.current() is None


def test_slip_search_names_the_slip_within_its_budget() -> None:
    result = check(load_text(SMALL))
    (verdict,) = result.verdicts
    assert verdict.verdict == "wrong" and "+ taken as -" in verdict.explanation  # 1 - 2 = -1


def test_slip_search_stopped_at_its_budget_keeps_the_verdict_and_says_so() -> None:
    example = load_text(SMALL)
    with budget.scope(1_000_000) as run:
        run.spent = run.limit - run.limit // budget.RESERVE  # nothing left for optional search
        (verdict,) = check(example).verdicts
    assert verdict.verdict == "wrong"
    assert verdict.slips == ()
    assert ("slip search for claim 'sum' stopped at its budget: 0 candidates tried; the verdict stands without a "
            "named slip") in verdict.explanation


def test_cli_max_work_too_small_is_a_clear_error_exit_2(capsys) -> None:
    assert main(["tutorial1", "--max-work", "1000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "stopped at the work budget" in err and "--max-work" in err


@pytest.mark.parametrize("value", ["0", "-5", "ten", "1e9", "9" * 40])
def test_cli_max_work_must_be_a_positive_whole_number(value: str, capsys) -> None:
    assert main(["tutorial1", f"--max-work={value}"]) == 2
    assert "expected a positive whole number of work units" in capsys.readouterr().err


def test_cli_max_work_accepts_separators() -> None:
    assert main(["tutorial1", "--max-work", "30_000_000"]) == 1  # its one wrong claim: the run completed


def _tied_network(bias: str, epochs: int) -> str:
    sizes = [99, 19, 1]
    weights = sizes[0] * sizes[1] + sizes[1] * sizes[2]
    names = [f"w{i + 1} = 0.01" for i in range(weights)]
    names += ["b1 = 0.1", "b2 = 0.1"] if bias == "shared" else \
        [f"b1_{j + 1} = 0.1" for j in range(19)] + ["b2_1 = 0.1"]
    return f"""
[network]
sizes = {sizes}
bias = "{bias}"
[parameters]
{chr(10).join(names)}
[[cases]]
name = "c1"
inputs = [[{", ".join(["0.5"] * 99)}]]
targets = [[0.5]]
[cases.training]
epochs = {epochs}
mode = "online"
"""


def test_training_work_counts_every_place_of_a_shared_bias() -> None:
    # 99*19 + 19 weights and 19 + 1 places of the two shared biases: each update walks 1,920 places in Python
    assert limits.tied_places(load_text(_tied_network("shared", 10)).network, True) == 99 * 19 + 19 + 19 + 1
    assert limits.tied_places(load_text(_tied_network("per_neuron", 10)).network, True) == 0
    with pytest.raises(InputError, match="MAX_TRAINING_WORK"):
        load_text(_tied_network("shared", 344_589))
    load_text(_tied_network("per_neuron", 344_589 // 40))  # untied: the same run within the limit
