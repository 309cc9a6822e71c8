"""Temporary files of backups, restores and exports, and their clean-up.

A backup, a restore or an export writes a temporary file first and keeps it only once
complete. A process killed meanwhile leaves that file behind (as big as the database,
for a backup), so every such file has a name no one else uses::

    .<what it becomes>.<pid>-<thread>.quiz-tmp      (SQLite may add -journal, -wal, -shm)

and :func:`clean` removes those of processes that no longer run (or older than a day,
for a process id reused since) and nothing else. Exports go to any folder, so each
export leaves a note in the database's folder while it runs, naming its temporary
file: the next start finds the file through the note.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from quiz.dbfile import create_private_file

SUFFIX = ".quiz-tmp"
STALE_SECONDS = 24 * 3600  # a process id may have been reused: older than this is stale
SIDES = ("-journal", "-wal", "-shm")  # the files SQLite keeps beside a database
# Patterns as text: re compiles (and keeps) each when first used, after the start.
_TEMP = r"^\..+\.(?P<pid>\d+)-\d+\.quiz-tmp(?:-journal|-wal|-shm)?$"
# What earlier versions of quiz named them: a backup's, then a restore's.
_OLD = (
    r"^\..+-\d{8}-\d{6}-[a-z-]+(?:-\d+)?\.db\.(?P<pid>\d+)-\d+\.tmp(?:-journal)?$"
    r"|^\..+\.restore-(?P<rpid>\d+)\.tmp(?:-journal|-wal|-shm)?$"
)
_NOTE = ".export"


NAME_MAX = 255  # bytes in one file name, on the file systems quiz runs on


def path_for(folder: Path, name: str) -> Path:
    """A new temporary file's name in ``folder``, for a file that will be ``name``.

    ``name`` is cut short where the whole name (with SQLite's longest side file
    suffix) would pass the file system's limit: a file named near that limit
    could not be written through a temporary file named after it in full."""
    tail = f".{os.getpid()}-{threading.get_ident()}{SUFFIX}"
    room = NAME_MAX - len(".") - len(os.fsencode(tail)) - max(map(len, SIDES))
    while len(os.fsencode(name)) > room:
        name = name[:-1]  # a character at a time: never half of one
    return folder / f".{name}{tail}"


def remove(temp: Path) -> None:
    """Deletes ``temp`` and the files SQLite may have made beside it."""
    for side in ("", *SIDES):
        with contextlib.suppress(OSError):
            Path(f"{temp}{side}").unlink(missing_ok=True)


@contextlib.contextmanager
def noted(temp: Path, database: Path | None) -> Iterator[None]:
    """Leaves a note naming ``temp`` in ``database``'s folder while the block runs, so
    that a start after a kill finds ``temp`` wherever it is. Best effort: a folder
    that cannot be written just gets no note."""
    note = None
    if database is not None:
        candidate = path_for(database.parent, _NOTE.lstrip("."))
        with contextlib.suppress(OSError):
            if create_private_file(candidate):
                candidate.write_text(str(temp.absolute()), encoding="utf-8")
                note = candidate
    try:
        yield
    finally:
        if note is not None:
            with contextlib.suppress(OSError):
                note.unlink()


def clean(folders: Iterable[Path]) -> list[Path]:
    """Deletes the temporary files left in ``folders`` by processes that are gone, and
    those the notes of gone exports name; returns what was deleted."""
    removed: list[Path] = []
    for folder in dict.fromkeys(folders):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            match = re.match(_TEMP, path.name) or re.match(_OLD, path.name)
            if match is None or not _stale(path, int(match["pid"] or match["rpid"])):
                continue
            if path.name.startswith(f"{_NOTE}."):
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    named = Path(path.read_text(encoding="utf-8").strip())
                    if re.match(_TEMP, named.name):  # only ever a file of ours
                        removed += [p for p in _sides(named) if _unlink(p)]
            if _unlink(path):
                removed.append(path)
    return removed


def _sides(temp: Path) -> list[Path]:
    return [Path(f"{temp}{side}") for side in ("", *SIDES)]


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True


def _stale(path: Path, pid: int) -> bool:
    """Whether the process that made ``path`` is gone (or the file is over a day old)."""
    try:
        if time.time() - path.lstat().st_mtime > STALE_SECONDS:
            return True
    except OSError:
        return False
    return not _running(pid)


def _running(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":
        return True  # on Windows, only age tells
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: it exists
    return True
