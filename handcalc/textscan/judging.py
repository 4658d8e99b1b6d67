"""Scan, step 3: judge every statement of a text, following numbers from line to line.

Each statement is computed twice.  As written: every number as the text
writes it, every name with the number the text stated for it.  Exactly: every
number that restates an earlier result (the same digits, or those digits
rounded or truncated: `.9994` for `0.999499799`), and every name an earlier
statement assigned, replaced by that statement's exact value.  Then, as for the
claims of a worked example (`handcalc.judge`), in this order:

1. the stated number is the exact value rounded to its digits: `correct`;
2. it is what the arithmetic as written gives, and the written numbers that
   differ from the exact ones go back to wrong statements: `propagated`,
   naming those roots; or only to rounded ones: `rounding`;
3. it is the exact value truncated: `rounding`;
4. a symbol has no value in the text: `unchecked`, saying which;
5. otherwise `wrong`, with the right value and the slips (`handcalc.judge.slips`)
   that reproduce the stated number.

A text that substitutes a negative value into a power writes `1 − −0.4219²` for
`1 − h3²` with h3 = −0.4219: as written that is 1 + 0.4219², by the usual
precedence.  A statement that is wrong as written is judged again with every
such sign after an operator read as part of the number, `(−0.4219)²`; if that
reading holds, its verdict stands, saying how the power was read.  A member
that begins with the sign (`−3² = 9`) is always read as written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import sympy

from ..records import record
from ..expr import expression as ex
from ..expr.extended import INFINITIES, extended_value, value_or_reason
from ..judge.rules import no_value_verdict
from ..judge.slips import SlipSearch, expression_candidates, find_slips
from ..judge.verdicts import Verdict, consistent, same_infinity, short_value, truncates_to, within_stated_digits
from ..model import Claim, ValueClaim
from ..numbers import NumberError, is_infinite_text, last_digit_exponent, parse_rational, round_to_exponent
from .statements import Found, Member

__all__ = ["Binding", "Checked", "Judge"]

REFERENCE_WINDOW = 200  # earlier results an operand may restate (most recent first)


@record
class Binding:
    """A name's value in the text: given plainly (w5 = 0.40) or assigned by a statement."""

    name: str
    text: str
    written: sympy.Expr
    exact: sympy.Expr
    line: int
    statement: str | None = None  # the id of the statement that assigned it


@record
class Checked:
    """One statement of the text with its verdict and where it stands."""

    id: str
    line: int
    column: int
    text: str  # the chain as written
    name: str | None
    expression: str | None  # the member judged, in explicit form
    verdict: Verdict
    references: tuple[str, ...] = ()  # ids of the earlier statements whose numbers it uses

    @property
    def exact(self) -> sympy.Expr | None:
        """Return the statement's exact value, when known."""
        return self.verdict.computed


def _significant(text: str) -> int:
    return len(text.lower().split("e")[0].replace(".", "").replace("-", "").lstrip("0"))


