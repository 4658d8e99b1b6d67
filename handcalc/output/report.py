"""Report: a worked example's results as a document of headings, text, tables and equations.

Place in the flow: the last stage.  `check` gives a `Result`; `build` turns it
into `document` blocks whose rows read like a hand calculation (quantity,
formula, the numbers substituted, the value, what the text states, the
verdict), each number and name written by `typeset`; `render` writes the same
blocks as text, Markdown, LaTeX or HTML, so every format shows the same thing.
"""

from __future__ import annotations

import math
import re
from typing import Any

import sympy

from ..budget import charge
from ..heap import collector_paused
from ..judge.results import CaseResult, Result
from ..floats.crosscheck import FINITE_DIFFERENCE_TOLERANCE, NUMPY_TOLERANCE
from ..exact.derivation import Step
from ..naming import LEARNING_RATE, PENALTY, WEIGHT_DECAY, simplified
from ..exact.values import WORKING_DIGITS
from ..model import Case, Init, Network, Procedure, ValueClaim
from ..numbers import to_decimal_text
from ..judge.verdicts import Verdict
from .document import (CLAIM_HEADERS, CODE, NUMBER, VERDICT, Block, Cell, Equation, Heading, Paragraph, Row,
                       Table)
from .render import Options, render_document
from .stated import stated_text
from .typeset import (SCIENTIFIC_BELOW, SCIENTIFIC_FROM, float_text, latex_formula, latex_name, latex_number,
                      number_text)

__all__ = ["build", "render", "case_tables", "training_tables", "stated_text", "number_text", "chain_equations",
           "SCIENTIFIC_BELOW", "SCIENTIFIC_FROM"]

SUBSTITUTED_DIGITS = 10
VALUE_DIGITS = 12
ROW_COST = 150  # work units of typesetting one step's formula and substitution (HTML and LaTeX take the longest)


def _substitution_numbers(case: CaseResult) -> dict[str, str]:
    """Numbers to put in a formula: the file's own text for given values, else 10 digits."""
    numbers: dict[str, str] = {}
    given = set(case.derivation.given)
    texts = case.case.texts
    for name, value in case.values.items():
        text = texts[name] if name in given else number_text(value, SUBSTITUTED_DIGITS)
        numbers[name] = f"({text})" if text.startswith("-") else text
    return numbers


def _ordered(steps: list[Step]) -> list[Step]:
    """Order a backward section so each gradient follows the factors it is built from."""
    by_name = {step.name: step for step in steps}
    shown: dict[str, Step] = {}

    def visit(step: Step) -> None:
        if step.name in shown:
            return
        for name in sorted(step.inputs, key=lambda n: step.template.find("{" + n + "}")):
            if name in by_name:
                visit(by_name[name])
        shown[step.name] = step
        if simplified(step.name) in by_name:  # softmax + cross-entropy: the short form right after the long
            visit(by_name[simplified(step.name)])

    for step in steps:
        if step.name.startswith("dE_d") and step.row is None:
            visit(step)
    for step in steps:
        visit(step)
    return list(shown.values())


def case_tables(case: CaseResult, numbers: dict[str, str] | None = None) -> list[Table]:
    """Return the sections of one case's worked solution, in the order a learner reads them.

    `numbers` are the case's `_substitution_numbers` when the caller has them already."""
    numbers = _substitution_numbers(case) if numbers is None else numbers
    claims: dict[str, list[Verdict]] = {}
    for verdict in case.verdicts:
        claims.setdefault(verdict.claim.quantity, []).append(verdict)
    sections: dict[str, list[Step]] = {}
    for step in case.derivation.steps:
        sections.setdefault(step.section, []).append(step)
    tables = []
    for title, steps in sections.items():
        if title.startswith("backward"):
            steps = _ordered(steps)
        rows = [_step_row(step, case, numbers, claims.get(step.name, [])) for step in steps]
        tables.append(Table(title[0].upper() + title[1:], tuple(rows)))
    return tables


def _step_row(step: Step, case: CaseResult, numbers: dict[str, str], stated: list[Verdict]) -> Row:
    """One line of the worked solution; formula and numbers are typeset by SymPy when a format asks."""
    charge(ROW_COST, "the report", f"case {case.case.name}")
    values = [v for v in stated if isinstance(v.claim, ValueClaim)] if stated else stated
    digits = max([VALUE_DIGITS] + [len(v.claim.stated) for v in stated]) if stated else VALUE_DIGITS
    value = number_text(case.values[step.name], digits)
    verdicts = tuple(dict.fromkeys(v.verdict for v in values))
    return Row(
        step.name,
        Cell(step.formula, CODE, lambda: _step_latex(step, numbers, latex_name)),
        Cell(step.substituted(numbers), CODE, lambda: _step_latex(step, numbers, lambda n: latex_number(numbers[n]))),
        Cell(value, NUMBER, lambda: latex_number(value)),
        Cell("; ".join(dict.fromkeys(v.claim.stated for v in values)), CODE) if values else _NOT_STATED,
        Cell("; ".join(verdicts), VERDICT, None, verdicts) if values else _NO_VERDICT,  # (in order: quickest)
    )


