"""A demo child runs isolated from the folder and environment quiz was started in.

A ``numpy.py``, a ``solvers/`` package, a ``json.py`` or a ``sitecustomize.py`` in the
current folder or in ``$PYTHONPATH`` is someone else's code: the demo must run ours
(and NumPy's) and never import theirs.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from quiz.runner import BOOTSTRAP, demo_command, demo_env, run_demo
from solvers.events import Event

# Each planted module leaves a file named after itself in the marker folder, if run.
PLANTED = ("numpy.py", "json.py", "sitecustomize.py", "solvers/__init__.py", "solvers/__main__.py")


def plant(folder: Path, markers: Path) -> None:
    for name in PLANTED:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        marker = markers / f"{folder.name}-{name.replace('/', '.')}"
        path.write_text(f"open({str(marker)!r}, 'w').write('imported')\n")


def run(command: list[str]) -> list[Event]:
    async def collect() -> list[Event]:
        return [event async for event in run_demo(command, timeout=60)]

    return asyncio.run(collect())


def test_a_planted_numpy_or_solvers_in_the_folder_or_pythonpath_is_never_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    plant(here, markers)
    plant(elsewhere, markers)
    monkeypatch.chdir(here)  # quiz started in a folder holding them
    monkeypatch.setenv("PYTHONPATH", f"{here}:{elsewhere}")
    monkeypatch.setenv("PYTHONSTARTUP", str(here / "numpy.py"))
    monkeypatch.setenv("PYTHONUSERBASE", str(elsewhere))

    events = run(demo_command("softmax", {"logits": "1000,1001"}))

    assert sorted(p.name for p in markers.iterdir()) == []  # none of them ran
    done = events[-1]
    assert done["type"] == "done" and done["ok"], done
    assert done["metrics"]["probabilities"] == pytest.approx([0.26894142, 0.73105858])


# Prints, as the one event it sends, where it ran and with what.
SHOW_ENVIRONMENT = """
import json, os, sys
print(json.dumps({"type": "done", "ok": True, "metrics": {
    "cwd": os.getcwd(), "env": dict(os.environ), "files": os.listdir("."),
}}))
"""


def test_the_child_gets_a_minimal_environment_and_an_empty_folder_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("the user's")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not for a demo")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("LD_PRELOAD", "")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("QUIZ_DEMO_TIMEOUT", "30")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    [done] = run([sys.executable, "-c", SHOW_ENVIRONMENT])

    metrics = done["metrics"]
    env = metrics["env"]
    assert set(env) <= {"PATH", "HOME", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR"} | {
        k for k in env if k.startswith(("LC_", "QUIZ_DEMO_", "OMP_", "OPENBLAS_", "MKL_"))
    }, env
    assert env["LC_ALL"] == "C.UTF-8" and env["QUIZ_DEMO_TIMEOUT"] == "30"
    assert env["HOME"] == str(tmp_path / "home")
    for name in ("AWS_SECRET_ACCESS_KEY", "PYTHONPATH", "LD_PRELOAD"):
        assert name not in env
    cwd = Path(metrics["cwd"])
    assert cwd != tmp_path and metrics["files"] == []
    assert not cwd.exists(), "the demo's folder is removed after the run"


def test_the_environment_filter_keeps_only_what_it_names() -> None:
    env = demo_env(
        {"PATH": "/bin", "LC_CTYPE": "C", "QUIZ_DEMO_X": "1", "QUIZ_DB": "x", "PYTHONHOME": "/"}
    )
    assert env == {"PATH": "/bin", "LC_CTYPE": "C", "QUIZ_DEMO_X": "1"}


def test_the_child_runs_the_solvers_package_beside_this_quiz_by_its_path(tmp_path: Path) -> None:
    """Not a ``solvers`` looked up on sys.path, which may hold another copy (an
    editable install of another checkout) or none (an installed wheel run from
    elsewhere finds its own; see the README for checking a wheel)."""
    import quiz

    # Beside the quiz that runs: the checkout in development, site-packages once
    # installed (as CI installs it).
    init = Path(quiz.__file__).resolve().parents[1] / "solvers" / "__init__.py"
    command = demo_command("softmax", {"temperature": "2"})
    assert command == [
        sys.executable,
        "-I",
        "-c",
        BOOTSTRAP,
        str(init),
        "softmax",
        "--json",
        "--set",
        "temperature=2",
    ]
    package = tmp_path / "elsewhere" / "solvers"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        "import json, sys, solvers\n"
        "metrics = {'file': solvers.__file__, 'argv': sys.argv[1:]}\n"
        "print(json.dumps({'type': 'done', 'ok': True, 'metrics': metrics}))\n"
    )
    [done] = run([sys.executable, "-I", "-c", BOOTSTRAP, str(package / "__init__.py"), "x", "-y"])
    assert done["metrics"] == {"file": str(package / "__init__.py"), "argv": ["x", "-y"]}