class Judge:
    """Judges a text's statements in order, remembering names and results for later ones."""

    def __init__(self, numbers: Mapping[int, tuple[str, ...]] | None = None) -> None:
        self.bindings: dict[str, Binding] = {}
        self.results: list[Checked] = []
        self.by_value: dict[sympy.Rational, Checked] = {}
        self.numbers = numbers or {}  # line -> numbers written on it, for the slip search

    # -- what a number or a name stands for ------------------------------------------------

    def _restates(self, text: str) -> Checked | None:
        """The most recent earlier result that a written operand restates, if any."""
        if "." not in text or _significant(text) < 2 or len(text) > 40 or _unreadable(text):
            return None
        value = parse_rational(text)
        same = self.by_value.get(value)
        if same is not None:
            return same
        if _significant(text) < 3:
            return None
        exponent = last_digit_exponent(text)
        for result in reversed(self.results[-REFERENCE_WINDOW:]):
            stated = result.verdict.claim.stated
            if not is_infinite_text(stated) and last_digit_exponent(stated) < exponent and (
                    parse_rational(round_to_exponent(parse_rational(stated), exponent)) == value
                    or truncates_to(parse_rational(stated), text)):
                return result
        return None

    def _exact_tree(self, node: ex.Node, env: dict[str, sympy.Expr], used: list[tuple[str, Checked]]) -> ex.Node:
        """The tree with each restated number replaced by a name bound to its result's exact value."""
        negative = isinstance(node, ex.Unary) and node.op == "-" and isinstance(node.operand, ex.Number)
        if isinstance(node, ex.Number) or negative:
            text = "-" + node.operand.text if negative else node.text
            result = self._restates(text)
            if result is None or result.exact is None:
                return node if not negative else replace(node, operand=self._exact_tree(node.operand, env, used))
            key = f"_restated_{len(env)}"
            env[key] = result.exact
            used.append((text, result))
            return ex.Name(key)
        if isinstance(node, ex.Name) and node.id in self.bindings:
            binding = self.bindings[node.id]
            if binding.statement is not None:
                used.append((node.id, self._result(binding.statement)))
            return node
        if isinstance(node, ex.Unary):
            return replace(node, operand=self._exact_tree(node.operand, env, used))
        if isinstance(node, ex.Call):
            return replace(node, arg=self._exact_tree(node.arg, env, used))
        if isinstance(node, ex.Binary):
            return replace(node, left=self._exact_tree(node.left, env, used),
                           right=self._exact_tree(node.right, env, used))
        return node

    def _result(self, id_: str) -> Checked:
        return next(r for r in reversed(self.results) if r.id == id_)

    # -- judging ---------------------------------------------------------------------------

    def judge(self, found: Found, id_: str, line: int, column: int, text: str) -> Checked:
        """Judge one statement and remember its result (and the name it assigns)."""
        unreadable = _unreadable(found.stated)  # 1e400: beyond the numbers a text may write (MAX_EXPONENT)
        if unreadable:
            claim = ValueClaim(id=id_, stated=found.stated, where=f"line {line}: {text}", case="text", quantity=found.name)
            verdict = Verdict(claim, None, "unchecked", unreadable)
            expression = ex.to_text(found.members[-1].node)
            return self._remember(found, Checked(id_, line, column, text, found.name, expression, verdict))
        checked = self._judged(found, id_, line, column, text)
        substituted, readings = _signed_powers(found) if checked.verdict.verdict == "wrong" else (None, [])
        if substituted is not None:
            again = self._judged(substituted, id_, line, column, text)
            if again.verdict.verdict in ("correct", "rounding", "propagated"):
                note = "; ".join(f"{written} is read as {read}, the power of the negative number substituted (by the "
                                 f"usual precedence it is -({written[1:]}))" for written, read in readings)
                explanation = f"{again.verdict.explanation}; {note}" if again.verdict.explanation else note
                checked = replace(again, verdict=replace(again.verdict, explanation=explanation))
        return self._remember(found, checked)

    def again(self, old: Checked, found: Found, id_: str, line: int, column: int, text: str) -> Checked:
        """Judge a statement again (its line gave a value it lacked after it), in place of its first verdict."""
        self.results.remove(old)
        return self.judge(found, id_, line, column, text)

    def _judged(self, found: Found, id_: str, line: int, column: int, text: str) -> Checked:
        """One statement's verdict, from what the text has said before it."""
        members = [m for m in found.members if not (m is found.members[0] and found.name)]
        written_env = {n: b.written for n, b in self.bindings.items()}
        computable = [m for m in members if ex.names(m.node) <= written_env.keys()]
        claim = ValueClaim(id=id_, stated=found.stated, where=f"line {line}: {text}", case="text", quantity=found.name,
                           expression=ex.to_text(computable[-1].node) if computable else None)
        if not computable:
            missing = sorted(set().union(*(ex.names(m.node) for m in members)) - written_env.keys())
            verdict = Verdict(claim, None, "unchecked", f"no value in the text for {', '.join(missing)}")
            return Checked(id_, line, column, text, found.name, ex.to_text(members[-1].node), verdict)
        used: list[tuple[str, Checked]] = []
        exact_env = {n: b.exact for n, b in self.bindings.items()}
        first, last = computable[0], computable[-1]
        exact, no_value = value_or_reason(self._exact_tree(first.node, exact_env, used), exact_env)
        if last is not first:
            self._exact_tree(last.node, dict(exact_env), used)
        as_written = extended_value(last.node, written_env)
        if exact is None:
            verdict = no_value_verdict(claim, first.text, no_value)
        else:
            verdict = self._verdict(claim, found, first, last, exact, as_written, used, written_env)
        references = tuple(dict.fromkeys(r.id for _, r in used))
        return Checked(id_, line, column, text, found.name, ex.to_text(last.node), verdict, references)

    def _verdict(self, claim: Claim, found: Found, first: Member, last: Member, exact: sympy.Expr,
                 as_written: sympy.Expr | None, used: list[tuple[str, Checked]],
                 written_env: Mapping[str, sympy.Expr]) -> Verdict:
        stated, what = found.stated, found.name or last.text
        infinite = exact in INFINITIES
        if infinite or is_infinite_text(stated):  # log 0 written as ∞, as a hand calculation does
            if same_infinity(stated, exact):
                return Verdict(claim, exact, "correct", None, as_written)
            if not infinite:
                return Verdict(claim, exact, "wrong", f"{what} is finite: {short_value(exact, 15)}, not {stated}", as_written)
            return Verdict(claim, exact, "wrong", f"{what} is {short_value(exact)} (it takes the log of 0), not {stated}",
                           as_written)
        if within_stated_digits(stated, exact):
            return Verdict(claim, exact, "correct", None, as_written)
        off = [(text, r) for text, r in used if r.verdict.verdict != "correct" or r.exact != parse_rational(
            r.verdict.claim.stated)]
        roots = self._roots([r for _, r in off])
        numbers = ", ".join(f"{t} (line {r.line})" for t, r in dict((t, r) for t, r in off).items())
        if consistent(stated, as_written) and off:
            how = f"{stated} is right as arithmetic, but it uses the text's own"
            if roots:
                plural = "s" if len(roots) > 1 else ""
                return Verdict(claim, exact, "propagated", f"{what} is {short_value(exact)}; {how} {numbers}; the error "
                               f"goes back to the wrong statement{plural} {', '.join(roots)}", as_written, roots)
            return Verdict(claim, exact, "rounding", f"{what} is {short_value(exact)}; {how} rounded {numbers}", as_written)
        if truncates_to(exact, stated):
            return Verdict(claim, exact, "rounding", f"{what} is {short_value(exact)}: {stated} is that value truncated, "
                           "not rounded", as_written)
        return self._wrong(claim, found, last, exact, as_written, roots, written_env)

    def _wrong(self, claim: Claim, found: Found, last: Member, exact: sympy.Expr, as_written: sympy.Expr | None,
               roots: tuple[str, ...], written_env: Mapping[str, sympy.Expr]) -> Verdict:
        what = found.name or last.text
        explanation = f"{what} is {short_value(exact, 15)}, not {found.stated}"
        if roots:
            explanation += f"; it also builds on the wrong statement{'s' if len(roots) > 1 else ''} {', '.join(roots)}"
        if as_written is not None and consistent(found.stated, as_written):
            explanation += f"; {last.text} gives {found.stated}, but the numbers substituted do not match " \
                           f"{found.members[int(bool(found.name))].text}"
        elif as_written is not None and as_written != exact:
            explanation += f"; the arithmetic as written gives {short_value(as_written)}"
        line = int(claim.where.split(":")[0].removeprefix("line "))
        search = SlipSearch(())
        for reach in (3, 30):  # numbers on the lines nearest first: a slip takes what is at hand
            nearby = self._nearby(line, reach)
            search = find_slips(found.stated, expression_candidates(last.node, written_env, nearby, found.stated),
                                claim=claim.id)
            if search.slips or search.stopped:
                break
        return Verdict(claim, exact, "wrong", explanation + search.explanation(), as_written, (), search.slips)

    def _nearby(self, line: int, reach: int, most: int = 24) -> dict[str, str]:
        """Numbers written within `reach` lines of a line, nearest first: what a slip could have taken."""
        found: dict[str, str] = {}
        for number_line in sorted(self.numbers, key=lambda n: abs(n - line)):
            if abs(number_line - line) > reach:
                break
            for text in self.numbers[number_line]:
                if text not in found and len(found) < most:
                    found[text] = f"the number on line {number_line}"
        return found

    @staticmethod
    def _roots(results: list[Checked]) -> tuple[str, ...]:
        roots: list[str] = []
        for result in results:
            if result.verdict.verdict == "wrong":
                roots.append(result.id)
            elif result.verdict.verdict == "propagated":
                roots.extend(result.verdict.roots)
        return tuple(dict.fromkeys(roots))

    def _remember(self, found: Found, checked: Checked) -> Checked:
        self.results.append(checked)
        if is_infinite_text(found.stated) or _unreadable(found.stated):
            return checked
        if checked.exact is not None:
            self.by_value[parse_rational(found.stated)] = checked
        if found.name:
            written = parse_rational(found.stated)
            exact = checked.exact if checked.exact not in (None, *INFINITIES) else written
            self.bindings[found.name] = Binding(found.name, found.stated, written, exact, checked.line, checked.id)
        return checked

    def value(self, found: Found, line: int) -> Binding | None:
        """Remember a value the text gives plainly (w5 = 0.40); an infinity is no value to compute with."""
        if is_infinite_text(found.stated) or _unreadable(found.stated):
            return None
        value = parse_rational(found.stated)
        binding = Binding(found.name or "", found.stated, value, value, line)
        self.bindings[binding.name] = binding
        return binding


