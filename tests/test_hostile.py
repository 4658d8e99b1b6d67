"""Hostile and extreme inputs inside every file limit: each run bounded, each verdict still right.

Each test is one reproducer of a file that once ran for minutes or hours (or
took gigabytes); `deadline` fails it rather than letting it hang.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from fractions import Fraction

import sympy

from handcalc.check import check
from handcalc.read.loader import load_text


@contextmanager
def deadline(seconds: int):
    """Fail (rather than hang) if the block takes longer than `seconds`."""
    def expired(signum, frame):
        raise AssertionError(f"took longer than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _inputs_only(rows: int, width: int, claims: str) -> str:
    data = ", ".join("[" + ", ".join(f"0.{(r * width + i) % 997 + 1:03d}" for i in range(width)) + "]"
                     for r in range(rows))
    return f"[network]\nsizes = [{width}, 1]\n\n[[cases]]\nname = \"c1\"\ninputs = [{data}]\ninit = {{ method = \"randn\", seed = \"none\" }}\n{claims}"


def test_slips_in_a_case_of_100000_numbers_are_found_among_the_neighbours_quickly() -> None:
    # x1 = 0.001 ... x100 = 0.100 in row 1; the second claim adds x3 and x4 but writes x5's 0.005 for x4's 0.004
    claims = ('[[claims]]\nid = "sum"\nexpression = "1 + 2"\nstated = "-1"\n'
              '[[claims]]\nid = "s"\nexpression = "0.003 + 0.004"\nstated = "0.008"\n')
    example = load_text(_inputs_only(1_000, 100, claims))
    with deadline(60):
        whole, part = check(example).verdicts
    assert whole.verdict == "wrong" and whole.computed == 3  # 1 + 2, by hand
    assert whole.slips[0] == "+ taken as - in 1 + 2"
    assert part.verdict == "wrong" and part.computed == Fraction(7, 1000)
    assert "0.004 read as 0.005 (the value of x5_r1)" in part.slips


def _wide_network(claim: str) -> str:
    sizes = [40, 40, 8]  # 1,968 weights and biases: near MAX_PARAMETERS
    weights = sizes[0] * sizes[1] + sizes[1] * sizes[2]
    lines = [f"w{i + 1} = 0.{(i * 37) % 89 + 10:02d}" for i in range(weights)]
    lines += [f"b1_{j + 1} = 0.1" for j in range(sizes[1])] + [f"b2_{j + 1} = 0.2" for j in range(sizes[2])]
    inputs = "[" + ", ".join(f"0.{i + 10}" for i in range(sizes[0])) + "]"
    targets = "[" + ", ".join("0.5" for _ in range(sizes[2])) + "]"
    return (f"[network]\nsizes = {sizes}\nbias = \"per_neuron\"\n[parameters]\n" + "\n".join(lines)
            + f"\n[[cases]]\nname = \"c1\"\ninputs = [{inputs}]\ntargets = [{targets}]\n" + claim)


def test_a_wrong_expression_claim_among_2000_parameters_is_judged_quickly() -> None:
    # w1 = 0.10, w2 = 0.47 (i*37 mod 89 + 10); the text writes 0.10 * 0.47 = 0.0047 (a digit dropped: 0.047)
    claim = '[[claims]]\nid = "p"\nexpression = "0.10 * 0.47"\nstated = "0.0047"\n'
    example = load_text(_wide_network(claim))
    with deadline(120):
        result = check(example)
    (verdict,) = [v for v in result.verdicts if v.claim.id == "p"]
    assert verdict.verdict == "wrong" and verdict.computed == Fraction(47, 1000)
    assert verdict.slips  # some slip reproduces 0.0047 (the last digit of 0.047 lost)


def test_a_thousand_unknown_names_among_30000_are_reported_quickly_with_suggestions() -> None:
    # (100,000 names and 1,000 such claims once took 15 minutes: a did-you-mean over every name, for every claim)
    import pytest

    from handcalc.read.reader import InputError

    claims = "".join(f'[[claims]]\nquantity = "x{i % 100 + 1}_r{i + 1}x"\nstated = "0.5"\n' for i in range(1_000))
    with deadline(30), pytest.raises(InputError) as error:
        load_text(_inputs_only(300, 100, claims))
    lines = str(error.value).splitlines()
    assert len(lines) == 51 and lines[-1].endswith("... and 950 more problems")
    assert lines[0].endswith("no quantity named 'x1_r1x' in case c1 (did you mean 'x1_r1'?)")
    assert lines[49].endswith("no quantity named 'x50_r50x' in case c1 (did you mean 'x50_r50'?)")


def test_names_near_picks_the_names_that_share_the_rarest_letter_pairs() -> None:
    from handcalc.read.reader import Names, suggest

    names = Names([f"x{i}_r{j}" for i in range(1, 101) for j in range(1, 101)] + ["out_h1", "out_h2"])
    assert suggest("out_hx1", names) == " (did you mean 'out_h1'?)"
    assert suggest("x7_r99", names) == " (did you mean 'x7_r99'?)"  # itself: present
    assert len(names.near("x7_r9")) <= Names.POOL
    assert suggest("zzzz", names) == ""


def test_factors_of_2_and_5_are_counted_directly() -> None:
    import random

    import sympy

    from handcalc.numbers import _factor_count, to_decimal_text

    rng = random.Random(15)
    for _ in range(200):
        k, m = rng.randint(0, 400), rng.choice([1, 2, 3, 7, 11, 13]) * rng.randint(1, 10**6)
        while m % 5 == 0:
            m //= 5
        assert _factor_count(m * 5**k, 5) == (k, m)
    # exact when the decimal ends within the digits asked for: 1/2^30 has 30 decimals
    assert to_decimal_text(sympy.Rational(1, 2**30), 40) == \
        f"0.{5**30:030d}"
    with deadline(20):  # (1 + 1e-300)^199: a denominator of 10^59700 once took 8-9 s to print
        assert to_decimal_text(sympy.Rational(10**300 + 1, 10**300) ** 199, 20) == "1.0000000000000000000"


def test_the_loss_history_is_capped_whatever_report_every_asks() -> None:
    from handcalc.floats.replay import MAX_HISTORY

    text = ("[network]\nsizes = [1, 1]\n[parameters]\nw1 = 0.5\nb1 = 0.1\n[[cases]]\nname = \"c1\"\n"
            "inputs = [[1]]\ntargets = [[0]]\n[cases.training]\nepochs = 20000\nmode = \"batch\"\nreport_every = 1\n")
    with deadline(120):
        (case,) = check(load_text(text)).cases
    history = case.training.replay.history
    assert len(history) <= MAX_HISTORY + 1  # the points, and the final loss
    assert [epoch for epoch, _ in history[:3]] == [0, 20, 40]  # every 20,000 / 1,000 = 20 epochs


DIVERGING = """
[network]
sizes = [1, 1]
activation = "identity"
[parameters]
w1 = 1
b1 = 0
[[cases]]
name = "c1"
inputs = [[1e100]]
targets = [[0]]
[cases.training]
epochs = 10
mode = "batch"
report_every = 1
[[claims]]
kind = "training"
check = "loss_at"
stated = "0"
"""


def test_a_run_that_diverges_to_nan_is_reported_and_its_claims_are_wrong(capsys) -> None:
    import json
    import math
    import warnings

    # w1 -= (w1 * 1e100) * 1e100 each epoch: -1e200 after one (the loss 5e599 = inf), -inf after two, then NaN
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no NumPy warning may reach stderr
        result = check(load_text(DIVERGING))
    (final,) = result.verdicts
    assert final.verdict == "wrong"
    assert final.explanation.startswith("the float64 replay diverged: its loss is inf by epoch 1")
    assert result.cases[0].training.replay.history[0][1] == 5e199  # before training: (1e100 * 1 + 0)^2 / 2
    from handcalc.output.jsonreport import to_json

    json.dumps(to_json(result), allow_nan=False)  # NaN and infinity written as strings, never bare NaN


def test_values_beyond_1e90_stay_exact_without_a_log_of_zero() -> None:
    claims = ('[[claims]]\nid = "big"\nexpression = "1e300"\nstated = "1e300"\n'
              '[[claims]]\nid = "same"\nkind = "compare"\nexpression = "10^91"\nrelation = "=="\nright = "10^95"\n')
    big, same = check(load_text(_inputs_only(1, 1, claims))).verdicts
    assert big.verdict == "correct" and big.computed == 10**300
    assert same.verdict == "wrong"  # 10^91 is not 10^95


def test_a_diverged_replay_renders_in_every_format() -> None:
    from handcalc.output.render import FORMATS
    from handcalc.output.report import render

    result = check(load_text(DIVERGING))  # found by fuzz/fuzz_check.py: a NaN loss crashed the report
    for fmt in FORMATS:
        assert "nan" in render(result, fmt)


TINY = """[network]
sizes = [1, 1]
[parameters]
w1 = -10000
b1 = 0
[[cases]]
name = "c1"
inputs = [[1]]
targets = [[0]]
[[claims]]
id = "out"
quantity = "out_y1"
stated = "0.5"
[[claims]]
id = "e"
expression = "exp(-10000)"
stated = "0"
"""


def test_values_below_1e4300_render_in_scientific_notation_in_every_format() -> None:
    # out_y1 = S(-10000) = 1/(1 + e^10000); its text had 4,343 zeros, more than Python reads into an int
    import mpmath

    from handcalc.output.render import FORMATS
    from handcalc.output.report import render

    with mpmath.workdps(30):
        mantissa, exponent = mpmath.nstr(1 / (1 + mpmath.exp(10000)), 12).split("e")
    assert exponent == "-4343"
    result = check(load_text(TINY))
    out, e = result.verdicts
    assert out.verdict == "wrong" and e.verdict == "correct"  # 0 is exp(-10000) to the stated unit digit
    for fmt in FORMATS:
        text = render(result, fmt)
        assert mantissa[:10] in text and "4343" in text and "0" * 100 not in text, fmt


def _one_neuron(weight: str, claims: str = "") -> str:
    return (f"[network]\nsizes = [1, 1]\n[parameters]\nw1 = {weight}\nb1 = 0\n[[cases]]\nname = \"c1\"\n"
            f"inputs = [[0.5]]\ntargets = [[1]]\n{claims}")


def test_a_value_beyond_the_exact_range_is_bad_input_naming_the_quantity_and_limit() -> None:
    # w1 = -1e300: y1 = -5e299, out_y1 = 1/(1 + e^5e299) ~ 10^(-2.17e299), far below 2^-200000 (~1e-60206);
    # making it exact once took 3.6 GB and ended in MemoryError
    import pytest

    from handcalc.read.reader import InputError

    claim = '[[claims]]\nid = "o"\nquantity = "out_y1"\nstated = "0.5"\n'
    with deadline(30), pytest.raises(InputError) as error:
        check(load_text(_one_neuron("-1e300", claim)))
    message = str(error.value)
    assert "[cases[0]]" in message and "out_y1 = about 1e-2.171e299" in message  # 5e299 / ln 10 = 2.171e299
    assert "2^-200000" in message and "MAX_EXACT_BITS" in message


def test_a_value_whose_power_of_ten_is_beyond_float64_is_named_too() -> None:
    # found by fuzz/fuzz_check.py: w1 = 1e90 and an input of -1e300 make y1 = -1e390, out_y1 = e^-1e390 =
    # 10^(-4.343e389): the power of ten itself overflowed a float while the message was written (exit 3)
    import pytest

    from handcalc.read.reader import InputError

    text = _one_neuron("1e90").replace("inputs = [[0.5]]", "inputs = [[-1e300]]")
    with deadline(30), pytest.raises(InputError) as error:
        check(load_text(text))
    assert "out_y1 = about 1e-4.343e389" in str(error.value)  # 1e390 / ln 10 = 4.343e389


def test_a_weight_of_1e300_inside_the_range_is_judged() -> None:
    # w1 = 1e300: y1 = 5e299 exactly, and a stated 0.44 against 5e299 is neither off by one digit nor exact
    claims = ('[[claims]]\nid = "y"\nquantity = "y1"\nstated = "0.44"\n'
              '[[claims]]\nid = "big"\nquantity = "y1"\nstated = "5e299"\n')
    with deadline(30):
        y, big = check(load_text(_one_neuron("1e300", claims))).verdicts
    assert y.verdict == "wrong" and y.computed == 5 * 10**299
    assert big.verdict == "correct"


LOG_ZERO_CLAIMS = """[[claims]]
id = "zero_times"
expression = "0*log(0)"
stated = "0"
[[claims]]
id = "plus_huge"
expression = "log(0) + 1e100"
stated = "0"
[[claims]]
id = "minus"
expression = "-log(0)"
stated = "∞"
[[claims]]
id = "power"
expression = "2^1001"
stated = "1"
"""


def test_log_of_zero_is_minus_infinity_in_claims_and_in_the_scan() -> None:
    # by hand, in the extended reals: 0 × ∞ has no value, -∞ + 1e100 = -∞, -(-∞) = ∞; 2^1001 meets MAX_POWER
    from handcalc.textscan.scanner import scan_source

    zero_times, plus_huge, minus, power = check(load_text(_one_neuron("0.5", LOG_ZERO_CLAIMS))).verdicts
    assert zero_times.verdict == "wrong" and "0 × ∞, which has no value" in zero_times.explanation
    assert plus_huge.verdict == "wrong" and plus_huge.explanation.startswith("log(0) + 1e100 is -∞, not 0")
    assert minus.verdict == "correct" and minus.computed == sympy.oo
    # 2^1001 exists; handcalc's MAX_POWER refuses to compute it, so nothing shows the stated 1 false: unchecked
    assert power.verdict == "unchecked" and "the exponent 1001 is beyond ±1000 (MAX_POWER)" in power.explanation
    scanned = scan_source("So 0*log(0) = 0, and log(0) + 1e100 = 0, but -log(0) = ∞ and -log(0) = -∞.\n")
    verdicts = [s.verdict for s in scanned.statements]
    assert [v.verdict for v in verdicts] == ["wrong", "wrong", "correct", "wrong"]
    assert "0 × ∞" in verdicts[0].explanation and verdicts[1].explanation.startswith("log(0) + 1e100 is -∞")
    assert verdicts[3].explanation.startswith("-log(0) is ∞")


def test_binary_cross_entropy_of_a_sigmoid_that_rounds_to_1_is_worked_out_exactly() -> None:
    # out = sigmoid(200) = 1 - 1.38e-87 is exactly 1 at 60 digits, so log(1 - out) was log(0) ("cannot create
    # mpf from zoo"); at 300 digits mpmath gives E = -ln(1 - out) = 200 + ln(1 + e^-200) and out(1 - out)
    import mpmath

    bce = ('[network]\nsizes = [1, 1]\nloss = "binary_cross_entropy"\n[parameters]\nw1 = 200\nb1 = 0\n'
           '[[cases]]\nname = "c1"\ninputs = [[1]]\ntargets = [[0]]\n'
           '[[claims]]\nid = "loss"\nquantity = "E_total"\nstated = "200.000"\n'
           '[[claims]]\nid = "slope"\nquantity = "dout_y1_dy1"\nstated = "1.384e-87"\n')
    with mpmath.workdps(300):
        out = 1 / (1 + mpmath.exp(-200))
        loss, slope = -mpmath.log(1 - out), out * (1 - out)
        assert mpmath.nstr(loss - 200, 5) == "1.3839e-87" and mpmath.nstr(slope, 4) == "1.384e-87"
    with deadline(60):
        result = check(load_text(bce))
    values = result.cases[0].values
    with mpmath.workdps(60):
        for name, expected in (("E_total", loss), ("dout_y1_dy1", slope), ("dE_dw1", out)):
            got = mpmath.mpf(sympy.Float(values[name], 40)._mpf_)  # handcalc's value, read at 40 digits
            assert abs(got - expected) <= abs(expected) * mpmath.mpf(10) ** -35, name
    assert [v.verdict for v in result.verdicts] == ["correct", "correct"]


def test_a_loss_with_no_finite_value_at_the_most_working_digits_is_bad_input() -> None:
    # sigmoid(20000) = 1 - e^-20000 ~ 1 - 10^-8686: 1 - out needs more than MAX_WORKING_DIGITS (3,840) digits
    import pytest

    from handcalc.read.reader import InputError

    bce = ('[network]\nsizes = [1, 1]\nloss = "binary_cross_entropy"\n[parameters]\nw1 = 20000\nb1 = 0\n'
           '[[cases]]\nname = "c1"\ninputs = [[1]]\ntargets = [[0]]\n')
    with deadline(60), pytest.raises(InputError, match=r"\[cases\[0\]\] case c1: E1 has no finite value even at "
                                                        r"3840 digits \(MAX_WORKING_DIGITS\)"):
        check(load_text(bce))


BEYOND_LIMITS = """
[[claims]]
id = "power"
expression = "2^1001"
stated = "2.14e300"
[[claims]]
id = "root"
expression = "(-8)^(1/3)"
stated = "-2"
[[claims]]
id = "tower"
expression = "exp(exp(exp(3)))"
stated = "1"
[[claims]]
id = "undefined"
expression = "1/(0.5 - .50)"
stated = "2"
"""


def test_a_value_beyond_a_limit_is_unchecked_and_one_without_value_is_wrong() -> None:
    # 2^1001 = 2.14e301 (by hand: 1001 * log10(2) = 301.33; the stated 2.14e300 is off by ten), the real cube root of -8 is -2 and e^e^e^3 is a
    # number: handcalc's limits keep it from computing them, which shows nothing false. 1/0 has no value at all.
    from handcalc.textscan.scanner import scan_source

    power, root, tower, undefined = check(load_text(_one_neuron("0.5", BEYOND_LIMITS))).verdicts
    assert [v.verdict for v in (power, root, tower)] == ["unchecked"] * 3
    assert "MAX_POWER" in power.explanation and "MAX_FUNCTION_ARGUMENT" in tower.explanation
    assert "positive number" in root.explanation and "not computed here" in root.explanation
    assert undefined.verdict == "wrong" and "division by zero" in undefined.explanation
    scanned = scan_source("So 2^1001 = 5 and 1/(0.5 - .50) = 2.\n")
    assert [s.verdict.verdict for s in scanned.statements] == ["unchecked", "wrong"]


OVERFLOWING = """[network]
sizes = [1, 2]
activation = "identity"
loss = "squared_error"
bias = "shared"
[parameters]
w1 = -1e300
w2 = 0
b1 = -9.99
[[cases]]
name = "c1"
inputs = [[-9.99]]
targets = [[-9.99, -9.99]]
learning_rate = 0.5
"""


def test_floats_that_overflow_are_left_out_of_the_cross_check_without_a_warning() -> None:
    # found by fuzz/fuzz_check.py: y1 = -1e300 * -9.99 - 9.99, so E1 = (t1 - y1)^2 = (9.99e300)^2 = 9.98001e601,
    # beyond float64: the NumPy path and the finite differences overflow. Nothing may reach stderr as a NumPy
    # warning, the overflowed floats are not compared, and the exact values stand.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        (case,) = check(load_text(OVERFLOWING)).cases
    assert case.values["E1"] == (sympy.Rational(999, 100) * 10**300) ** 2
    assert case.cross_check.ok
    (note,) = [n for n in case.cross_check.notes if "beyond float64" in n]
    assert "9.98001e+601" in note and "not cross-checked" in note


OVERFLOWING_TRAINING = """[network]
sizes = [3, 3, 3]
activation = "identity"
loss = "mean_squared_error"
bias = "shared"

