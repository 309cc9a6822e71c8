"""``python -m solvers`` (and ``quiz demo``): list, describe and run the demos."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

from solvers import DEMOS, UnknownDemo, load
from solvers.events import Event, done, is_evidence, log, to_json
from solvers.params import NO_BREAK, Param, ParamError, breaks, broken, format_value, resolve
from solvers.text import TextOutput

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def execute(module: ModuleType, values: dict[str, Any]) -> Iterator[Event]:
    """Runs a demo and yields its events, always ending with one ``done`` event.

    ``done.ok`` is false when the demo raises or when any check that is evidence
    (not an identity; every control) fails: a demo whose claim does not hold is a
    failed demo. ``done.metrics.evidence`` counts the checks by role.

    With ``break`` set to a mechanism (see :func:`solvers.params.break_param`) the run
    first logs the predicted symptom, and the verdict is inverted: ``ok`` when at least
    one evidence check that is not a control failed (the mechanism's removal was
    noticed), ``metrics.break`` saying which.
    """
    failed: list[str] = []  # evidence checks and controls that failed
    failed_claims: list[str] = []  # of those, the ones that are not controls
    evidence = {"checks": 0, "identities": 0, "controls": 0}
    removed = broken(values)
    predicted = breaks(module.PARAMS).get(removed, "")
    try:
        if removed != NO_BREAK:
            yield log(f"break={removed}: predicted: {predicted}")
        generator = module.run(**values)
        while True:
            try:
                event = next(generator)
            except StopIteration as stop:
                metrics = stop.value or {}
                break
            if event.get("type") == "check":
                role = (
                    "controls"
                    if event.get("control")
                    else "identities"
                    if event.get("kind") == "identity"
                    else "checks"
                )
                evidence[role] += 1
                if is_evidence(event) and not event.get("passed"):
                    failed.append(str(event.get("name")))
                    if role == "checks":
                        failed_claims.append(str(event.get("name")))
            yield event
    except Exception as exc:  # a crash inside a demo is reported, not raised
        yield done(False, error=f"{type(exc).__name__}: {exc}")
        return
    metrics = {**metrics, "evidence": evidence}
    if removed != NO_BREAK:
        noticed = bool(failed_claims)
        metrics["break"] = {
            "name": removed,
            "predicted": predicted,
            "failed_checks": failed_claims,
            "as_predicted": noticed,
        }
        if noticed:
            yield done(True, metrics)
        else:
            yield done(
                False,
                metrics,
                error=f"break={removed}: every check still passed; the checks did not notice"
                " the mechanism was removed",
            )
        return
    if failed:
        yield done(False, metrics, error=f"{len(failed)} check(s) failed: {', '.join(failed)}")
    else:
        yield done(True, metrics)


def describe(name: str, module: ModuleType) -> dict[str, Any]:
    """The demo's title and parameter declarations as JSON-ready data."""
    params: Sequence[Param] = module.PARAMS
    return {
        "name": name,
        "title": module.TITLE,
        "params": [
            {
                "name": p.name,
                "kind": p.kind,
                "default": format_value(p, p.default),
                "help": p.help,
                "range": p.describe_range(),
                "choices": list(p.choices),
                **({"predictions": dict(p.predictions)} if p.predictions else {}),
            }
            for p in params
        ],
    }


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run the NumPy demo behind an answer.",
        epilog="Example: %(prog)s learning-rate --set lr=0.5",
    )
    parser.add_argument("name", nargs="?", help="the demo to run (see --list)")
    parser.add_argument("--list", action="store_true", help="list the demos and exit")
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="assignments",
        help="set a parameter (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print events as JSON lines")
    parser.add_argument(
        "--points",
        action="store_true",
        help="print every point of every series (text output draws one sparkline each)",
    )
    parser.add_argument(
        "--params", action="store_true", help="describe the demo's parameters and exit"
    )
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "python -m solvers") -> int:
    """Runs the command; returns its exit status."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    out = sys.stdout
    try:
        if args.list:
            width = max(len(n) for n in DEMOS)
            for name in DEMOS:
                title = load(name).TITLE if args.name is None else ""
                out.write(f"{name.ljust(width)}  {title}\n")
            return EXIT_OK
        if args.name is None:
            parser.print_usage(sys.stderr)
            sys.stderr.write(f"{prog}: error: name a demo; valid demos: {', '.join(DEMOS)}\n")
            return EXIT_USAGE
        try:
            module = load(args.name)
            if args.params:
                info = describe(args.name, module)
                if args.json:
                    out.write(json.dumps(info) + "\n")
                else:
                    out.write(f"{args.name}: {info['title']}\n")
                    for p in info["params"]:
                        extra = f"; {p['range']}" if p["range"] else ""
                        out.write(
                            f"  {p['name']} ({p['kind']}, default {p['default']}{extra})"
                            f": {p['help']}\n"
                        )
                        for choice, symptom in p.get("predictions", {}).items():
                            out.write(f"    {p['name']}={choice}: {symptom}\n")
                return EXIT_OK
            values = resolve(module.PARAMS, args.assignments)
        except (UnknownDemo, ParamError) as exc:
            sys.stderr.write(f"{prog}: error: {exc.args[0]}\n")
            return EXIT_USAGE
        text = TextOutput(points=args.points)
        status = EXIT_OK
        for event in execute(module, values):
            lines = [to_json(event)] if args.json else list(text.lines(event))
            if lines:
                out.write("\n".join(lines) + "\n")
                out.flush()
            if event["type"] == "done" and not event["ok"]:
                status = EXIT_FAILED
        return status
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. piped into head): stop quietly, and point stdout
        # at /dev/null so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        # The output cannot be written (a full disk, /dev/full): a demo's own errors
        # end as its "done" event, so this one is the output's. One line, as above.
        reason = (exc.strerror or str(exc)).lower()
        sys.stderr.write(f"{prog}: error: cannot write the output: {reason}\n")
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
