"""Every bad worked-example file gets a clear error: exit code 2, file:line, key path, no traceback.

Each row of BAD_FILES is one file of tests/data/bad/ run through
`handcalc.cli.main([path])`, with the line and the exact message fragment
it must print.  Inputs too large to keep as files are built in the test; the
expression table covers the arithmetic a claim may write.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from handcalc.read import limits
from handcalc.cli import main
from handcalc.read.reader import InputError
from handcalc.expr.arithmetic import evaluate
from handcalc.expr.extended import extended
from handcalc.expr.expression import ExpressionError, parse

BAD = Path(__file__).parent / "data" / "bad"
BASE = (BAD / "good_with_bom.toml").read_text(encoding="utf-8-sig")

# (file in tests/data/bad, line or None, fragment of the message)
BAD_FILES = [
    ("empty.toml", None, "the file is empty: expected a worked example in TOML"),
    ("comments_only.toml", None, "[network] is missing: expected a table"),
    ("not_utf8.toml", "6:16", "not UTF-8 text: byte 0xe9 cannot be decoded (save the file as UTF-8)"),
    ("utf16.toml", None, "the file is UTF-16 text: save it as UTF-8"),
    ("syntax_error.toml", "6:6", "not valid TOML: Invalid value"),
    ("no_network.toml", None, "[network] is missing: expected a table"),
    ("no_cases.toml", None, "[cases] is missing: expected at least one [[cases]] table"),
    ("network_not_table.toml", 1, "[network] expected a table, found a string"),
    ("boolean_weight.toml", 6, "[parameters.w1] expected a number, found a boolean"),
    ("sizes_not_numbers.toml", 2, "[network.sizes[1]] expected a positive whole number of neurons, found 'one'"),
    ("ragged_inputs.toml", 10, "[cases[0].inputs[1]] expected a row of 2 numbers, found 1"),
    ("weights_too_wide.toml", 6, "[network.layers[0].weights[0]] expected 2 names, found 3"),
    ("layer_tables_count.toml", 5, "[network.layers] expected 1 [[network.layers]] tables, one per non-input layer"),
    ("targets_rows.toml", 11, "[cases[0].targets] expected 1 target rows, one per input row, found 2"),
    ("nan_weight.toml", 6, "[parameters.w1] expected a finite decimal number: 'nan' is not a finite number"),
    ("inf_input.toml", 10, "[cases[0].inputs[0][1]] expected a finite decimal number: 'inf' is not a finite number"),
    ("exponent_400.toml", 7, "[parameters.w2] expected a finite decimal number: '1e400' has an exponent beyond 300"),
    ("number_too_long.toml", 6, "a number has at most 100 characters, found 122"),
    ("activation_typo.toml", 4, "[network.activation] unknown activation 'sigmoidd': expected one of sigmoid, tanh, "
                                "relu, identity, leaky_relu, softplus, elu, softmax (did you mean 'sigmoid'?)"),
    ("loss_unknown.toml", 4, "[network.loss] unknown loss 'hinge': expected one of half_squared_error"),
    ("bias_mode_typo.toml", 3, "[network.bias] unknown bias mode 'per-neuron'"),
    ("bias_mode_typo.toml", 3, "(did you mean 'per_neuron'?)"),
    ("learning_rate_zero.toml", 12, "[cases[0].learning_rate] expected a positive number, found 0"),
    ("learning_rate_negative.toml", 12, "[cases[0].learning_rate] expected a positive number, found -0.5"),
    ("learning_rate_text.toml", 12, "[cases[0].learning_rate] expected a finite decimal number: 'fast' is not a "
                                    "decimal number"),
    ("cross_entropy_target.toml", 12, "[cases[0].targets[0][0]] binary_cross_entropy needs targets in [0, 1], "
                                      "found 1.5"),
    ("cross_entropy_tanh.toml", 5, "binary_cross_entropy needs outputs in (0, 1): the output layer's activation "
                                   "must be sigmoid, found tanh"),
    ("unknown_quantity.toml", 15, "[claims[0].quantity] no quantity named 'out_y2' in case case1 "
                                  "(did you mean 'out_y1'?)"),
    ("stated_not_number.toml", 16, "[claims[0].stated] expected a finite decimal number: 'about a half' is not a "
                                   "decimal number"),
    ("stated_missing.toml", 14, "[claims[0].stated] is missing: expected the number the text states"),
    ("name_with_space.toml", 4, "[network.inputs[0]] 'x 1' is not a plain name"),
    ("name_underscore.toml", 4, "[network.inputs[0]] '_x1' is not a plain name (letters, digits and _, starting "
                                "with a letter)"),
    ("name_too_long.toml", 4, "a name has at most 64 characters, found 71"),
    ("name_eta.toml", 4, "[network.inputs[0]] the name 'eta' is reserved for the learning rate"),
    # issue 15: a quantity named e silently became Euler's number in an expression
    ("name_e.toml", 4, "[network.inputs[0]] the name 'e' is reserved: in an expression e is Euler's number, exp(1)"),
    ("name_like_neuron.toml", 4, "[network.inputs[1]] the name 'y1' is also the default name of "
                                 "network.layers[0].pre[0]"),
    ("name_like_gradient.toml", 4, "[network.targets[0]] the name 'dE_dw1' is also the derivative dE/dw1"),
    ("name_like_update.toml", 4, "[network.inputs[0]] the name 'new_w1' is also the updated w1"),
    ("name_like_row.toml", 6, "the name 'x1_r2' is also row 2's x1 when cases[0] has 2 rows"),
    ("name_twice.toml", 4, "[network.inputs[1]] the name 'x1' is already used at network.inputs[0]"),
    ("case_names_twice.toml", 16, "[cases[1].name] a case named 'first' comes earlier"),
    ("section_typo.toml", 5, "[paramters] unknown key 'paramters' (did you mean 'parameters'?)"),
    ("key_typo.toml", 12, "[cases[0].learningrate] unknown key 'learningrate' (did you mean 'learning_rate'?)"),
    ("parameter_unknown.toml", 8, "[parameters.w3] 'w3' is not a parameter of the network"),
    ("parameter_missing.toml", 8, "no value for parameter 'w2' (give it in [parameters])"),
    ("scale_zero.toml", 13, "[cases[0].input_scale] cannot scale by 0"),
    ("scale_typo.toml", 13, "found 'colum_max' (did you mean 'column_max'?)"),
    ("expression_syntax.toml", 15, "[claims[0].expression] unmatched ')' at column 9 of '(2 * .6))'"),
    ("expression_unknown_name.toml", 15, "[claims[0].expression] no quantity named 'w5' in case case1"),
    ("expression_function.toml", 15, "unknown function 'softplus': expected one of"),
    ("expression_empty.toml", 15, "[claims[0].expression] is empty: expected an expression"),
    ("claim_kind_typo.toml", 15, "unknown claim kind 'valeu'"),
    ("claim_case_unknown.toml", 15, "[claims[0].case] unknown case 'second': expected one of case1"),
    ("claim_relation.toml", 17, "[claims[0].relation] unknown relation '=>'"),
    ("claim_array_name.toml", 16, "[claims[0].array] unknown array 'W3'"),
    ("claim_shape_text.toml", 17, "expected a shape such as 3x2 or (3, 1), found 'two by one'"),
    ("claim_operands_count.toml", 17, "[claims[0].operands] expected 4 names"),
    ("claim_training_check.toml", 16, "unknown training check 'loss_goes_down'"),
    ("claim_id.toml", 15, "[claims[0].id] expected an id of 1 to 64 letters"),
    ("claim_transpose_text.toml", 18, "[claims[0].transpose] expected true or false, found a string"),
    ("epochs_zero.toml", 15, "[cases[0].training.epochs] expected a number of epochs from 1 to 1,000,000, found 0"),
    ("epochs_too_many.toml", 15, "from 1 to 1,000,000, found 2,000,000"),
    ("training_mode_typo.toml", 16, "unknown mode 'minibatch': expected one of batch, online"),
    ("init_method.toml", 11, "[cases[0].init.method] unknown method 'xavier'"),
    ("init_seed.toml", 11, "[cases[0].init.seed] expected an integer seed in [0, 2^32)"),
    ("title_control_character.toml", 2, "[example.title] expected one line of text without control characters"),
    ("width_limit.toml", 2, "[network.sizes[1]] a layer has at most 100 neurons (MAX_WIDTH), found 1,000"),
    ("layers_limit.toml", 2, "(MAX_LAYERS = 10 layers besides the inputs), found 12"),
    ("parameters_limit.toml", 2, "a network has at most 25,000 weights and biases (MAX_PARAMETERS)"),
    ("training_work_limit.toml", 15, "costs 10,040,000,000 units: beyond 2,000,000,000 (MAX_TRAINING_WORK)"),
    # found by fuzz/fuzz_loader.py (each once an uncaught exception)
    ("fuzz_nested_name.toml", 6, "[network.layers[0].weights[1][1]] ' w4' is not a plain name"),
    ("fuzz_activation_list.toml", 4, "[network.activation] expected activation, one of sigmoid, tanh, relu, "
                                     "identity, leaky_relu, softplus, elu, softmax; found a list"),
    ("fuzz_loss_list.toml", 4, "[network.loss] expected loss, one of half_squared_error"),
]


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


def _assert_clear_error(code: int, out: str, err: str, name: str, line: int | str | None, fragment: str) -> None:
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.startswith("handcalc: error: "), err
    assert fragment in err, f"{fragment!r} not in:\n{err}"
    where = f"{name}:{line}:" if line is not None else f"{name}:"
    assert any(where in row and fragment in row for row in err.splitlines()), (where, err)


@pytest.mark.parametrize(("name", "line", "fragment"), BAD_FILES, ids=[f"{n}-{i}" for i, (n, _, _) in
                                                                        enumerate(BAD_FILES)])
def test_bad_file(name: str, line: int | str | None, fragment: str, capsys) -> None:
    code = main([str(BAD / name)])
    out, err = capsys.readouterr()
    _assert_clear_error(code, out, err, name, line, fragment)


def test_every_bad_file_is_in_the_table() -> None:
    listed = {name for name, _, _ in BAD_FILES}
    on_disk = {path.name for path in BAD.glob("*.toml")} - {"good_with_bom.toml", "several_problems.toml"}
    assert on_disk == listed


def test_a_byte_order_mark_is_fine(capsys) -> None:
    assert main([str(BAD / "good_with_bom.toml")]) in (0, 1)
    assert "error" not in capsys.readouterr().err


def test_every_problem_is_reported_at_once_in_file_order(capsys) -> None:
    code = main([str(BAD / "several_problems.toml")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 3, err
    assert lines[0].startswith("handcalc: error: ") and ":4: [network.activation]" in lines[0]
    assert ":7: [parameters.w1] expected a number, found a boolean" in lines[1]
    assert ":17: [claims[0].stated]" in lines[2] and "'half' is not a decimal number" in lines[2]


def test_dotted_keys_are_looked_for_in_keys_only(capsys) -> None:
    from handcalc.read.loader import load_text

    words = ".".join(f"k{i}" for i in range(40))
    text = BASE.replace("[[cases]]", f"# {words} = 1\n[[cases]]") + f'where = "{words}"\n'
    with deadline(10):
        load_text("# " + "x" * 990_000 + "\n" + BASE.lstrip("\ufeff"))
        load_text(text)  # 40 dotted parts in a comment and a string are not keys


def test_missing_and_unreadable_files(tmp_path, capsys) -> None:
    code = main(["check", str(tmp_path / "nope.toml")])
    out, err = capsys.readouterr()
    assert code == 2 and "nope.toml: no such file" in err and "Traceback" not in err
    from handcalc.read.loader import load_file
    with pytest.raises(InputError, match="cannot read the file"):
        load_file(tmp_path)  # a folder


# --- inputs too large to keep as files ---------------------------------------------------------

def _rows(count: int, width: int, value: str = "0.5") -> str:
    return "[" + ", ".join("[" + ", ".join([value] * width) + "]" for _ in range(count)) + "]"


def _generated() -> list[tuple[str, str | bytes, int | None, str]]:
    many_claims = BASE + '\n[[claims]]\nquantity = "y1"\nstated = "0"\n' * limits.MAX_CLAIMS
    many_cases = BASE.replace("[[claims]]", "[[cases]]\ninputs = [[1, 2]]\n\n" * limits.MAX_CASES + "[[claims]]")
    big_net = ("[network]\nsizes = [10, 10, 10]\nbias = \"none\"\n\n[[cases]]\n"
               f"inputs = {_rows(69, 10)}\ntargets = {_rows(69, 10)}\ninit = {{ method = \"randn\", seed = 1 }}\n")
    bad_weights = BASE.replace("w2 = -0.25", "\n".join(f"w{i} = true" for i in range(2, 80)))
    return [
        ("too_big.toml", BASE + "#" * limits.MAX_FILE_BYTES, None,
         "the file is larger than 1,000,000 bytes (MAX_FILE_BYTES)"),
        ("deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n", None, "arrays or tables nested too deeply"),
        ("huge_integer.toml", BASE.replace("w1 = 0.5", "w1 = " + "9" * 5000), 6,
         "an integer has more than 4,300 digits"),
        ("many_rows.toml", BASE.replace("inputs = [[1, 2]]", f"inputs = {_rows(limits.MAX_ROWS + 1, 2)}"), 10,
         "[cases[0].inputs] at most 1,000 rows (MAX_ROWS), found 1,001"),
        ("many_claims.toml", many_claims, None, "a file has at most 1,000 claims (MAX_CLAIMS), found 1,001"),
        ("many_cases.toml", many_cases, None, "a file has at most 50 cases (MAX_CASES), found 51"),
        ("big_derivation.toml", big_net, 6, "the hand calculation of 69 rows x (200 parameters + 20 neurons) = "
                                            "15,180 exceeds 15,000 (MAX_DERIVATION)"),
        ("long_expression.toml", BASE.replace('quantity = "out_y1"', 'expression = "' + "1+" * 250 + '1"'), 15,
         "expression is longer than 500 characters"),
        ("deep_expression.toml", BASE.replace('quantity = "out_y1"', 'expression = "' + "(" * 31 + "1" + ")" * 31
                                              + '"'), 15, "parentheses are nested deeper than 30"),
        ("long_name_key.toml", BASE.replace("w2 = -0.25", "w2 = -0.25\n" + "w" * 500 + " = 1"), 8,
         "'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww...' is not a parameter"),
        ("problem_cap.toml", bad_weights, None, "more problems"),
        # found by reading tomllib: its time grows with the square of a dotted key's parts (250 s here)
        ("long_dotted_key.toml", "[" + "a." * 400_000 + "a]\n", 1, "a dotted key has more than 32 parts"),
        ("long_inline_key.toml", "x = { " + "a . " * 40 + "a = 1 }\n", 1, "a dotted key has more than 32 parts"),
        # issue 15: a long run of letters made the dotted-key check backtrack quadratically (a 1 MB comment: hours)
        ("long_comment.toml", BASE.replace("[[cases]]", "# " + "x" * 990_000 + "\n[[cases]]").replace(
            'bias = "none"', 'bias = "nonee"'), 3, "unknown bias mode 'nonee'"),
        ("unfinished.toml", "[network]\nsizes = [2, 1]\nbias", 3, "not valid TOML: Expected '=' after a key in a "
                                                               "key/value pair at the end of the file"),
    ]


@pytest.mark.parametrize(("name", "content", "line", "fragment"), _generated(), ids=lambda v: v if isinstance(
    v, str) and v.endswith(".toml") else "")
def test_generated_bad_file(name, content, line, fragment, tmp_path, capsys) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with deadline(20):
        code = main([str(path)])
    out, err = capsys.readouterr()
    _assert_clear_error(code, out, err, name, line, fragment)


# --- --debug is the only way to a traceback -------------------------------------------------------

def test_debug_raises_instead_of_printing(capsys) -> None:
    with pytest.raises(InputError, match="sigmoidd"):
        main(["check", str(BAD / "activation_typo.toml"), "--debug"])


def test_debug_shows_a_traceback_in_a_real_process() -> None:
    path = str(BAD / "activation_typo.toml")
    plain = subprocess.run([sys.executable, "-m", "handcalc", "check", path], capture_output=True, text=True,
                           timeout=120)
    debug = subprocess.run([sys.executable, "-m", "handcalc", "check", path, "--debug"], capture_output=True,
                           text=True, timeout=120)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr and "sigmoidd" in plain.stderr
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "InputError" in debug.stderr


# --- expressions: clear errors, never a wrong number ------------------------------------------

BAD_EXPRESSIONS = [
    ("1/0", "division by zero"),
    ("1/(0.5 - .50)", "division by zero"),
    ("log(0)", "log of zero"),
    ("ln(-2)", "log of a negative number"),
    ("0^-1", "zero to a negative power"),
    ("(-8)^(1/3)", "a non-integer power (^0.333333) is computed only of a positive number, not of -8"),
    ("exp(10001)", "exp of 10001 is beyond its argument limit ±10000 (MAX_FUNCTION_ARGUMENT)"),
    ("exp(exp(exp(3)))", "exp of 5.28491e+08 is beyond its argument limit ±10000 (MAX_FUNCTION_ARGUMENT)"),
    ("2^1001", "the exponent 1001 is beyond ±1000 (MAX_POWER)"),
    ("exp(-10000)^20", "underflow: a value below 2^-200000"),
    ("1e300^1000", "would take more than 200000 bits (MAX_EXACT_BITS)"),
    ("exp(5000)^1000", "overflow"),
    ("1/exp(-10000)^20", "underflow"),
    ("(2^999)^200 * (2^999)^200", "more than 200000 bits (MAX_EXACT_BITS)"),
    ("__import__('os')", "unexpected character"),
    ("lambda: 1", "unexpected character ':'"),
    ("exp(x=1)", "unexpected character '='"),
    ("x1.__class__", "unexpected character '.'"),
    ("sigmoid(1, 2)", "takes exactly one argument"),
    ("__class__", "not allowed"),
    ("1e400", "exponent beyond 300"),
    ("nan", "unknown quantity 'nan'"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_EXPRESSIONS)
def test_bad_expression(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(fragment)):
        evaluate(parse(text))


# The extended reals (handcalc.expr.extended): log(0) is -∞; the forms with no value name themselves.
EXTENDED = [
    ("-log(0)", sympy.oo), ("log(0) + 1e100", -sympy.oo), ("-0.5*log(0)", sympy.oo), ("exp(log(0))", 0),
    ("sigmoid(-log(0))", 1), ("1/log(0)", 0), ("log(0)^3", -sympy.oo), ("log(0)^2", sympy.oo), ("1e300", 10**300),
    ("0*log(0)", "0 × ∞"), ("log(0) - log(0)", "∞ - ∞"), ("log(0)/log(0)", "∞ / ∞"), ("2^log(0)", "infinite exponent"),
    ("log(0)^0", "-∞ to the power 0"), ("log(log(0))", "log of a negative number (-∞)"), ("log(0)/0", "division by zero"),
    ("-log(0) + 2^1001", "MAX_POWER"),
]


@pytest.mark.parametrize(("text", "expected"), EXTENDED)
def test_infinity_follows_the_extended_reals_and_forms_without_value_say_so(text: str, expected) -> None:
    # by hand: -log(0) = ∞, ∞ + 1e100 = ∞, e^-∞ = 0, sigmoid(∞) = 1, 1/-∞ = 0, (-∞)^2 = ∞; 0 × ∞ has no value
    node = parse(text)
    if isinstance(expected, str):
        with pytest.raises(ExpressionError, match=re.escape(expected)):
            extended(node, {})
    else:
        assert extended(node, {}) == expected


SEED_EXPRESSIONS = [path.read_text(encoding="utf-8") for path in
                    sorted((Path(__file__).parent.parent / "fuzz" / "corpus" / "expression").glob("*"))]
ENV = {"x1": Fraction(3, 100), "w5": Fraction(11, 25), "out_h1": Fraction(1, 3), "eta": Fraction(1, 2),
       "zero": Fraction(0), "S": Fraction(-7, 3), "big": Fraction(10) ** 300}


@given(st.sampled_from(SEED_EXPRESSIONS), st.lists(st.tuples(st.integers(0, 500), st.sampled_from(
    list("()+-*/^.,eE0123456789 \t") + ["\u2212", "\u00d7", "\u00f7", "\u03c3", "**", "exp", "log(", "S(", "x1",
                                        "__", "1e400", ""])), max_size=4))
@settings(max_examples=300, deadline=None)
def test_near_valid_expressions_only_raise_expression_error(seed: str, edits) -> None:
    text = seed
    for position, piece in edits:
        position %= len(text) + 1
        text = text[:position] + piece + text[position + (piece == ""):]
    try:
        node = parse(text)
        evaluate(node, ENV, digits=30)
    except ExpressionError as error:
        assert str(error) and "\n" not in str(error)


SAME_VALUE = [
    ["S(x1)", "σ(x1)", "sigmoid(x1)", "1/(1 + e^-x1)", "1 / ( 1 + exp( − x1 ) )", "1÷(1+e^(−x1))"],
    ["e^-out_h1", "exp(-out_h1)", "e ^ − out_h1", "exp(\u2212out_h1)", "e**-out_h1"],
    ["2*w5 - eta", "2 × w5 − eta", "2·w5 – eta", "2\u22c5w5-eta", "(2)*(w5)-(eta)"],
    ["ln(w5)/2", "log(w5) ÷ 2", "log ( w5 ) / 2", "0.5 * ln(w5)"],
    ["tanh(x1)^2", "tanh(x1)**2", "tanh( x1 ) ^ 2", "tanh(x1)*tanh(x1)"],
]


@pytest.mark.parametrize("variants", SAME_VALUE, ids=[v[0] for v in SAME_VALUE])
def test_spacing_and_unicode_operators_do_not_change_the_value(variants: list[str]) -> None:
    values = [evaluate(parse(text), ENV, digits=40) for text in variants]
    for text, value in zip(variants, values):
        assert abs(value - values[0]) <= abs(values[0]) * sympy.Rational(1, 10**35), (text, value, values[0])


@given(st.sampled_from([text for group in SAME_VALUE for text in group]),
       st.lists(st.sampled_from([" ", "\t", "\u00a0", "\u2003", "  "]), min_size=1, max_size=6), st.randoms())
@settings(max_examples=150, deadline=None)
def test_whitespace_anywhere_between_tokens_is_ignored(text: str, spaces: list[str], rng) -> None:
    from handcalc.expr.tokens import tokens as split  # the token boundaries of the text
    tokens = list({token.column: token.written for token in split(text)}.values())
    spaced = "".join(token + (rng.choice(spaces) if rng.random() < 0.5 else "") for token in tokens)
    assert evaluate(parse(spaced), ENV, digits=40) == evaluate(parse(text), ENV, digits=40)