[parameters]
w1 = 1e300
w2 = -1
w3 = -9.99
w4 = -9.99
w5 = -9.99
w6 = -9.99
w7 = -9.99
w8 = -9.99
w9 = -9.99
b1 = -9.99
w10 = -9.99
w11 = -9.99
w12 = -9.99
w13 = -9.99
w14 = -9.99
w15 = -9.99
w16 = -9.99
w17 = -9.99
w18 = -9.99
b2 = -9.99

[[cases]]
name = "c1"
inputs = [[-9.99, -9.99, -9.99]]
targets = [[-9.99, -9.99, -9.99]]
learning_rate = 0.5
[cases.training]
epochs = 1
mode = "online"
"""


def test_a_training_run_whose_floats_overflow_compares_its_replays_without_a_warning() -> None:
    # found by fuzz/fuzz_check.py: w1 = 1e300 sends weights past float64 in the first update, in the float replay
    # and (converted to float) in the 40-digit one; inf - inf warned from the comparison of the two
    import math
    import warnings

    from functools import partial

    from handcalc.check import DRIFT_FLOOR
    from handcalc.floats.crosscheck import relative_difference

    _relative = partial(relative_difference, floor=DRIFT_FLOOR, infinities=True)  # as the training drift uses it

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        (case,) = check(load_text(OVERFLOWING_TRAINING)).cases
    assert case.training is not None and case.training.float_vs_exact <= 1e-12
    assert _relative(math.inf, math.inf) == 0.0 and _relative(math.nan, 2.0) == math.inf
    assert _relative(math.inf, 1e300) == math.inf and _relative(1.5, 2.0) == 0.25
    assert _relative(3e-300, 2e-300) == (3e-300 - 2e-300) / 2e-300  # relative still: above the 1e-300 floor
    # the cross-check's default: absolute below 1e-12, and inf and nan as the arithmetic gives them
    assert relative_difference(3e-13, 2e-13) == (3e-13 - 2e-13) / 1e-12
    assert relative_difference(math.inf, 1.0) == math.inf and math.isnan(relative_difference(math.nan, 1.0))


STEPPED_OVERFLOW = """[network]
sizes = [1, 2]
activation = "identity"
loss = "mean_squared_error"
bias = "none"

