"""Every demo, run the way the app runs it, keeps the protocol of DESIGN.md (`solvers`).

Each demo runs as ``python -m solvers NAME`` in a fresh interpreter, as the TUI
starts it. Starting Python and NumPy costs about half a second, so each demo's
default runs (JSON twice, for reproducibility, and text once) start together, once
per test module, and every test reads the cached output. Parameter errors and the
parameter description don't run a demo: they go through ``solvers.cli.main`` in
this process.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import re
import subprocess
import sys
import types
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from demo_runs import broken_events, failed_evidence

import solvers.cli
from solvers import DEMOS, load
from solvers.cli import execute, main
from solvers.events import CHECK_KINDS, check
from solvers.params import Param, break_param, breaks

ROOT = Path(__file__).resolve().parents[2]
NAMES = list(DEMOS)
CORE_DEMOS = (
    "deep-learning",
    "neural-network",
    "mlp",
    "normalization",
    "boltzmann",
    "activations",
    "cost",
    "gradient-descent",
    "backprop",
    "rnn-vs-feedforward",
    "rnn-uses",
    "softmax",
    "hyperparameters",
    "learning-rate",
    "dropout-batchnorm",
)
EVENT_TYPES = {"log", "point", "table", "check", "done"}
TIMEOUT = 120


@dataclass(frozen=True)
class Result:
    """What a user sees from one process: exit status, stdout and stderr."""

    status: int
    stdout: str
    stderr: str

    def events(self) -> list[dict[str, Any]]:
        return [parse_event(line) for line in self.stdout.splitlines()]


def _command(args: list[str], via_quiz: bool = False) -> list[str]:
    entry = ["-m", "quiz", "demo"] if via_quiz else ["-m", "solvers"]
    return [sys.executable, *entry, *args]


def _start(args: list[str], via_quiz: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        _command(args, via_quiz),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _finish(process: subprocess.Popen[bytes]) -> Result:
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        err += f"\n(killed after {TIMEOUT} s)".encode()
    assert process.returncode is not None
    return Result(process.returncode, out.decode("utf-8"), err.decode("utf-8"))


def run(*args: str, via_quiz: bool = False) -> Result:
    """Runs ``python -m solvers ARGS`` (or ``python -m quiz demo ARGS``) to the end."""
    return _finish(_start(list(args), via_quiz))


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_event(line: str) -> dict[str, Any]:
    """One line of ``--json`` output, parsed strictly: NaN and Infinity are not JSON."""
    event = json.loads(line, parse_constant=_reject_constant)
    assert isinstance(event, dict), line
    return event


@dataclass(frozen=True)
class DemoRuns:
    """The default runs of one demo: ``--json`` twice and text mode once."""

    json: Result
    json_again: Result
    text: Result


class RunCache:
    """Starts a demo's three default runs together (they overlap on two cores) the first
    time a test asks for that demo, and keeps the results for the rest of the module."""

    def __init__(self) -> None:
        self._runs: dict[str, DemoRuns] = {}

    def __getitem__(self, name: str) -> DemoRuns:
        if name not in self._runs:
            started = [_start([name, "--json"]), _start([name, "--json"]), _start([name])]
            self._runs[name] = DemoRuns(*(_finish(p) for p in started))
        return self._runs[name]


@pytest.fixture(scope="module")
def runs() -> RunCache:
    return RunCache()


def describe_failure(result: Result) -> str:
    return (
        f"exit {result.status}\n--- stdout (tail)\n{result.stdout[-2000:]}"
        f"\n--- stderr\n{result.stderr[-3000:]}"
    )


# Default runs --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_default_run_succeeds_and_ends_with_done_ok(name: str, runs: RunCache) -> None:
    result = runs[name].json
    assert result.status == 0, describe_failure(result)
    events = result.events()
    assert events, "no output"
    last = events[-1]
    assert last["type"] == "done", describe_failure(result)
    assert last["ok"] is True, last.get("error")
    assert isinstance(last["metrics"], dict)


@pytest.mark.parametrize("name", NAMES)
def test_every_line_is_a_protocol_event(name: str, runs: RunCache) -> None:
    result = runs[name].json
    assert result.stdout.endswith("\n"), describe_failure(result)
    events = result.events()
    for event in events:
        kind = event.get("type")
        assert kind in EVENT_TYPES, event
        if kind == "log":
            assert isinstance(event["text"], str)
        elif kind == "point":
            assert isinstance(event["series"], str) and event["series"]
            for axis in ("x", "y"):
                value = event[axis]
                # null is how a non-finite value crosses JSON (a loss that blew up).
                assert value is None or (
                    isinstance(value, int | float) and not isinstance(value, bool)
                ), event
        elif kind == "table":
            assert isinstance(event["title"], str)
            columns = event["columns"]
            assert isinstance(columns, list) and columns, event
            for row in event["rows"]:
                assert isinstance(row, list) and len(row) == len(columns), event
        elif kind == "check":
            assert isinstance(event["name"], str) and event["name"]
            assert isinstance(event["passed"], bool)
            assert isinstance(event["detail"], str)
            assert event["kind"] in CHECK_KINDS, event
            assert isinstance(event["control"], bool), event
    kinds = [e["type"] for e in events]
    assert kinds.count("done") == 1 and kinds[-1] == "done", kinds


@pytest.mark.parametrize("name", NAMES)
def test_done_counts_the_evidence_by_role(name: str, runs: RunCache) -> None:
    events = runs[name].json.events()
    checks = [e for e in events if e["type"] == "check"]
    controls = sum(1 for c in checks if c["control"])
    identities = sum(1 for c in checks if c["kind"] == "identity" and not c["control"])
    assert events[-1]["metrics"]["evidence"] == {
        "checks": len(checks) - controls - identities,
        "identities": identities,
        "controls": controls,
    }
    # Every demo proves something: not only identities.
    assert len(checks) - identities > 0


@pytest.mark.parametrize("name", NAMES)
def test_every_check_passes(name: str, runs: RunCache) -> None:
    checks = [e for e in runs[name].json.events() if e["type"] == "check"]
    assert checks, "a demo proves its answer with at least one check"
    failed = [f"{c['name']}: {c['detail']}" for c in checks if not c["passed"]]
    assert not failed


@pytest.mark.parametrize("name", NAMES)
def test_default_run_prints_nothing_on_stderr(name: str, runs: RunCache) -> None:
    # A NumPy RuntimeWarning or a traceback would land in the user's terminal.
    assert runs[name].json.stderr == ""


@pytest.mark.parametrize("name", NAMES)
def test_two_runs_give_identical_output(name: str, runs: RunCache) -> None:
    first, second = runs[name].json, runs[name].json_again
    assert first.status == second.status == 0, describe_failure(second)
    assert first.stdout == second.stdout


@pytest.mark.parametrize("name", NAMES)
def test_text_mode_shows_the_checks_with_ticks(name: str, runs: RunCache) -> None:
    text = runs[name].text
    assert text.status == 0, describe_failure(text)
    lines = text.stdout.splitlines()
    checks = [e for e in runs[name].json.events() if e["type"] == "check"]
    ticks = [line for line in lines if line.startswith("✓ ")]
    assert len(ticks) == len(checks) > 0
    assert not [line for line in lines if line.startswith("✗ ")]
    assert lines[-1].startswith("done: ok"), lines[-1]
    assert text.stderr == ""


@pytest.mark.parametrize("name", NAMES)
def test_text_mode_fits_a_screen(name: str, runs: RunCache) -> None:
    """One sparkline per series instead of its points: the story fits 60 lines."""
    lines = runs[name].text.stdout.splitlines()
    assert len(lines) <= 60, "\n".join(lines)
    raw = re.compile(r"^  .+\[[^]]*\] = \S+$")
    assert not [line for line in lines if raw.match(line)], "raw points in the text output"
    series = {e["series"] for e in runs[name].json.events() if e["type"] == "point"}
    for s in series:
        assert any(line.startswith(f"  {s} ") for line in lines), s


# Declarations --------------------------------------------------------------------------


def _module(name: str) -> ModuleType:
    return load(name)


def _value_matches_kind(param: Param, value: Any) -> bool:
    def number(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    if param.kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if param.kind == "float":
        return number(value)
    if param.kind == "bool":
        return isinstance(value, bool)
    if param.kind == "floats":
        return isinstance(value, tuple) and all(number(v) for v in value)
    return isinstance(value, str)


@pytest.mark.parametrize("name", NAMES)
def test_module_declares_title_and_params(name: str) -> None:
    module = _module(name)
    assert isinstance(module.TITLE, str) and module.TITLE.strip()
    assert "\n" not in module.TITLE
    params = module.PARAMS
    assert isinstance(params, tuple)
    assert all(isinstance(p, Param) for p in params)
    names = [p.name for p in params]
    assert len(set(names)) == len(names), f"duplicate parameter names: {names}"
    for p in params:
        assert p.help.strip(), f"{p.name} has no help line"
        assert _value_matches_kind(p, p.default), f"{p.name}: {p.default!r} is not a {p.kind}"
        p.validate(p.default)
        if p.kind in ("int", "float"):
            # DESIGN: every parameter declares its allowed range; an unbounded one lets
            # a user start a demo that never ends.
            assert p.low is not None and p.high is not None, f"{p.name} has no range"


@pytest.mark.parametrize("name", NAMES)
def test_run_accepts_exactly_the_declared_parameters(name: str) -> None:
    module = _module(name)
    defaults = {p.name: p.default for p in module.PARAMS}
    # A mismatch is a TypeError the moment a user runs the demo.
    inspect.signature(module.run).bind(**defaults)


@pytest.mark.parametrize("name", NAMES)
def test_params_json_describes_every_parameter(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    module = _module(name)
    assert main([name, "--params", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["name"] == name
    assert info["title"] == module.TITLE
    assert [p["name"] for p in info["params"]] == [p.name for p in module.PARAMS]
    for described, param in zip(info["params"], module.PARAMS, strict=True):
        assert described["kind"] == param.kind
        assert described["help"] == param.help
        if param.low is not None or param.high is not None or param.kind == "choice":
            assert described["range"], f"{param.name}: range not described"
        # The TUI fills its form with this text and sends it back with --set.
        value = param.parse(described["default"])
        if param.kind in ("float", "floats"):
            assert value == pytest.approx(param.default, rel=1e-5)
        else:
            assert value == param.default


# Bad parameters ------------------------------------------------------------------------


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Runs the CLI in-process, expects exit status 2, returns its one stderr line."""
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 2, captured.out + captured.err
    assert captured.out == "", "nothing may run after a usage error"
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def _below(p: Param) -> float:
    assert p.low is not None
    return p.low - (abs(p.low) + 1)


