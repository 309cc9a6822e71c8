"""Pieces the benchmark scripts share: the bare-app baseline and the way they end."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

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