def _unreadable(stated: str) -> str | None:
    """Why a stated number cannot be read (an exponent beyond MAX_EXPONENT: 1e400), or None when it can."""
    if is_infinite_text(stated):
        return None
    try:
        parse_rational(stated)
    except NumberError as error:
        return str(error)
    return None


def _signed_powers(found: Found) -> tuple[Found | None, list[tuple[str, str]]]:
    """`found` with each `-a^n` that follows an operator read as `(-a)^n`, and those readings (as written, as
    read); None when it has none."""
    readings: list[tuple[str, str]] = []

    def read(node: ex.Node, after_operator: bool) -> ex.Node:
        if (after_operator and isinstance(node, ex.Unary) and node.op == "-" and isinstance(node.operand, ex.Binary)
                and node.operand.op == "^" and isinstance(node.operand.left, ex.Number)):
            power = replace(node.operand, left=replace(node, operand=node.operand.left))
            readings.append((ex.to_text(node), ex.to_text(power)))
            return power
        if isinstance(node, ex.Binary):
            return replace(node, left=read(node.left, False), right=read(node.right, True))
        if isinstance(node, ex.Unary):
            return replace(node, operand=read(node.operand, False))
        if isinstance(node, ex.Call):
            return replace(node, arg=read(node.arg, False))
        return node

    members = tuple(replace(m, node=read(m.node, False)) for m in found.members)
    return (replace(found, members=members) if readings else None), list(dict.fromkeys(readings))
