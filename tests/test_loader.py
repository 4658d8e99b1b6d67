"""The loader: key paths and their lines, the names a case has, limits, and robustness.

Property tests feed random bytes, random TOML and mutations of the shipped
worked examples to the loader and the claim validation: the only exception
allowed out is InputError, and each input must finish quickly.
"""

from __future__ import annotations

import random
import signal
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handcalc.read import limits
from handcalc.check import validate_claims
from handcalc.naming import quantity_names
from handcalc.exact.derivation import derive
from handcalc.read.reader import InputError, KeyLines, Problem, join_key
from handcalc.read.loader import load_bytes, load_file, load_text
from handcalc.numbers import NumberError, parse_fraction, round_to_exponent, to_decimal_text

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "worked_examples").glob("*.toml")) + [ROOT / "tests" / "data" / "tanh_3_4_2.toml",
                                                               ROOT / "tests" / "data" / "softmax_2_3_3.toml"]
SEEDS = sorted((ROOT / "fuzz" / "corpus" / "loader").glob("*"))


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


def load_and_validate(data: bytes) -> None:
    """What the command line does before any work; only InputError may escape."""
    with deadline(20):
        try:
            validate_claims(load_bytes(data, "fuzz.toml"))
        except InputError as error:
            assert error.problems and all(isinstance(p, Problem) for p in error.problems)
            assert all(p.message for p in error.problems)


# --- key paths and lines ------------------------------------------------------------------------

KEYED = """\
[example]
name = "k"

[network]
sizes = [2, 1]
"quoted key" = 1
a.b = 2

[[network.layers]]
pre = ["y1"]

[[cases]]
inputs = [[1, 2],
          [3, 4]]
init = { method = "randn", seed = 1 }
note = '''
[[cases]] inside a string is not a table
'''

[cases.training]
epochs = 3

[[cases]]
name = "second"

[cases.training]
epochs = 4

[[claims]]
quantity = "y1"
"""


@pytest.mark.parametrize(("key", "line"), [
    ("example", 1), ("example.name", 2), ("network.sizes", 5), ("network.sizes[1]", 5),
    ('network."quoted key"', 6), ("network.a.b", 7), ("network.layers[0]", 9), ("network.layers[0].pre[0]", 10),
    ("network.layers", 9), ("cases[0]", 12), ("cases[0].inputs[1][0]", 14), ("cases[0].init.seed", 15),
    ("cases[0].training.epochs", 21), ("cases[1]", 23), ("cases[1].name", 24), ("cases[1].training.epochs", 27),
    ("claims[0].quantity", 30), ("claims[3]", 29), ("nowhere", None), ("", None),
])
def test_key_lines(key: str, line: int | None) -> None:
    assert KeyLines(KEYED).line(key) == line  # claims[3]: no such table, so the array's first


# An array over several lines, with the things that must not be read as its brackets and commas.
ARRAYS = """[[cases]]
inputs = [                 # a comment with [brackets], and, commas
    [0.5, 0.25],
    [0.125,
     "x, ]",
     -1],
    ['a [b', \"\"\"two
lines ] here\"\"\", {k = [1, 2], j = "}"}, 3],
    [7],
]
targets = [[1],
   [2]]
"""


@pytest.mark.parametrize(("key", "line"), [
    ("cases[0].inputs", 2), ("cases[0].inputs[0]", 3), ("cases[0].inputs[0][1]", 3), ("cases[0].inputs[1]", 4),
    ("cases[0].inputs[1][1]", 5), ("cases[0].inputs[1][2]", 6), ("cases[0].inputs[2][0]", 7),
    ("cases[0].inputs[2][1]", 7), ("cases[0].inputs[2][2]", 8), ("cases[0].inputs[2][3]", 8),
    ("cases[0].inputs[3]", 9), ("cases[0].inputs[3][0]", 9), ("cases[0].inputs[4]", 2), ("cases[0].targets[0]", 11),
    ("cases[0].targets[1][0]", 12),
])
def test_each_element_of_a_multi_line_array_has_its_own_line(key: str, line: int) -> None:
    assert KeyLines(ARRAYS).line(key) == line  # inputs[4]: no such element, so the array's own line


def test_a_bad_element_of_a_multi_line_array_is_reported_at_its_line(tmp_path) -> None:
    text = ('[network]\nsizes = [2, 1]\nbias = "none"\n[parameters]\nw1 = 1\nw2 = 2\n[[cases]]\n'
            'inputs = [\n  [1, 2],\n  [3,\n   "four"],\n]\ntargets = [[0.5], [0.25]]\n')
    with pytest.raises(InputError) as error:
        load_text(text)
    (problem,) = error.value.problems
    assert problem.key == "cases[0].inputs[1][1]"
    assert problem.line == text.splitlines().index('   "four"],') + 1