# the cells of a step no claim states (most of a large network's): records are immutable, so one of each serves
_NOT_STATED, _NO_VERDICT = Cell("", CODE), Cell("", VERDICT, None, ())


def _step_latex(step: Step, numbers: dict[str, str], write: Any) -> str:
    """The step's formula as LaTeX, each of its own names written by `write` (every name of the case for
    every step was quadratic: 7 s for a 200-weight network's LaTeX report)."""
    return latex_formula(step.expr, {s.name: write(s.name) for s in step.expr.free_symbols if s.name in numbers})


def chain_equations(case: CaseResult, numbers: dict[str, str] | None = None) -> list[Equation]:
    """The chain rule for every gradient, typeset: dE/dw5 = its factors = their numbers = the value."""
    equations = []
    numbers = _substitution_numbers(case) if numbers is None else numbers
    given = set(case.derivation.given)
    parameters = set(case.derivation.network.parameters)
    for step in case.derivation.steps:
        if not step.name.startswith("dE_d") or step.name[4:] not in parameters:
            continue
        value = _substituted_value(step.name, case, numbers, given)
        equations.append(Equation(f"{step.name} = {step.formula} = {step.substituted(numbers)} = {value}",
                                  lambda step=step, value=value: _chain_latex(step, numbers, value)))
    return equations


def _chain_latex(step: Step, numbers: dict[str, str], value: str) -> str:
    """A gradient's chain rule as LaTeX, made when a format shows it (text and HTML never do)."""
    names = re.findall(r"\{(\w+)\}", step.template)
    symbolic = step.template.replace("*", r" \cdot ").format_map({n: latex_name(n) for n in names})
    # only the step's own names: every number of the case for every gradient was quadratic
    numeric = step.template.replace("*", r" \cdot ").format_map({n: latex_number(numbers[n]) for n in names})
    return f"{latex_name(step.name)} = {symbolic} = {numeric} = {latex_number(value)}"


def _substituted_value(name: str, case: CaseResult, numbers: dict[str, str], given: set[str]) -> str:
    """A computed value's text at SUBSTITUTED_DIGITS: its substitution number, without a negative's parentheses."""
    if name in given:
        return number_text(case.values[name], SUBSTITUTED_DIGITS)
    text = numbers[name]
    return text[1:-1] if text.startswith("(") else text


def _case_heading(case: CaseResult, network: Network) -> str:
    data = case.case
    parts = []
    several = len(data.rows) > 1
    for r in range(len(data.rows)):
        suffix = f"_r{r + 1}" if several else ""
        label = f"row {r + 1}: " if several else ""
        inputs = ", ".join(f"{n} = {data.texts[n + suffix]}" for n in network.inputs)
        outs = ", ".join(f"{n} = {data.texts[n + suffix]}" for n in network.targets if n + suffix in data.texts)
        parts.append(f"{label}{inputs}" + (f"; targets {outs}" if outs else ""))
    decay = f"; {WEIGHT_DECAY} = {data.texts[WEIGHT_DECAY]}" if WEIGHT_DECAY in data.texts else ""
    return f"Case {data.name}: " + " | ".join(parts) + f"; {LEARNING_RATE} = {data.texts[LEARNING_RATE]}" + decay


def _cross_check_lines(case: CaseResult) -> list[str]:
    check = case.cross_check
    status = "agree" if check.ok else "DISAGREE"
    return [
        f"NumPy vectorized path: largest relative difference {check.numpy_max_rel_diff:.1e} "
        f"(at {check.numpy_worst}, over {check.compared} values; tolerance {NUMPY_TOLERANCE:.0e})",
        f"Central finite differences: largest relative difference {check.finite_difference_max_rel_diff:.1e} "
        f"({'at ' + check.finite_difference_worst if check.finite_difference_worst else 'no gradient compared'}; "
        f"tolerance {FINITE_DIFFERENCE_TOLERANCE:.0e})",
        f"Cross-checks {status} with the exact values.",
    ] + list(check.notes)


_MODE_TEXT = {"batch": "full batch (one update per epoch from all rows)",
              "online": "online (one update per row, rows in order)"}


