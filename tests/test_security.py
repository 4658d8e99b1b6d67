"""Nothing a file or the command line says is ever executed.

Injection payloads go in through every entry point (a file's claims, names,
parameter keys, case names; command-line arguments in-process and in a real
process) and each test asserts that the sentinel file the payload would create
never appears.  A source scan allows eval-like calls only at audited sites.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
import sys
from pathlib import Path

import pytest
import sympy

from handcalc.cli import main
from handcalc.read.reader import IDENTIFIER

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "handcalc"
BASE = """\
[network]
sizes = [2, 1]
bias = "none"

[parameters]
w1 = 0.5
w2 = -0.25

[[cases]]
inputs = [[1, 2]]
targets = [[0.5]]

[[claims]]
quantity = "out_y1"
stated = "0.5"
"""


def payloads(sentinel: Path) -> list[str]:
    """Texts that would create `sentinel` (or reach Python internals) if anything evaluated them."""
    s = str(sentinel)
    return [
        f"__import__('os').system('touch {s}')",
        f"__import__(\"os\").system(\"touch {s}\")",
        f"open('{s}', 'w')",
        f"exec(\"open('{s}', 'w')\")",
        f"eval(\"open('{s}', 'w')\")",
        f"(lambda: __import__('os').system('touch {s}'))()",
        f"().__class__.__bases__[0].__subclasses__()[0]('{s}')",
        "x1.__class__.__mro__[1].__subclasses__()",
        f"sigmoid(x=__import__('os').system('touch {s}'))",
        f"exp(1, key=open('{s}', 'w'))",
        f"x1; import os; os.system('touch {s}')",
        f"{{0.__class__.__init__.__globals__}}{s}",
        f"Symbol('x').__class__.__init__.__globals__['os'].system('touch {s}')",
        f"$(touch {s})",
        f"`touch {s}`",
    ]


@pytest.fixture
def sentinel(tmp_path: Path) -> Path:
    path = tmp_path / "PWNED"
    yield path
    assert not path.exists(), "a payload was executed"


def _quoted(text: str) -> str:
    """A TOML basic string holding `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _place(field: str, payload: str) -> str:
    """BASE with `payload` in one field of the file."""
    q = _quoted(payload)
    edits = {
        "claims.quantity": ('quantity = "out_y1"', f"quantity = {q}"),
        "claims.expression": ('quantity = "out_y1"', f"expression = {q}"),
        "claims.right": ('quantity = "out_y1"\nstated = "0.5"',
                         f'kind = "compare"\nexpression = "w1"\nrelation = "<"\nright = {q}'),
        "claims.operands": ('quantity = "out_y1"', f'quantity = "y1"\nexpression = "1 * 0.5"\noperands = [{q}, "w1"]'),
        "claims.stated": ('stated = "0.5"', f"stated = {q}"),
        "claims.case": ('quantity = "out_y1"', f"case = {q}\nquantity = \"out_y1\""),
        "claims.array": ('quantity = "out_y1"\nstated = "0.5"', f'kind = "shape"\narray = {q}\nstated = "2x1"'),
        "claims.id": ('quantity = "out_y1"', f"id = {q}\nquantity = \"out_y1\""),
        "network.inputs": ('bias = "none"', f'bias = "none"\ninputs = [{q}, "x2"]'),
        "network.targets": ('bias = "none"', f'bias = "none"\ntargets = [{q}]'),
        "network.errors": ('bias = "none"', f'bias = "none"\nerrors = [{q}]'),
        "network.total_error": ('bias = "none"', f'bias = "none"\ntotal_error = {q}'),
        "network.activation": ('bias = "none"', f'bias = "none"\nactivation = {q}'),
        "network.loss": ('bias = "none"', f'bias = "none"\nloss = {q}'),
        "layers.pre": ('bias = "none"', f'bias = "none"\n[[network.layers]]\npre = [{q}]'),
        "layers.post": ('bias = "none"', f'bias = "none"\n[[network.layers]]\npost = [{q}]'),
        "layers.weights": ('bias = "none"', f'bias = "none"\n[[network.layers]]\nweights = [["w1", {q}]]'),
        "layers.biases": ('bias = "none"', f'bias = "shared"\n[[network.layers]]\nbiases = [{q}]'),
        "parameters.key": ("w2 = -0.25", f"w2 = -0.25\n{q} = 1"),
        "parameters.value": ("w2 = -0.25", f"w2 = {q}"),
        "cases.name": ("[[cases]]", f"[[cases]]\nname = {q}"),
        "cases.parameters.key": ("targets = [[0.5]]", f"targets = [[0.5]]\nparameters = {{ {q} = 1 }}"),
        "cases.learning_rate": ("targets = [[0.5]]", f"targets = [[0.5]]\nlearning_rate = {q}"),
        "cases.input_scale": ("targets = [[0.5]]", f"targets = [[0.5]]\ninput_scale = {q}"),
        "cases.inputs": ("inputs = [[1, 2]]", f"inputs = [[1, {q}]]"),
        "top-level key": ("[network]", f"{q} = 1\n[network]"),
    }
    old, new = edits[field]
    assert old in BASE
    return BASE.replace(old, new, 1)


FIELDS = ["claims.quantity", "claims.expression", "claims.right", "claims.operands", "claims.stated",
          "claims.case", "claims.array", "claims.id", "network.inputs", "network.targets", "network.errors",
          "network.total_error", "network.activation", "network.loss", "layers.pre", "layers.post",
          "layers.weights", "layers.biases", "parameters.key", "parameters.value", "cases.name",
          "cases.parameters.key", "cases.learning_rate", "cases.input_scale", "cases.inputs", "top-level key"]


@pytest.mark.parametrize("field", FIELDS)
def test_payloads_in_a_file_are_refused_never_run(field, tmp_path, sentinel, capsys) -> None:
    for index, payload in enumerate(payloads(sentinel)):
        path = tmp_path / f"payload_{index}.toml"
        path.write_text(_place(field, payload), encoding="utf-8")
        code = main([str(path)])
        out, err = capsys.readouterr()
        assert code == 2, (field, payload, out, err)
        assert out == ""
        assert "Traceback" not in err and "internal error" not in err, err
        assert err.startswith("handcalc: error: ") and str(path) in err
        assert not sentinel.exists(), (field, payload)


@pytest.mark.parametrize("field", ["where", "title", "source"])
def test_payloads_in_free_text_are_only_printed(field, tmp_path, sentinel, capsys) -> None:
    for index, payload in enumerate(payloads(sentinel)[:4]):
        text = BASE.replace('stated = "0.5"', f'stated = "0.5"\nwhere = {_quoted(payload)}') if field == "where" \
            else f"[example]\n{field} = {_quoted(payload)}\n\n" + BASE
        path = tmp_path / f"text_{index}.toml"
        path.write_text(text, encoding="utf-8")
        code = main([str(path), "--format", "json"])
        out, err = capsys.readouterr()
        assert code in (0, 1), err
        assert not sentinel.exists()


def test_payloads_as_command_line_arguments(tmp_path, sentinel, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for payload in payloads(sentinel):
        for argv in ([payload], ["check", payload], ["check", "tutorial1", "--format", payload],
                     [payload, "--debug"], ["--list", payload]):
            try:
                code = main(argv)
            except Exception as error:  # --debug lets the InputError through, and only that
                assert type(error).__name__ == "InputError", error
                code = 2
            out, err = capsys.readouterr()
            assert code == 2, (argv, out, err)
            assert "Traceback" not in err
            assert not sentinel.exists(), argv


def test_payloads_through_a_real_process(tmp_path, sentinel) -> None:
    for payload in payloads(sentinel)[:6]:
        done = subprocess.run([sys.executable, "-m", "handcalc", payload], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert not sentinel.exists(), payload
    path = tmp_path / "payload.toml"
    path.write_text(_place("claims.expression", payloads(sentinel)[0]), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "handcalc", "check", str(path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "unexpected character" in done.stderr, done.stderr
    assert not sentinel.exists()


def test_every_sympy_symbol_name_is_a_plain_identifier(monkeypatch, capsys) -> None:
    """handcalc makes SymPy symbols only from names the loader validated (and its own placeholders)."""
    from handcalc.exact.derivation import derive
    from handcalc.exact.formulas import ARGS

    derive.cache_clear()  # a derivation an earlier test cached would make no symbols at all
    own = {arg.name for arg in ARGS}  # _0, _1, ...: the rules' placeholders, never text from a file
    names: list[str] = []
    real = sympy.Symbol

    def recording(name, *args, **kwargs):
        names.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(sympy, "Symbol", recording)
    assert main(["tutorial1", "--format", "json"]) == 1
    capsys.readouterr()
    assert names, "the check made no symbols: the recorder is not in the path"
    assert all(isinstance(n, str) and (IDENTIFIER.fullmatch(n) or n in own) for n in names), \
        sorted(n for n in set(names) if not (isinstance(n, str) and IDENTIFIER.fullmatch(n)))[:10]


# --- the source scan -------------------------------------------------------------------------

# Calls that could run text as code.  Each allowed site is (module, the call's source text, why).
EVAL_LIKE = re.compile(r"\b(eval|exec|compile|__import__)\s*\(|sympify|parse_expr|lambdify|\bpickle\b"
                       r"|\bmarshal\b|\bshelve\b|\bos\.system\b|\bsubprocess\b|\bimportlib\b")
AUDITED: dict[tuple[str, str], str] = {
    # `re.compile(` compiles a regular expression, not code; it is filtered out below, not listed.
    ("pager.py", "import subprocess"): "the pager, started as git starts it",
    ("pager.py", "subprocess . Popen ( command , stdin = subprocess . PIPE , env = env )"):
        "runs the user's own pager command (HANDCALC_PAGER/PAGER from their environment, never from a file), "
        "as an argument list without a shell; the report goes to its standard input as data",
}
# str.format_map on a template: safe only while every placeholder is a validated plain name.
FORMAT_MAP = re.compile(r"\.\s*format_map\s*\(")  # _code_lines spaces tokens: ". format_map ("
FORMAT_MAP_AUDITED = {
    ("derivation.py", "self.template.format_map(numbers)"):
        "a step's template holds {name} placeholders built from validated identifiers only",
    ("report.py", "step.template.replace(\"*\", r\" \\cdot \").format_map({n: latex_name(n) for n in names})"):
        "the same templates (identifier placeholders), filled with LaTeX for each name",
    ("report.py", "step.template.replace(\"*\", r\" \\cdot \").format_map({n: latex_number(numbers[n]) for n in names})"):
        "the same templates, filled with the LaTeX of each number",
}


SKIPPED = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT)


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """The code of each line of a module: comments and docstrings dropped, other strings kept."""
    source = path.read_text(encoding="utf-8")
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            docstrings.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    lines: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in SKIPPED or token.start[0] in docstrings:
            continue
        lines[token.start[0]] = lines.get(token.start[0], "") + " " + token.string
    return sorted(lines.items())


def _eval_like(line: str) -> list[str]:
    """The eval-like names a line of code uses (`re.compile` is a regular expression, not code)."""
    return [match.group() for match in EVAL_LIKE.finditer(line)
            if not (match.group(1) == "compile" and re.search(r"\bre\s*\.\s*$", line[:match.start()]))]


def test_no_eval_like_calls_outside_audited_sites() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in _code_lines(path):
            if _eval_like(line) and not any(path.name == module and call in line for module, call in AUDITED):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "eval-like calls outside the audited sites:\n" + "\n".join(found)


def test_format_map_only_on_name_templates() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8").splitlines()
        for number, line in _code_lines(path):
            text = source[number - 1].strip()
            if FORMAT_MAP.search(line) and not any(path.name == module and call in text
                                                   for module, call in FORMAT_MAP_AUDITED):
                found.append(f"{path.relative_to(ROOT)}:{number}: {text}")
    assert not found, "format_map outside the audited sites:\n" + "\n".join(found)


@pytest.mark.parametrize(("module", "line"), [
    ("render.py", "text = template.format_map(values)"),
    ("report.py", "step.template.format_map(user_numbers)"),  # an audited module, not an audited call
])
def test_the_format_map_scan_catches_a_new_site(module: str, line: str, tmp_path: Path) -> None:
    # the scan reads each line as _code_lines gives it (tokens spaced), so run the same path on a real file
    path = tmp_path / module
    path.write_text(f"def f(template, values, step, user_numbers):\n    {line}\n", encoding="utf-8")
    (number, code), = [(n, c) for n, c in _code_lines(path) if "format_map" in c]
    assert FORMAT_MAP.search(code)
    assert not any(module == audited and call in line for audited, call in FORMAT_MAP_AUDITED)


@pytest.mark.parametrize(("line", "caught"), [
    ("value = eval(text)", True), ("exec (code)", True), ("sympy.sympify(text)", True),
    ("from sympy.parsing.sympy_parser import parse_expr", True), ("f = sympy.lambdify(x, e)", True),
    ("code = compile(text, 'f', 'exec')", True), ("m = __import__(name)", True), ("import pickle", True),
    ("subprocess.run(args)", True), ("pattern = re.compile(r'x')", False), ("evaluate(node)", False),
    ("self.executor = 1", False),
])
def test_the_scan_catches_eval_like_calls(line: str, caught: bool) -> None:
    assert bool(_eval_like(line)) is caught