def test_join_key_quotes_odd_names() -> None:
    assert join_key("parameters", "w1") == "parameters.w1"
    assert join_key("cases", 2) == "cases[2]"
    assert join_key("parameters", "a b") == 'parameters."a b"'
    assert join_key("parameters", "\x1b[31m") == 'parameters."\\u001b[31m"'  # no terminal escapes
    assert len(join_key("parameters", "x" * 10_000)) < 100
    assert KeyLines('[parameters]\n"a b" = 1\n').line(join_key("parameters", "a b")) == 2


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_key_lines_never_fail(text: str) -> None:
    lines = KeyLines(text)
    for key in ("a", "a.b[1][2]", 'x."y".z', "claims[0]", "[", "]]", '"'):
        line = lines.line(key)
        assert line is None or 1 <= line <= text.count("\n") + 1


# --- the names a case has -----------------------------------------------------------------------

def _derived_names(path_or_text, case_index: int = 0) -> tuple[set[str], set[str]]:
    example = load_file(path_or_text) if isinstance(path_or_text, Path) else load_text(path_or_text)
    case = example.cases[case_index]
    network = example.network_of(case)
    derivation = derive(network, len(case.rows))
    ours = [name for name, _ in quantity_names(network, len(case.rows))]
    assert len(ours) == len(set(ours)), "a valid example's names are all different"
    return set(ours), set(derivation.given) | set(derivation.by_name)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_quantity_names_are_the_derivations_names(path: Path) -> None:
    example = load_file(path)
    for index, case in enumerate(example.cases):
        if case.has_parameters and case.targets:
            ours, theirs = _derived_names(path, index)
            assert ours == theirs


@st.composite
def networks(draw) -> str:
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=5))
    bias = draw(st.sampled_from(["none", "shared", "per_neuron"]))
    rows = draw(st.integers(1, 3))
    lines = ["[network]", f"sizes = {sizes}", f'bias = "{bias}"',
             "[[cases]]", "inputs = [" + ", ".join(["[" + ", ".join(["1"] * sizes[0]) + "]"] * rows) + "]",
             "targets = [" + ", ".join(["[" + ", ".join(["0.5"] * sizes[-1]) + "]"] * rows) + "]",
             'init = { method = "randn", seed = 3 }']
    if bias != "none":
        lines += ["[cases.parameters]"] + [f"b{k + 1}{'_1' if bias == 'per_neuron' else ''} = 0"
                                           for k in range(len(sizes) - 1)]
    return "\n".join(lines) + "\n"


@given(networks())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_quantity_names_match_derive_on_random_networks(text: str) -> None:
    try:
        ours, theirs = _derived_names(text)
    except InputError as error:  # a per-neuron network whose other biases the draw leaves out
        assert "no value for parameter" in str(error) or "parameter" in str(error)
        return
    assert ours == theirs


def test_tied_weights_may_share_a_name_but_a_neuron_may_not() -> None:
    tied = ('[network]\nsizes = [2, 1]\nbias = "none"\n[[network.layers]]\nweights = [["a", "a"]]\n'
            '[parameters]\na = 1\n[[cases]]\ninputs = [[1, 2]]\ntargets = [[1]]\n')
    with pytest.raises(InputError, match="two quantities would both be named 'dy1_da'"):
        load_text(tied)  # the same weight twice into one neuron: d y1 / d a would mean two things
    shared = tied.replace('[["a", "a"]]', '[["a", "b"]]').replace("a = 1", "a = 1\nb = 2")
    assert load_text(shared).network.parameters == ("a", "b")


# --- limits ---------------------------------------------------------------------------------------

def test_every_limit_is_listed_once_with_its_value() -> None:
    names = [limit.name for limit in limits.LIMITS]
    assert len(names) == len(set(names))
    for limit in limits.LIMITS:
        assert limit.value > 0 and limit.what
        if hasattr(limits, limit.name):
            assert getattr(limits, limit.name) == limit.value


def test_the_shipped_examples_are_far_inside_the_limits() -> None:
    for path in SHIPPED:
        example = load_file(path)
        for case in example.cases:
            network = example.network_of(case)
            size = limits.derivation_size(len(case.rows), len(network.parameters), sum(network.sizes[1:]))
            assert size * 10 <= limits.MAX_DERIVATION
            if case.training:
                work = limits.training_work(case.training.epochs, len(case.rows), len(network.parameters),
                                            len(network.layers), case.training.mode == "online")
                assert work * 10 <= limits.MAX_TRAINING_WORK