[parameters]
w1 = 0
w2 = 0

[[cases]]
name = "c1"
inputs = [[1e300]]
targets = [[-9.99, -9.99]]
learning_rate = 0.5
[cases.training]
epochs = 1
mode = "online"
"""


def test_a_finite_difference_that_overflows_is_left_out_not_a_disagreement() -> None:
    # found by fuzz/fuzz_check.py: an input of 1e300 makes the stepped loss overflow (the step times 1e300,
    # squared), while every exact value fits float64: dE_dw1 = -(2/2)*(t1 - 0)*1e300 = 9.99e300
    import json
    import warnings

    from handcalc.output.jsonreport import to_json

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = check(load_text(STEPPED_OVERFLOW))
    (case,) = result.cases
    assert case.values["dE_dw1"] == sympy.Rational(999, 100) * 10**300
    assert case.cross_check.ok and any("finite difference of 2 gradients" in n for n in case.cross_check.notes)
    json.dumps(to_json(result), allow_nan=False)  # no NaN in the report


NAN_RESOLUTION = """
[network]
sizes = [1, 1, 3]
activation = "relu"
loss = "mean_squared_error"
bias = "none"

[parameters]
w1 = -1e300
w2 = -1e300
w3 = -9.21
w4 = -3.7

[[cases]]
name = "c1"
inputs = [[-9.99]]
targets = [[-9.99, -9.99, -9.99]]
learning_rate = 0.5
[cases.training]
epochs = 1
"""


def test_a_finite_difference_whose_error_estimate_overflows_is_still_compared() -> None:
    # found by fuzz/fuzz_check.py: y1 = -1e300 * -1e300 * -9.99 overflows, so the finite-difference error
    # estimate |D(h) - D(2h)| of the gradients is nan; used as a floor it made max(|exact|, nan) = 0 and
    # the comparison divided by zero (a crash, exit 3).  Such a gradient is compared with the default floor.
    result = check(load_text(NAN_RESOLUTION))
    (case,) = result.cases
    assert case.values["w2"] == -10**300 and case.cross_check.ok
    assert case.cross_check.finite_difference_max_rel_diff == 0.0  # dE/dw3 = 0 (the relu is off) both ways


CANCELLING = """
[network]
sizes = [3, 1]
activation = "identity"
loss = "half_squared_error"
bias = "per_neuron"

