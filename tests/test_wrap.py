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
