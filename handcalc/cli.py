"""Command line: handcalc EXAMPLE | handcalc check EXAMPLE... | handcalc scan TEXT | handcalc list."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from .budget import DEFAULT_MAX_WORK, WorkLimitError, scope as budget_scope
from .heap import importing
from .read.reader import InputError, shown_path

if TYPE_CHECKING:
    from .check import Result
    from .output.render import Options

__all__ = ["main"]

FORMAT_CHOICES = ("text", "markdown", "latex", "html", "json")
OUTPUT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".tex": "latex", ".html": "html",
                   ".htm": "html", ".json": "json"}
COMPLETION_SHELLS = ("bash", "zsh", "tcsh")
PATH_METAVARS = ("EXAMPLE", "FILE", "TEXT", "OUT.html", "OUT.toml")  # arguments that tab-complete as file paths
INTERNAL_ERROR = 3  # the exit code of a bug in handcalc (2 is bad usage or a bad input file)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handcalc",
        description="Reproduce a neural-network tutorial's worked example exactly and judge every number it states.",
        epilog="handcalc EXAMPLE is the same as handcalc check EXAMPLE. Exit codes: 0 every claim correct "
               "or rounding, 1 any claim wrong or propagated, 2 bad usage, a bad input file or a run beyond its "
               "work budget (--max-work), 3 an internal error (a bug in handcalc).",
    )
    parser.add_argument("--list", action="store_true", help="list the shipped worked examples and exit")
    parser.add_argument("--version", action="version", version=f"handcalc {_version()}")
    parser.add_argument("--print-completion", choices=COMPLETION_SHELLS, metavar="SHELL",
                        help="print a tab-completion script for SHELL (bash, zsh or tcsh) and exit; needs shtab: "
                        "pip install 'handcalc[completion]'")
    commands = parser.add_subparsers(dest="command")
    check = commands.add_parser("check", help="check one or more worked examples")
    check.add_argument("examples", nargs="+", metavar="EXAMPLE",
                       help="a shipped example's name (tutorial1) or a worked-example file's path")
    check.add_argument("--format", choices=FORMAT_CHOICES, default=None,
                       help="output format (default: from -o's extension .txt .md .tex .html .json, else text)")
    check.add_argument("--width", type=_width, metavar="N", help="fit the text report to N columns (default: "
                       "the terminal's width, or 100 when not writing to a terminal)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the verdicts: auto (default) on a terminal unless NO_COLOR is set")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    _pager_options(check)
    check.add_argument("--plot", metavar="FILE", help="draw the training loss curves to FILE (.png/.svg/.pdf; "
                       "needs matplotlib: pip install 'handcalc[plot]')")
    check.add_argument("--diagram", metavar="FILE", help="draw the network with its weights and values to FILE "
                       "(.svg/.png/.pdf; needs matplotlib: pip install 'handcalc[diagram]')")
    check.add_argument("--show", choices=("values", "gradients", "updated"), default=None,
                       help="with --diagram: what its edges show besides each weight's name (default: values)")
    check.add_argument("--case", metavar="NAME", help="the case the diagram draws (default: the first)")
    check.add_argument("--max-work", type=_work, default=None, metavar="UNITS",
                       help=f"the run's work budget, in units of about a microsecond (default: {DEFAULT_MAX_WORK:,}, "
                       "about 30 seconds); a run that needs more stops with an error naming the stage")
    check.add_argument("--debug", action="store_true", help="show a traceback on errors")
    commands.add_parser("list", help="list the shipped worked examples")
    names = commands.add_parser("names", help="every quantity a worked example defines, with its value")
    names.add_argument("example", metavar="FILE", help="a worked-example file's path or a shipped example's name")
    names.add_argument("names", nargs="*", metavar="NAME",
                       help="show these quantities (any dA_dB too) with their factors instead of the whole list")
    names.add_argument("--case", metavar="NAME", help="only this case (default: every case)")
    names.add_argument("--max-work", type=_work, default=None, metavar="UNITS", help="the run's work budget")
    names.add_argument("--debug", action="store_true", help="show a traceback on errors")
    _scan_parser(commands)
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def _completion(shell: str) -> str:
    """Return shtab's tab-completion script for the whole command line (file paths where a path is asked)."""
    try:
        import shtab
    except ImportError:
        raise InputError("--print-completion needs shtab: pip install 'handcalc[completion]'") from None
    parser = _parser()
    parsers = [parser] + [sub for action in parser._actions if isinstance(action, argparse._SubParsersAction)
                          for sub in action.choices.values()]
    for each in parsers:
        for action in each._actions:
            if action.metavar in PATH_METAVARS:
                action.complete = shtab.FILE  # type: ignore[attr-defined]  # shtab's documented hook
    return shtab.complete(parser, shell=shell)


def _width(text: str) -> int:
    if not text.isdigit() or not 20 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError(f"expected a number of columns from 20 to 1000, found {text!r}")
    return int(text)


def _format(args: argparse.Namespace) -> str:
    """--format if given, else the format -o's extension names, else text."""
    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower() if args.output else ""
    return OUTPUT_SUFFIXES.get(suffix, "text")