def test_limits_are_inclusive(tmp_path) -> None:
    width = limits.MAX_WIDTH
    text = (f"[network]\nsizes = [{width}, 1]\nbias = \"none\"\n[[cases]]\n"
            f"inputs = [[{', '.join(['1'] * width)}]]\ninit = {{ method = \"randn\", seed = 1 }}\n")
    assert load_text(text).network.sizes == (width, 1)
    rows = "[" + ", ".join(["[1]"] * limits.MAX_ROWS) + "]"
    text = f"[network]\nsizes = [1, 1]\n[parameters]\nw1 = 1\nb1 = 0\n[[cases]]\ninputs = {rows}\n"
    assert len(load_text(text).cases[0].rows) == limits.MAX_ROWS


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["nan", "-inf", "Infinity", "\u0663", "1__0", "_1", "1_", "0x10", "1e", "e5",
                                  "1e99999999999999999999", "1" * 101, "1e" + "9" * 5000, "--1", "1.2.3", ""])
def test_parse_fraction_refuses(text: str) -> None:
    with pytest.raises(NumberError):
        parse_fraction(text)


@pytest.mark.parametrize("value", [0.5, ["1"], None])
def test_parse_fraction_refuses_what_is_not_text(value) -> None:
    with pytest.raises(NumberError, match="expected a number's text"):  # never a TypeError, even unhashable
        parse_fraction(value)


@pytest.mark.parametrize(("text", "value"), [("1_000", 1000), (".5", Fraction(1, 2)), ("5.", 5),
                                             ("+.5e-3", Fraction(1, 2000)), (" 7.5\n", Fraction(15, 2)),
                                             ("1e300", 10**300), ("-1E-300", Fraction(-1, 10**300))])
def test_parse_fraction_reads(text: str, value) -> None:
    assert parse_fraction(text) == value


def test_parse_fraction_agrees_with_fractions_own_parser() -> None:
    """Every shape of decimal text: the same value as Fraction(mantissa) * 10^exponent, the standard library's."""
    rng = random.Random(7)
    for _ in range(5000):
        whole = str(rng.randint(0, 10 ** rng.randint(0, 8))) if rng.random() < 0.8 else ""
        decimals = str(rng.randint(0, 10 ** rng.randint(0, 8))) if rng.random() < 0.7 or not whole else ""
        point = "." if decimals or rng.random() < 0.3 else ""
        exponent = rng.choice(["", "", f"e{rng.randint(-40, 40)}", f"E+{rng.randint(0, 9)}"])
        text = rng.choice(["", "-", "+"]) + whole + point + decimals + exponent
        mantissa, _, power = text.lower().partition("e")
        assert parse_fraction(text) == Fraction(mantissa) * Fraction(10) ** int(power or 0), text


@pytest.mark.parametrize("value", [sympy.Integer(10) ** 1000, sympy.Rational(10 ** 1000, 3),
                                   sympy.Float("1e5000", 30), sympy.Rational(1, 10 ** 500),
                                   sympy.Float("1e50000", 30), -sympy.Integer(10) ** 9000 / 7])
def test_huge_and_tiny_values_can_be_written_and_rounded(value) -> None:
    assert to_decimal_text(value, 20)
    text = round_to_exponent(value, -8)
    exact = sympy.Rational(text)  # always readable back: plain up to 4,000 digits, else 1.23E+4567
    assert abs(exact - value) <= abs(value) * sympy.Rational(1, 10 ** 50) + sympy.Rational(1, 10**8)


# --- robustness: nothing but InputError, and nothing slow -----------------------------------------

@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
@example(b"\xff\xfe[network]")
@example(b"\xef\xbb\xbf")
@example(b"x = " + b"[" * 3000)
def test_random_bytes(data: bytes) -> None:
    load_and_validate(data)


TOML_ATOMS = ["[network]", "[[cases]]", "[[claims]]", "[parameters]", "[[network.layers]]", "[cases.training]",
              "sizes = [2, 1]", "sizes = [1, 1, 1]", 'bias = "none"', 'bias = "per_neuron"',
              'loss = "binary_cross_entropy"',
              'activation = "tanh"', "inputs = [[1, 2]]", "inputs = [[0.5]]", "targets = [[0.5]]", "targets = [[2]]",
              "w1 = 0.5", "w2 = -1", "b1 = 0", "b1_1 = 1e-3", "learning_rate = 0", 'quantity = "out_y1"',
              'quantity = "E_total"', 'stated = "0.25"', 'expression = "w1 * 2"', 'expression = "(1/0"',
              'kind = "compare"', 'relation = "<"', 'right = "w2"', "epochs = 5", 'mode = "online"',
              'kind = "training"', 'check = "loss_at"', "epoch = 3", 'pre = ["h1"]', 'weights = [["w1", "w1"]]',
              'inputs = ["eta", "x2"]', 'name = "a"', "init = { method = \"randn\", seed = 1 }", "x = nan",
              'kind = "shape"', 'array = "W1"', 'stated = "1x2"', 'case = "a"', "w1 = true", "sizes = []"]


