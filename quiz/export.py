"""Exports: the review log as CSV or JSON, and the cards as an Anki deck (.apkg)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from quiz import tempfiles
from quiz.dbfile import create_private_file, reason
from quiz.deck import Deck
from quiz.errors import QuizError
from quiz.records import ACTIONS
from quiz.store import Store

LOG_COLUMNS = [
    "id", "card_id", "time", "ts_ms", "day", "grade", "mode",
    "ef_before", "interval_before", "reps_before", "due_before",
    "ef_after", "interval_after", "reps_after", "due_after",
    "answer_ms", "answer",
]  # fmt: skip

# Fixed ids: Anki recognises the deck and note type again on a second import.
ANKI_MODEL_ID = 1_607_392_319
ANKI_DECK_ID = 2_059_400_110


def log_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Every row of the review log, oldest first, with its time in local time.

    The easiness factors are given as decimals (2.5), as SM-2 states them.
    """
    for row in store.conn.execute("SELECT * FROM reviews ORDER BY id"):
        # Every row as it is, even one quiz never wrote (the export is how a damaged
        # log is taken out to be mended): bytes as text, a time past any date blank.
        values: dict[str, Any] = {
            k: v.decode("utf-8", "backslashreplace") if isinstance(v, bytes) else v
            for k, v in dict(row).items()
        }
        try:
            moment = datetime.fromtimestamp(values["ts_ms"] / 1000, tz=UTC).astimezone()
            values["time"] = moment.isoformat(timespec="seconds")
        except (TypeError, ValueError, OverflowError, OSError):
            values["time"] = None
        for key in ("ef_before", "ef_after"):
            if isinstance(values[key], int):
                values[key] = values[key] / 100
        if values.get("mode") in ACTIONS:
            values["grade"] = None  # a suspend, unsuspend, bury or leech: not a grade
        yield {column: values.get(column) for column in LOG_COLUMNS}


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_safe(value: object) -> object:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula
    (``=HYPERLINK(...)`` typed as an answer) gets a leading single quote, which the
    spreadsheet shows as text; numbers and other text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(store: Store, out: IO[str], rows: Iterable[dict[str, Any]] | None = None) -> int:
    """Writes the log as CSV with a header row; returns the rows written.

    Text cells that start like a formula are neutralised (:func:`sheet_safe`).
    """
    writer = csv.DictWriter(out, fieldnames=LOG_COLUMNS)
    writer.writeheader()
    count = 0
    for row in log_rows(store) if rows is None else rows:
        writer.writerow({key: sheet_safe(value) for key, value in row.items()})
        count += 1
    return count


def write_json(store: Store, out: IO[str], rows: Iterable[dict[str, Any]] | None = None) -> int:
    """Writes the log as one JSON array of objects; returns the rows written."""
    out.write("[")
    count = 0
    for row in log_rows(store) if rows is None else rows:
        out.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


FORMATS = ("csv", "json")


def check_target(path: Path, database: Path | None) -> None:
    """Refuses an export onto the database's own files or into its backups.

    The database, its ``-wal``, ``-shm`` and ``-journal`` (by name, through symlinks,
    or as another link to the same file), and anything inside its backups folder
    are not the place for an export: writing there destroys grades or a backup.

    Raises:
        QuizError: ``path`` is one of those.
    """
    if database is None:
        return
    from quiz.backup import backup_dir

    target = path.expanduser().resolve()
    own = {database, database.resolve()}
    for db in own:
        for side in ("", *tempfiles.SIDES):
            candidate = Path(f"{db}{side}")
            if target == candidate.resolve() or _same_file(target, candidate):
                raise QuizError(f"{path} is your quiz database; export to another file")
    for db in own:
        folder = backup_dir(db).resolve()
        if target == folder or folder in target.parents:
            raise QuizError(
                f"{path} is in the backups folder of your quiz database; export to another folder"
            )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False  # one of them does not exist


def _write_whole(path: Path, database: Path | None, write: Callable[[Path], None]) -> None:
    """Runs ``write`` on a new temporary file beside ``path`` (0600), and renames it
    to ``path`` once complete: an export that fails or is killed half-way leaves no
    truncated file that looks complete, and the next start removes its temporary
    file (see :mod:`quiz.tempfiles`)."""
    target = path.expanduser()
    temporary = tempfiles.path_for(target.parent, target.name)
    try:
        with tempfiles.noted(temporary, database):
            try:
                create_private_file(temporary)
                write(temporary)
                with open(temporary, "rb") as written:
                    os.fsync(written.fileno())
                os.replace(temporary, target)
            finally:
                tempfiles.remove(temporary)
    except (OSError, ValueError) as exc:
        raise QuizError(f"cannot write {path}: {reason(exc)}") from None


