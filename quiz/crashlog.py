"""Where the details of an unexpected error go: a log file, not the user's terminal.

An error the user cannot fix (a bug) is written, traceback and all, to a file in the
user's log folder; the terminal gets one line with its path. The database needs no
saving here: every grade is committed before the next card shows.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from quiz import __version__


def log_folder() -> Path:
    """``$QUIZ_LOG_DIR``, else the platform's user log folder for quiz."""
    explicit = os.environ.get("QUIZ_LOG_DIR")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return platformdirs.user_log_path("quiz", appauthor=False)


def write(error: BaseException) -> Path:
    """Writes ``error`` with its traceback to a new log file; returns the file's path.

    Falls back to the temporary folder when the log folder cannot be written, so the
    details are never lost to a second error.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    parts = [
        f"quiz {__version__}, Python {sys.version.split()[0]}, {datetime.now().isoformat()}\n",
        f"command: {' '.join(sys.argv)}\n\n",
        *traceback.format_exception(error),
    ]
    # A failed worker (Textual's WorkerFailed) holds the error it failed with, and
    # that error's traceback is the one that says where.
    inner = getattr(error, "error", None)
    if isinstance(inner, BaseException):
        parts += ["\nThe worker failed with:\n", *traceback.format_exception(inner)]
    text = "".join(parts)
    for folder in (log_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"quiz-crash-{stamp}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    raise error  # nowhere to write: the traceback itself is the last resort


def one_line(error: BaseException, path: Path) -> str:
    """The line the terminal gets: what happened, where the details are, that the
    grades are safe."""
    from quiz.text import printable

    what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    # One line, and nothing in it a terminal would obey (an error may quote a file name).
    return printable(
        f"quiz: unexpected error ({what}); your grades are saved. "
        f"Details: {path} (please include it in a bug report)"
    )