def training_lines(case: CaseResult, network: Network) -> list[str]:
    """Sentences that describe a replay: the procedure, the initial weights, the float error."""
    training = case.training
    proc, data = training.procedure, case.case
    lines = [
        f"Procedure: {proc.epochs} epochs, {_MODE_TEXT[proc.mode]}, gradient of {proc.gradient_loss or network.loss}, "
        f"{LEARNING_RATE} = {data.texts[LEARNING_RATE]}, biases {'updated' if proc.update_biases else 'held fixed'}, "
        + (f"hidden deltas use the next layer's weights {proc.hidden_deltas.replace('_', ' ')}, "
           if len(network.layers) > 1 else "")
        + f"forward pass {proc.forward.replace('_', ' ')}{_rule_text(proc, data)}; loss shown: "
        f"{proc.monitor or network.loss}{f' + {PENALTY}' if proc.coupled_decay else ''}.",
        f"Initial weights: {_initial_text(data)}.",
        f"Float64 against a 40-digit replay of the first {training.exact_epochs} epochs: " + (
            f"largest relative difference of the weights {training.float_vs_exact:.1e}."
            if math.isfinite(training.float_vs_exact) else
            "float64 overflowed (inf or nan) where the 40-digit replay did not."),
    ]
    return lines


def _rule_text(proc: Procedure, data: Case) -> str:
    """The update rule beyond plain SGD: momentum (Nesterov's or classical), weight decay and its form."""
    parts = []
    if proc.momentum:
        parts.append(f"{'Nesterov' if proc.nesterov else 'classical'} momentum {to_decimal_text(proc.momentum, 12)}")
    if proc.weight_decay:
        form = "in the loss" if proc.coupled_decay else "decoupled"
        parts.append(f"L2 weight decay {WEIGHT_DECAY} = {data.texts.get(WEIGHT_DECAY, proc.weight_decay)} ({form}, "
                     f"{'weights and biases' if proc.decay_biases else 'weights only'})")
    return "".join(f", {part}" for part in parts)


def _initial_text(data: Case) -> str:
    init = data.init
    if init is None:
        return "as given in the file"
    how = "2*random(shape) - 1" if init.method == "uniform_pm1" else "randn(*shape)"
    if data.reproducible:
        return f"drawn as np.random.seed({init.seed}); {how}, bit for bit"
    return (f"the tutorial draws them with {how} and no seed, so its numbers cannot be reproduced; "
            f"this replay uses the documented seed {init.replay_seed}")


def training_tables(case: CaseResult, network: Network) -> list[Table]:
    """The loss history, the outputs after training and the final weights, as tables."""
    replay, proc = case.training.replay, case.training.procedure
    outputs = network.layers[-1].post
    history = Table("Loss during training", tuple((str(epoch), float_text(loss, 10)) for epoch, loss in replay.history),
                    ("epoch", f"loss ({proc.monitor or network.loss})"), 4)
    after = "the loop's last forward pass" if proc.outputs == "last_forward" else "the final weights"
    rows = [(f"row {r + 1}", _fractions(case.case.rows[r]),
             ", ".join(f"{o} = {float(replay.outputs[r, k]):.8f}" for k, o in enumerate(outputs)),
             _fractions(case.case.targets[r])) for r in range(len(case.case.rows))]
    tables = [history, Table(f"Outputs after training (from {after})", tuple(rows),
                             ("row", "inputs", "outputs", "targets"), 4)]
    tables.append(Table("Final weights", tuple((name, float_text(value, 12)) for name, value in replay.weights.items()),
                        ("parameter", "value"), 4))
    if replay.prediction is not None:
        tables.append(Table("Prediction for new inputs (scaled as the training inputs)", tuple(
            (f"new {r + 1}", _fractions(row),
             ", ".join(f"{o} = {float(replay.prediction[r, k]):.8f}" for k, o in enumerate(outputs)))
            for r, row in enumerate(proc.predict)), ("row", "inputs", "outputs"), 4))
    return tables


def _fractions(values: Any) -> str:
    return ", ".join(to_decimal_text(sympy.Rational(v.numerator, v.denominator), 8) for v in values)


def _no_derivation(case: CaseResult) -> str:
    if case.case.init is not None and not case.case.has_parameters:
        return ("No hand calculation: the tutorial's code draws this case's weights at random "
                f"({_init_text(case.case.init)}); only claims about its data are judged.")
    return "No hand calculation: this case gives inputs only (no targets); only claims about its data are judged."


def _init_text(init: Init) -> str:
    seeds = [f"{name} {value}" for name, value in (("seed", init.seed), ("replay_seed", init.replay_seed)) if value is not None]
    return ", ".join([f"method {init.method}", *(seeds or ["no seed"]), f"layout {init.layout}"])