def _options(args: argparse.Namespace) -> "Options":
    """The terminal's width and colour, for a text report on stdout; files get width 100, no colour."""
    from .output.render import Options

    terminal = args.output is None and sys.stdout.isatty()
    width = args.width or (shutil.get_terminal_size((100, 24)).columns if terminal else 100)
    color = args.color == "always" or (args.color == "auto" and terminal and not os.environ.get("NO_COLOR")
                                       and os.environ.get("TERM") != "dumb")
    return Options(width=max(20, width), color=color)


def _pager_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--pager", dest="pager", action="store_true", default=None,
                       help="show the report on a terminal through $PAGER (default: less) even when it fits")
    group.add_argument("--no-pager", dest="pager", action="store_false",
                       help="never page (default: page on a terminal when the report is taller than it)")


def _show(text: str, args: argparse.Namespace) -> None:
    """Write the report to -o's file, or to stdout through a pager when it is long and stdout a terminal."""
    if args.output is None and args.pager is not False and sys.stdout.isatty():  # else no pager: none imported
        from .output.pager import page, pager_command, should_page

        height = shutil.get_terminal_size((100, 24)).lines
        command = pager_command(os.environ)
        if command and should_page(args.pager, True, text.count("\n"), height - 1) and page(text, command):
            return
    _write(text, args.output)


def _scan_parser(commands: "argparse._SubParsersAction") -> None:
    scan = commands.add_parser("scan", help="check the arithmetic a tutorial's own text states (no worked-example file)")
    scan.add_argument("text", metavar="TEXT", help="a plain-text, Markdown or HTML file, or - for standard input")
    scan.add_argument("--input-format", choices=("text", "markdown", "html"),
                      help="how to read TEXT (default: from its extension: .md, .html, else plain text)")
    scan.add_argument("--format", choices=FORMAT_CHOICES, default="text", help="output format (default: text)")
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    _pager_options(scan)
    scan.add_argument("--code", action="store_true", help="also read the comments inside code blocks (code is never run)")
    scan.add_argument("--annotate", metavar="OUT.html", help="write a self-contained copy of the text with every "
                      "checked number marked by its verdict")
    scan.add_argument("--draft", metavar="OUT.toml", help="write a worked-example file drafted from the statements")
    scan.add_argument("--max-work", type=_work, default=None, metavar="UNITS",
                      help=f"the run's work budget (default: {DEFAULT_MAX_WORK:,}, about 30 seconds)")
    scan.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _scan(args: argparse.Namespace) -> int:
    with importing(args.one_shot):
        from .textscan import read_text
        from .textscan.report import render, to_json
        from .textscan.scanner import scan_source
        from .textscan.source import format_of

    _check_outputs(args, [args.text], ("--output", "--annotate", "--draft"))
    source, name = read_text(args.text)
    result = scan_source(source, name, format_of(args.text, args.input_format), args.code)
    if args.format == "json":
        text = json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render(result, args.format)
    _show(text, args)
    if args.annotate:
        from .textscan.annotate import annotate

        _write(annotate(result), args.annotate, "--annotate")
    if args.draft:
        from .textscan.draft import draft

        _write(draft(result), args.draft, "--draft")
    return result.exit_code


def _work(text: str) -> int:
    """Parse --max-work: a positive whole number (underscores and commas allowed)."""
    cleaned = text.replace("_", "").replace(",", "")
    if not cleaned.isdigit() or len(cleaned) > 18 or int(cleaned) == 0:
        raise argparse.ArgumentTypeError("expected a positive whole number of work units, such as 30000000")
    return int(cleaned)


def _list() -> str:
    from .read.catalog import describe, shipped

    lines = [f"{name:12} {describe(path)}" for name, path in shipped().items()]
    return "\n".join(lines) + "\n"


def _write(text: str, output: str | None, option: str = "-o") -> None:
    """Write to stdout, or to FILE as `output.files` describes (a regular file replaced only once complete)."""
    from .output.files import write_stdout, write_text

    if output is None:
        write_stdout(text)
    else:
        write_text(text, output, option)


def _check_outputs(args: argparse.Namespace, inputs: list[str], options: tuple[str, ...]) -> None:
    """Refuse, before any work, an output path that cannot be written or that is one of the inputs."""
    from .output.files import check_output

    sources = [Path(name) for name in inputs if Path(name).exists()]
    for option in options:
        path = getattr(args, option.lstrip("-").replace("-", "_"), None)
        if path is not None or option == "--output":
            check_output(path, "-o" if option == "--output" else option, sources)


