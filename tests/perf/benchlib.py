"""Pieces the benchmark scripts share: the bare-app baseline and the way they end."""

from __future__ import annotations

import compileall
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

BARE_MARKER = "ready-marker"

# The baseline every start-up and memory figure is compared with: a Textual app that
# shows one line of text.
BARE_APP = f'''\
from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("{BARE_MARKER}")


if __name__ == "__main__":
    Bare().run()
'''


def report(main: Callable[[], None], name: str) -> None:
    """Runs a benchmark's ``main`` and exits 0 whatever happens: a benchmark reports
    figures, it is not a test; when it breaks, it says what broke."""
    try:
        main()
    except Exception:
        traceback.print_exc()
        print(f"{name}: the benchmark could not finish (see above)")
    sys.exit(0)


def compile_checkout() -> None:
    """Compiles the checkout's ``quiz`` and ``solvers`` to bytecode, as pip does.

    ``pip install .`` compiles every module it installs (even with
    ``PYTHONDONTWRITEBYTECODE=1`` set), so an installed ``quiz`` never compiles its
    source when it starts. A checkout may have no ``__pycache__``: that variable is
    common in development and CI, and then every process a benchmark starts would
    compile some twenty modules (15-20 ms, and a higher memory peak) that no user
    pays. The files go to ``__pycache__`` folders, which git ignores.
    """
    for package in ("quiz", "solvers"):
        if not compileall.compile_dir(REPO / package, quiet=1):
            raise SystemExit(f"could not compile {package}/")