[parameters]
w1 = 7.5
w2 = 7.5
w3 = -10000
b1_1 = 1

[[cases]]
name = "c1"
inputs = [[1e300, -1e300, 3.87], [0, -9.99, -9.99]]
targets = [[-9.99], [-9.99]]
learning_rate = 0.5
[cases.training]
epochs = 1
mode = "online"
"""


def test_a_cross_check_difference_of_infinity_is_valid_json() -> None:
    # found by fuzz/fuzz_check.py: y1_r1 = 7.5*1e300 - 7.5*1e300 - 38700 + 1 = -38699 exactly, but float64
    # keeps the rounding error of 7.5e300 (a fused multiply-add leaves ~3e284), so E1_r1 overflows to inf
    # where its exact value is 7.5e8: a real float64 failure, reported as a disagreement; the JSON report
    # wrote the relative difference as a bare Infinity, which is not JSON
    import json

    import jsonschema

    from handcalc.output.jsonreport import schema, to_json

    result = check(load_text(CANCELLING))
    (case,) = result.cases
    assert case.values["y1_r1"] == -38699 and case.values["E1_r1"] == sympy.Rational("38689.01") ** 2 / 2
    report = json.loads(json.dumps(to_json(result), allow_nan=False))
    numpy_difference = report["cross_check"]["numpy_max_rel_diff"]
    assert numpy_difference == "Infinity" or numpy_difference < 1e-12  # inf in float64 (a BLAS without FMA: 0)
    jsonschema.validators.validator_for(schema())(schema()).validate(report)


SATURATED_CLAIMS = """
[network]
sizes = [1, 1]
activation = "sigmoid"
loss = "half_squared_error"
bias = "shared"

[parameters]
w1 = -1e300
b1 = 0.001

[[cases]]
name = "c1"
inputs = [[-4.56]]
targets = [[0.5]]
learning_rate = 1e-300

[[claims]]
quantity = "out_y1"
stated = "1e90"
"""


def test_a_wrong_claim_on_a_saturated_output_is_judged_at_once() -> None:
    # found by fuzz/fuzz_check.py (out of memory): out_y1 = sigmoid(4.56e300) rounds to 1.0; the slip search
    # tried candidates such as e^-4.56e300 and made each exact to compare it with the stated digits: 10^300
    # bits, 7 GB and minutes.  Now such a value is compared through a stand-in of its sign.
    with deadline(60):
        result = check(load_text(SATURATED_CLAIMS))
    (verdict,) = result.verdicts
    assert verdict.verdict == "wrong" and "out_y1 is 1.00000000000000, not 1e90" in verdict.explanation