PROGRESS_EVERY = 5_000  # rows between two calls of an export's progress callback


def refuse_target(database: Path, path: Path, fmt: str) -> None:
    """Refuses, writing nothing, an export of the review log to ``path`` as ``fmt``
    that cannot be made: an unknown format, the database's own files or its backups
    folder (:func:`check_target`), a folder, a name the system refuses.

    Raises:
        QuizError: why, in one line.
    """
    if fmt not in FORMATS:
        raise QuizError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    try:
        # A name too long, a folder on the way that cannot be searched, a NUL typed
        # into the app's box: each is a name this system refuses, said in one line.
        check_target(path, database)
        if path.expanduser().is_dir():
            raise QuizError(f"{path} is a folder; give a file name, e.g. {path}/reviews.{fmt}")
    except (OSError, ValueError) as exc:
        raise QuizError(f"cannot write {path}: {reason(exc)}") from None


def save_log(
    store: Store,
    path: Path,
    fmt: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Writes the review log to the file ``path`` as ``fmt`` (csv or json), whole or
    not at all; returns the rows written.

    The file is private (0600) and written through a temporary file (see
    :func:`_write_whole`). The database's own files and its backups folder are
    refused as targets (:func:`refuse_target`).

    Args:
        progress: called with (rows written, rows in all) every
            :data:`PROGRESS_EVERY` rows and at the end; a QuizError it raises stops
            the export, which then writes nothing.

    Raises:
        QuizError: the path is refused, or cannot be written, or ``progress``
            stopped it.
    """
    refuse_target(store.path, path, fmt)
    writer = write_csv if fmt == "csv" else write_json
    rows = log_rows(store)
    if progress is not None:
        rows = _counted(rows, store.review_count(), progress)
    count = 0

    def write(temporary: Path) -> None:
        nonlocal count
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            count = writer(store, out, rows)

    _write_whole(path, store.path, write)
    return count


def _counted(
    rows: Iterator[dict[str, Any]], total: int, progress: Callable[[int, int], None]
) -> Iterator[dict[str, Any]]:
    done = 0
    progress(done, total)
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, max(total, done))
    progress(done, max(total, done))


def write_apkg(deck: Deck, path: Path, database: Path | None = None) -> int:
    """Writes the cards as an Anki deck: question on the front; answer and key points
    on the back. Notes carry a stable id, so importing again updates, never duplicates.

    Like :func:`save_log`, the file is private, written whole or not at all, and
    never one of ``database``'s files or in its backups folder.

    Returns:
        The number of notes written.

    Raises:
        QuizError: the path is refused, or cannot be written.
    """
    import genanki
    from markdown_it import MarkdownIt

    model = genanki.Model(
        ANKI_MODEL_ID,
        "quiz: deep-learning interview card",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "KeyPoints"}, {"name": "Topic"}],
        templates=[
            {
                "name": "Recall",
                "qfmt": "<div class=topic>{{Topic}}</div><h2>{{Question}}</h2>",
                "afmt": "{{FrontSide}}<hr id=answer><h3>Key points</h3>{{KeyPoints}}{{Answer}}",
            }
        ],
        css=".card { font-family: sans-serif; text-align: left; } .topic { color: grey; }",
    )
    anki_deck = genanki.Deck(ANKI_DECK_ID, "Deep-learning interview")
    # html=False: HTML written in a card is shown as text, never passed to Anki to
    # run (a <script>, an <img onerror=...>); Markdown's own markup still renders.
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    for card in deck:
        points = "<ul>" + "".join(f"<li>{_escape(p.text)}</li>" for p in card.key_points)
        anki_deck.add_note(
            genanki.Note(
                model=model,
                fields=[
                    _escape(card.question),
                    markdown.render(card.body),
                    points + "</ul>",
                    f"{card.number}. {_escape(card.title)}",
                ],
                guid=genanki.guid_for("quiz", card.id),
                tags=["quiz", card.demo],
            )
        )
    try:
        check_target(path, database)
        if path.expanduser().is_dir():
            raise QuizError(f"{path} is a folder; give a file name, e.g. {path}/quiz-deck.apkg")
    except (OSError, ValueError) as exc:
        raise QuizError(f"cannot write {path}: {reason(exc)}") from None
    package = genanki.Package(anki_deck)
    _write_whole(path, database, lambda temporary: package.write_to_file(str(temporary)))
    return len(deck)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