def _above(p: Param) -> float:
    assert p.high is not None
    return p.high + (abs(p.high) + 1)


def _write(p: Param, value: float) -> str:
    if p.kind == "int":
        return str(math.floor(value) if value < 0 else math.ceil(value))
    text = repr(float(value))
    return ",".join([text] * p.min_items) if p.kind == "floats" else text


@pytest.mark.parametrize("name", NAMES)
def test_unknown_parameter_exits_2_and_lists_the_valid_ones(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _usage_error([name, "--set", "no_such_knob=1"], capsys)
    assert "no_such_knob" in line
    for p in _module(name).PARAMS:
        assert p.name in line


@pytest.mark.parametrize("name", NAMES)
def test_text_for_a_number_exits_2_naming_the_parameter(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    numeric = [p for p in _module(name).PARAMS if p.kind in ("int", "float", "floats")]
    assert numeric, "every demo has at least a seed or a size to set"
    for p in numeric:
        line = _usage_error([name, "--set", f"{p.name}=lots"], capsys)
        assert p.name in line and "lots" in line


@pytest.mark.parametrize("name", NAMES)
def test_out_of_range_exits_2_and_says_the_range(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for p in _module(name).PARAMS:
        if p.kind not in ("int", "float", "floats"):
            continue
        for bound, outside in ((p.low, _below), (p.high, _above)):
            if bound is None:
                continue
            line = _usage_error([name, "--set", f"{p.name}={_write(p, outside(p))}"], capsys)
            assert p.name in line and p.describe_range() in line


@pytest.mark.parametrize("name", NAMES)
def test_assignment_without_equals_exits_2(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    params = _module(name).PARAMS
    first = params[0].name if params else "seed"
    line = _usage_error([name, "--set", f"{first}5"], capsys)
    assert f"{first}5" in line and "KEY=VALUE" in line


def test_bad_parameter_in_a_real_process_exits_2_with_one_line() -> None:
    result = run("learning-rate", "--set", "lr=-1", "--json")
    assert result.status == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "lr" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_demo_exits_2_and_lists_every_demo() -> None:
    result = run("no-such-demo", "--json")
    assert result.status == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "no-such-demo" in lines[0]
    for name in NAMES:
        assert name in lines[0]


def test_list_prints_every_demo_with_its_title() -> None:
    result = run("--list")
    assert result.status == 0, describe_failure(result)
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == NAMES
    for line, name in zip(lines, NAMES, strict=True):
        assert line.split(maxsplit=1)[1] == load(name).TITLE
    # The fifteen topics' demos (DESIGN.md) come first; the follow-ups' demos after them.
    assert NAMES[: len(CORE_DEMOS)] == list(CORE_DEMOS)
    assert len(NAMES) == len(CORE_DEMOS) + 9  # and nine behind the follow-up cards


# Protocol contracts --------------------------------------------------------------------


def test_softmax_of_1000_and_1001_is_finite_and_sums_to_1() -> None:
    result = run("softmax", "--set", "logits=1000,1001", "--json")
    assert result.status == 0, describe_failure(result)
    done = result.events()[-1]
    assert done["type"] == "done" and done["ok"] is True
    p = done["metrics"]["probabilities"]
    assert len(p) == 2
    assert all(isinstance(v, float) and math.isfinite(v) for v in p)
    assert math.fsum(p) == pytest.approx(1.0, abs=1e-12)
    assert p[1] == pytest.approx(math.e / (1 + math.e), rel=1e-12)


@pytest.fixture(scope="module")
def threshold(runs: RunCache) -> float:
    """The learning rate above which gradient descent diverges, from a default run."""
    done = runs["learning-rate"].json.events()[-1]
    value = done["metrics"]["threshold"]
    assert isinstance(value, float) and value > 0, done
    return value


def test_learning_rate_reports_threshold_and_diverged(runs: RunCache, threshold: float) -> None:
    metrics = runs["learning-rate"].json.events()[-1]["metrics"]
    assert isinstance(metrics["diverged"], bool)


@pytest.mark.parametrize(("factor", "diverges"), [(0.9, False), (1.1, True)])
def test_learning_rate_diverges_exactly_above_the_threshold(
    threshold: float, factor: float, diverges: bool
) -> None:
    result = run("learning-rate", "--set", f"lr={factor * threshold!r}", "--json")
    # Diverging is what the user came to watch, not a failure of the demo.
    assert result.status == 0, describe_failure(result)
    done = result.events()[-1]
    assert done["ok"] is True, done.get("error")
    assert done["metrics"]["diverged"] is diverges


def test_quiz_demo_is_the_same_command() -> None:
    via_solvers = [_start(["softmax", "--json"]), _start(["no-such-demo"])]
    via_quiz = [
        _start(["softmax", "--json"], via_quiz=True),
        _start(["no-such-demo"], via_quiz=True),
    ]
    (ok_solvers, bad_solvers), (ok_quiz, bad_quiz) = (
        [_finish(p) for p in via_solvers],
        [_finish(p) for p in via_quiz],
    )
    assert ok_quiz.status == ok_solvers.status == 0
    assert ok_quiz.stdout == ok_solvers.stdout
    assert bad_quiz.status == bad_solvers.status == 2
    # The same message, each naming the command the user typed.
    assert bad_quiz.stderr.startswith("quiz demo: error: ")
    assert bad_solvers.stderr.startswith("python -m solvers: error: ")
    assert bad_quiz.stderr.removeprefix("quiz demo") == bad_solvers.stderr.removeprefix(
        "python -m solvers"
    )


# A demo that fails inside --------------------------------------------------------------


def _crashing_run(**params: Any) -> Iterator[dict[str, Any]]:
    yield {"type": "log", "text": "about to fail"}
    raise RuntimeError("the matrix is singular")


def _failing_check_run(**params: Any) -> Generator[dict[str, Any], None, dict[str, Any]]:
    yield {"type": "check", "name": "loss went down", "passed": False, "detail": "it rose"}
    return {}


def _raises_before_first_event(**params: Any) -> Iterator[dict[str, Any]]:
    raise ZeroDivisionError("division by zero")


def fake_demo(run_function: Any) -> types.SimpleNamespace:
    return types.SimpleNamespace(TITLE="A demo that fails", PARAMS=(), run=run_function)


def test_execute_turns_a_crash_into_done_not_ok() -> None:
    events = list(execute(fake_demo(_crashing_run), {}))  # type: ignore[arg-type]
    assert [e["type"] for e in events] == ["log", "done"]
    assert events[-1]["ok"] is False
    assert "RuntimeError" in events[-1]["error"]
    assert "the matrix is singular" in events[-1]["error"]


def test_execute_reports_a_run_that_raises_before_yielding() -> None:
    events = list(execute(fake_demo(_raises_before_first_event), {}))  # type: ignore[arg-type]
    assert len(events) == 1
    assert events[0]["type"] == "done" and events[0]["ok"] is False
    assert "ZeroDivisionError" in events[0]["error"]


@pytest.mark.parametrize(
    ("run_function", "message"),
    [(_crashing_run, "the matrix is singular"), (_failing_check_run, "loss went down")],
    ids=["raises", "failed-check"],
)
def test_cli_exits_1_with_done_not_ok_when_a_demo_fails(
    run_function: Any,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(solvers.cli, "load", lambda name: fake_demo(run_function))
    assert main(["fake", "--json"]) == 1
    out = capsys.readouterr().out
    done = parse_event(out.splitlines()[-1])
    assert done["type"] == "done" and done["ok"] is False
    assert message in done["error"]


def test_cli_text_mode_says_failed_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(solvers.cli, "load", lambda name: fake_demo(_crashing_run))
    assert main(["fake"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["about to fail", "FAILED: RuntimeError: the matrix is singular"]


# Check kinds and controls decide the verdict ------------------------------------------


def _identity_fails_run(**params: Any) -> Generator[dict[str, Any], None, dict[str, Any]]:
    yield check("Σ P = 1", False, "off by 1e-3", kind="identity")
    yield check("loss went down", True, "0.7 → 0.1", kind="empirical")
    return {}


def _control_fails_run(**params: Any) -> Generator[dict[str, Any], None, dict[str, Any]]:
    yield check("loss went down", True, "0.7 → 0.1", kind="empirical")
    yield check(
        "control: frozen W, loss stays up",
        False,
        "went down anyway",
        kind="empirical",
        control=True,
    )
    return {}


def test_a_failed_identity_is_shown_but_does_not_decide_ok() -> None:
    events = list(execute(fake_demo(_identity_fails_run), {}))  # type: ignore[arg-type]
    assert events[0]["passed"] is False and events[0]["kind"] == "identity"
    assert events[-1]["ok"] is True
    assert events[-1]["metrics"]["evidence"] == {"checks": 1, "identities": 1, "controls": 0}


def test_a_control_that_did_not_fail_fails_the_run() -> None:
    events = list(execute(fake_demo(_control_fails_run), {}))  # type: ignore[arg-type]
    assert events[1]["control"] is True
    assert events[-1]["ok"] is False and "control: frozen W" in events[-1]["error"]
    assert events[-1]["metrics"]["evidence"] == {"checks": 1, "identities": 0, "controls": 1}


def test_check_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="identity, numerical, statistical, empirical"):
        check("x", True, "", kind="anecdotal")  # type: ignore[arg-type]


# Breaking a mechanism: its checks must notice ------------------------------------------


BREAKS = [(name, choice) for name in NAMES for choice in breaks(load(name).PARAMS)]


def test_the_worked_example_declares_a_break() -> None:
    assert ("boltzmann", "frozen-W") in BREAKS


@pytest.mark.parametrize(("name", "choice"), BREAKS, ids=[f"{n}:{c}" for n, c in BREAKS])
def test_each_break_makes_a_check_that_is_evidence_fail(name: str, choice: str) -> None:
    """With the mechanism removed, at least one numerical, statistical or empirical
    check fails (identities cannot notice, controls fail anyway); the run says so and
    succeeds, because the failure was predicted."""
    events = broken_events(load(name), choice)
    assert failed_evidence(events), f"break={choice}: every check still passed"
    assert events[0] == {
        "type": "log",
        "text": f"break={choice}: predicted: {breaks(load(name).PARAMS)[choice]}",
    }
    done = events[-1]
    assert done["ok"] is True, done.get("error")
    assert done["metrics"]["break"]["as_predicted"] is True
    assert done["metrics"]["break"]["failed_checks"] == failed_evidence(events)


@pytest.mark.parametrize("name", sorted({n for n, _ in BREAKS}))
def test_the_default_run_of_a_demo_with_breaks_has_a_control(name: str, runs: RunCache) -> None:
    checks = [e for e in runs[name].json.events() if e["type"] == "check"]
    assert any(c["control"] and c["passed"] for c in checks)


def _unnoticed_break_run(**params: Any) -> Generator[dict[str, Any], None, dict[str, Any]]:
    yield check("loss went down", True, "0.7 → 0.1", kind="empirical")
    return {}


def test_a_break_that_no_check_notices_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = types.SimpleNamespace(
        TITLE="unnoticed",
        PARAMS=(break_param({"no-op": "the loss stays up"}),),
        run=_unnoticed_break_run,
    )
    monkeypatch.setattr(solvers.cli, "load", lambda name: demo)
    assert main(["fake", "--set", "break=no-op"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "break=no-op: predicted: the loss stays up"
    assert "break=no-op: NOT as predicted: every check still passed" in lines
    assert lines[-1].startswith("FAILED: break=no-op: every check still passed")


def test_break_param_refuses_a_missing_prediction() -> None:
    with pytest.raises(ValueError, match="one-line predicted symptom"):
        break_param({"frozen-W": " "})
    with pytest.raises(ValueError, match="besides 'none'"):
        break_param({})


def test_a_break_run_in_a_real_process_says_the_failure_was_predicted_and_exits_0() -> None:
    result = run("boltzmann", "--set", "break=frozen-W")
    assert result.status == 0, describe_failure(result)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("break=frozen-W: predicted: the RBM no longer beats")
    assert any(line.startswith("✗ CD-1 raises the exact log-likelihood") for line in lines)
    assert any(line.startswith("break=frozen-W: failed as predicted (exit 0)") for line in lines)
    assert lines[-1].startswith("done: ok")
    assert result.stderr == ""