def _computed_text(verdict: Verdict) -> str:
    value = verdict.computed
    if value is None:
        return ""
    if value in (sympy.oo, -sympy.oo):
        return "∞" if value > 0 else "-∞"
    return number_text(value, 15)


def _claim_rows(result: Result) -> list[tuple[Cell, ...]]:
    """One row per claim: the stated text whole (it wraps, never cut), the computed value, the verdict."""
    rows = []
    for verdict in result.verdicts:
        computed = _computed_text(verdict)
        rows.append((Cell(verdict.claim.id), Cell(stated_text(verdict), CODE),
                     Cell(computed, NUMBER, lambda text=computed: latex_number(text)),
                     Cell(verdict.verdict, VERDICT, None, (verdict.verdict,)),
                     Cell(verdict.explanation or ""), Cell(verdict.claim.where)))
    return rows


def _summary_lines(result: Result) -> list[str]:
    summary = result.summary
    total = sum(summary.values())
    parts = ", ".join(f"{count} {name}" for name, count in summary.items() if count or name != "unchecked")
    lines = []
    verdicts = result.verdicts
    for root in (v for v in verdicts if v.verdict == "wrong"):
        following = [v.claim.id for v in verdicts if root.claim.id in v.roots]
        line = f"{root.claim.id} ({stated_text(root)}): {root.explanation}"
        if following:
            line += f". Follows from it: {', '.join(following)}"
        lines.append(line)
    lines.append(f"{total} claim{'' if total == 1 else 's'}: {parts}.")
    return lines


@collector_paused  # see `render_document`
def build(result: Result) -> list[Block]:
    """Return the whole report as a document: the same blocks for every format."""
    example = result.example
    blocks: list[Block] = [Heading(1, f"{example.name}: {example.title}" if example.title else example.name)]
    if example.source:
        blocks.append(Paragraph(f"Source: {example.source}"))
    for case in result.cases:
        network = example.network_of(case.case)
        blocks.append(Heading(2, _case_heading(case, network)))
        if case.case.title:
            blocks.append(Paragraph(case.case.title[0].upper() + case.case.title[1:] + "."))
        if case.derivation is None:
            blocks.append(Paragraph(_no_derivation(case)))
        elif case.training is None:
            equations, numbers = None, _substitution_numbers(case)
            for table in case_tables(case, numbers):
                blocks.append(table)
                if table.title.startswith("Backward"):
                    blocks += _simplification_note(case, table)
                    equations = chain_equations(case, numbers) if equations is None else equations
                    names = {row.quantity for row in table.rows}
                    blocks += [e for e in equations if _in_section(e, names)]
        if case.cross_check is not None:
            blocks += [Heading(3, "Cross-checks"), Paragraph("", tuple(_cross_check_lines(case)))]
        if case.training is not None:
            blocks += [Heading(3, "Training replay"), Paragraph("", tuple(training_lines(case, network)))]
            blocks += training_tables(case, network)
    blocks.append(Table("Claims", tuple(_claim_rows(result)), CLAIM_HEADERS, 2))
    lines = _summary_lines(result)
    blocks.append(Heading(2, "Summary"))
    if len(lines) > 1:
        blocks.append(Paragraph("Root errors, each with what follows from it:", tuple(lines[:-1])))
    blocks.append(Paragraph(lines[-1]))
    return blocks


def _simplification_note(case: CaseResult, table: Table) -> list[Block]:
    """Softmax + cross-entropy: say that the long-form deltas simplify to (out - T)/rows, and how well they agree."""
    pairs = [(row.quantity[:-len("_simplified")], row.quantity) for row in table.rows
             if row.quantity.endswith("_simplified")]
    if not pairs:
        return []
    largest = max(abs(case.values[long] - case.values[short]) for long, short in pairs)
    # the long form is a sum of 60-digit products: it may differ from the short one in its last digits only
    agreement = "exactly" if largest == 0 else f"to the {WORKING_DIGITS} digits carried (difference {largest:.1e})"
    rows = len(case.case.rows)
    return [Paragraph(
        f"Softmax with cross-entropy: each {pairs[0][0]} above is the long form, dE/dout summed over every "
        f"output through softmax's Jacobian; because each target row sums to 1 it simplifies to "
        f"(out - T){'' if rows == 1 else f'/{rows}'}, shown as {pairs[0][1]} and its kin. "
        f"The two forms agree {agreement}.")]


def _in_section(equation: Equation, names: set[str]) -> bool:
    return equation.plain.split(" = ", 1)[0] in names


def render(result: Result, fmt: str = "text", options: Options | None = None) -> str:
    """Return the whole report in a format: text, markdown, latex or html."""
    return render_document(build(result), fmt, options=options)