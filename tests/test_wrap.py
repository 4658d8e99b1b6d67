"""Fast paths of the report writers against the loops they replaced: `terminal.wrap`, `formats.markdown_escape`."""

from __future__ import annotations

import random

from handcalc.output.terminal import _wrapped, wrap

# spaces of every kind the loop's regular expression and str.strip might disagree on, and wrap's break marks
ALPHABET = "ab1.-_()" + "*,;" + " \t\xa0\u2003\u2028\x85\x1c\x1f\u200b\ufeff"


def test_a_line_that_fits_is_wrapped_as_the_loop_wraps_it() -> None:
    rng = random.Random(17)
    for _ in range(20000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30)))
        width = rng.randint(max(1, len(text) - 3), len(text) + 3)
        assert wrap(text, width) == _wrapped(text, width), (text, width)


def test_wrapping_by_hand() -> None:
    assert wrap("  x1*w1 + x2*w2  ", 20) == ["x1*w1 + x2*w2"]
    assert wrap("x1*w1 + x2*w2", 8) == ["x1*w1 +", "x2*w2"]
    assert wrap("a\nb", 10) == ["a", "b"]
    assert wrap("", 10) == [""]


def test_markdown_escape_is_the_regular_expression_it_replaced() -> None:
    # the reference: a backslash before each special character, by regular expression, newlines as spaces
    import re

    from handcalc.output.formats import markdown_escape

    special = re.compile(r"([\\`*_{}\[\]<>|~$&#!])")
    rng = random.Random(23)
    for _ in range(20000):
        text = "".join(rng.choice("\\`*_{}[]<>|~$&#!ab1 \n^-") for _ in range(rng.randint(0, 20)))
        assert markdown_escape(text) == special.sub(r"\\\1", text).replace("\n", " "), text
    assert markdown_escape("dE_dw5 *x*\n|") == "dE\\_dw5 \\*x\\* \\|"


def test_github_tables_are_the_tables_tabulate_writes() -> None:
    from tabulate import tabulate

    from handcalc.output.formats import github_table

    pieces = ["", " ", "a", "dE\\_dw5", "0.25", "True", "None", "  x  ", "`a*b`", "σ", "∞", "\t", "\x01",
              "\r", "a\nb", "\x1b[31mw\x1b[0m", "12345678901234567890", "-"]
    rng = random.Random(29)
    for trial in range(4000):  # half of them with no piece that sends the table to tabulate itself
        chosen = pieces if trial % 2 else [p for p in pieces if not any(m in p for m in "\x1b\r\n\x01")]
        columns = rng.randint(1, 5)
        headers = ["".join(rng.choice(chosen) for _ in range(rng.randint(0, 2))) for _ in range(columns)]
        body = [["".join(rng.choice(chosen) for _ in range(rng.randint(0, 3))) for _ in range(columns)]
                for _ in range(rng.randint(0, 4))]
        assert github_table(headers, body) == tabulate(body, headers=headers, tablefmt="github",
                                                       disable_numparse=True), (headers, body)
    assert github_table(["h", "x"], [["a", "bb"], ["ccc", ""]]) == (  # by hand: at least two spaces past a header
        "| h   | x   |\n|-----|-----|\n| a   | bb  |\n| ccc |     |")