@given(st.lists(st.sampled_from(TOML_ATOMS), max_size=25))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_toml_from_the_formats_own_pieces(lines: list[str]) -> None:
    load_and_validate("\n".join(lines).encode())


def _mutate(text: str, rng: random.Random, count: int) -> str:
    """A near-valid file: lines dropped, duplicated or swapped, values and characters changed."""
    lines = text.splitlines()
    replacements = ["0", "-1", "1e400", "nan", "true", '"x"', "[]", "[[1]]", "{}", '"sigmoidd"', '"h1"', '"eta"',
                    '"dE_dw1"', '"(1"', '"1/0"', "1_000_000", '["a", "a"]']
    for _ in range(count):
        if not lines:
            break
        i = rng.randrange(len(lines))
        action = rng.randrange(6)
        if action == 0:
            del lines[i]
        elif action == 1:
            lines.insert(i, lines[i])
        elif action == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == 3 and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {rng.choice(replacements)}"
        elif action == 4 and lines[i]:
            k = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:k] + rng.choice("[]{}\"'=.,#_ \\\u00e9\x00") + lines[i][k + 1:]
        else:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return "\n".join(lines) + "\n"


@given(st.sampled_from(SEEDS), st.randoms(use_true_random=False), st.integers(1, 6))
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_near_valid_mutations_of_real_files(path: Path, rng: random.Random, count: int) -> None:
    load_and_validate(_mutate(path.read_text(encoding="utf-8"), rng, count).encode())


def test_the_seed_corpus_loads_except_its_near_misses() -> None:
    assert SEEDS
    for path in SEEDS:
        if path.name.startswith("bad_"):
            with pytest.raises(InputError):
                validate_claims(load_file(path))
        else:
            validate_claims(load_file(path))


# --- claims: one record per kind ------------------------------------------------------------------

RECORDS = """
[network]
sizes = [1, 1]
activation = "identity"
bias = "none"

[parameters]
w1 = 0.5

[[cases]]
inputs = [[2]]
targets = [[1]]
"""


def test_each_kind_of_claim_becomes_its_own_record() -> None:
    from handcalc.model import ArrayClaim, CompareClaim, RangeClaim, ShapeClaim, ValueClaim

    claims = load_text(RECORDS + """
[[claims]]
quantity = "y1"
stated = "1"
[[claims]]
kind = "compare"
expression = "y1"
relation = "<"
right = "2"
[[claims]]
kind = "range"
quantity = "y1"
low = 0
[[claims]]
kind = "shape"
array = "W1"
stated = "1x1"
[[claims]]
kind = "array"
array = "X"
stated = [[2]]
""").claims
    assert [type(c) for c in claims] == [ValueClaim, CompareClaim, RangeClaim, ShapeClaim, ArrayClaim]
    assert [c.kind for c in claims] == ["value", "compare", "range", "shape", "array"]
    assert claims[1].texts() == ("y1", "2") and claims[3].quantity is None and claims[4].values == (("2",),)


@pytest.mark.parametrize("claim, message", [
    ('kind = "compare"\nexpression = "y1"\nrelation = "<"\nright = "2"\nquantity = "y1"',
     "[claims[0].quantity] a compare claim takes no quantity"),
    ('kind = "shape"\narray = "W1"\nstated = "1x1"\nexpression = "y1"', "[claims[0].expression] a shape claim takes no expression"),
    ('kind = "compare"\nexpression = "y1"\nrelation = "<"\nright = "2"\nstage = "after_training"',
     "[claims[0].stage] stage = \"after_training\" fits value and array"),
    ('quantity = "y1"\nexpression = "1 + 1"\nstated = "2"\nstage = "after_training"',
     "[claims[0].stage] a value claim after training names a quantity"),
])
def test_a_key_of_another_kind_of_claim_is_refused(claim: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        load_text(RECORDS + "\n[[claims]]\n" + claim + "\n")
    assert message in str(raised.value)


def test_an_unseeded_draw_is_not_reproducible_and_a_seeded_one_is() -> None:
    unseeded = load_text(RECORDS.replace("[[cases]]", '[[cases]]\ninit = { method = "randn", seed = "none" }'))
    seeded = load_text(RECORDS.replace("[[cases]]", '[[cases]]\ninit = { method = "randn", seed = 3 }'))
    assert not unseeded.cases[0].init.seeded and not unseeded.cases[0].reproducible
    assert seeded.cases[0].init.seeded and seeded.cases[0].reproducible and seeded.cases[0].init.seed == 3