def _check(args: argparse.Namespace) -> int:
    if args.case is not None and not args.diagram:  # --case only picks the diagram's case: never ignore it
        raise InputError(f"--case {shown_path(args.case)} says which case the network diagram draws: add --diagram "
                         "FILE (.svg, .png or .pdf)")
    if args.show and not args.diagram:
        raise InputError(f"--show {args.show} says what the network diagram shows: add --diagram FILE "
                         "(.svg, .png or .pdf)")
    with importing(args.one_shot):
        from .read.catalog import resolve
        from .check import check
        from .read.loader import load_file
        from .output.jsonreport import document, to_json

    _check_outputs(args, args.examples, ("--output", "--plot", "--diagram"))
    if (args.plot or args.diagram) and len(args.examples) > 1:
        raise InputError("--plot and --diagram take one example at a time")
    if args.plot:
        from .output.plot import check_suffix

        check_suffix(args.plot)
    if args.diagram:
        from .output.diagram import FORMATS

        if Path(args.diagram).suffix.lower() not in FORMATS:
            raise InputError(f"cannot draw {args.diagram}: the file name must end in .png, .svg or .pdf")
    examples = [load_file(resolve(name)) for name in args.examples]  # every file validated before any work
    if args.case is not None and args.diagram and args.case not in {case.name for case in examples[0].cases}:
        raise InputError(f"--case {shown_path(args.case)}: no such case (the cases are "
                         f"{', '.join(case.name for case in examples[0].cases)})")
    # a progress bar only beside a report a person reads on this terminal: never with JSON or piped output
    fmt = _format(args)
    progress = fmt != "json" and (args.output is not None or sys.stdout.isatty())
    results = [check(example, progress) for example in examples]
    if fmt == "json":
        text = json.dumps(document([to_json(result) for result in results]), indent=2) + "\n"
    else:
        from .output.report import render

        options = _options(args)
        text = "\n".join(render(result, fmt, options) for result in results)
    _show(text, args)
    if args.plot or args.diagram:
        _pictures(results[0], args)
    return max(result.exit_code for result in results)


def _names(args: argparse.Namespace) -> int:
    """Print every quantity of each case (or the NAMEs asked for, with their factors)."""
    with importing(args.one_shot):
        from .check import case_values
        from .read.catalog import resolve
        from .read.loader import load_file
        from .output.names import list_names, show_names

    example = load_file(resolve(args.example))
    cases = [case for case in example.cases if args.case in (None, case.name)]
    if not cases:
        raise InputError(f"--case {shown_path(args.case)}: no such case (the cases are "
                         f"{', '.join(case.name for case in example.cases)})")
    parts = []
    for case in cases:
        values = case_values(example, case)
        parts.append(show_names(case.name, values, args.names) if args.names
                     else list_names(case.name, case.title, values))
    _write("\n".join(parts), None)
    return 0


def _pictures(result: "Result", args: argparse.Namespace) -> None:
    """Write the loss plot and the network diagram the options ask for."""
    if args.plot:
        from .output.plot import loss_figure

        loss_figure(result, args.plot)
    if args.diagram:
        from .output.diagram import draw

        cases = {case.case.name: case for case in result.cases}
        if args.case is not None and args.case not in cases:
            raise InputError(f"--case {shown_path(args.case)}: no such case (the cases are {', '.join(cases)})")
        chosen = cases[args.case] if args.case else result.cases[0]
        draw(chosen, result.example.network_of(chosen.case), args.diagram, args.show or "values")


def command() -> int:
    """The handcalc command and `python -m handcalc`: one command in a process of its own (see `heap.importing`)."""
    return main(one_shot=True)


def main(argv: list[str] | None = None, one_shot: bool = False) -> int:
    """Run the command line; return the exit code.  `one_shot`: the process ends with the command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in ("check", "list", "scan", "names"):
        argv.insert(0, "check")
    debug = "--debug" in argv
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse has printed its one-line usage error
        return int(stop.code or 0)
    args.one_shot = one_shot
    try:
        if args.print_completion:
            _write(_completion(args.print_completion), None)
            return 0
        if args.list or args.command == "list":
            _write(_list(), None)
            return 0
        if args.command is None:
            _parser().print_usage(sys.stderr)
            sys.stderr.write("handcalc: error: name a worked example (handcalc list shows the shipped ones)\n")
            return 2
        with budget_scope(args.max_work):
            if args.command == "names":
                return _names(args)
            return _scan(args) if args.command == "scan" else _check(args)
    except (InputError, WorkLimitError) as error:
        if debug:
            raise
        sys.stderr.write(f"handcalc: error: {error}\n")
        return 2
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("handcalc: interrupted\n")
        return 2
    except OSError as error:
        if debug:
            raise
        where = f"{shown_path(str(error.filename))}: " if error.filename else ""
        sys.stderr.write(f"handcalc: error: {where}{error.strerror or error}\n")
        return 2
    except Exception as error:  # anything else is a bug in handcalc: one line, the traceback only with --debug
        if debug:
            raise
        sys.stderr.write(internal_error(error))
        return INTERNAL_ERROR


def internal_error(error: BaseException) -> str:
    """Return the one line that reports a bug in handcalc (exit code 3), never dressed as bad input."""
    from . import __version__

    detail = str(error).splitlines()[0][:200] if str(error) else ""
    return (f"handcalc: internal error: this is a bug in handcalc {__version__}, not a problem with your file "
            f"({type(error).__name__}{': ' + detail if detail else ''}); run again with --debug to see the "
            "traceback, and please report it\n")
