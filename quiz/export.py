"""Exports: the review log as CSV or JSON, and the cards as an Anki deck (.apkg)."""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from quiz.deck import Deck
from quiz.errors import QuizError
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


def write_csv(store: Store, out: IO[str]) -> int:
    """Writes the log as CSV with a header row; returns the rows written.

    Text cells that start like a formula are neutralised (:func:`sheet_safe`).
    """
    writer = csv.DictWriter(out, fieldnames=LOG_COLUMNS)
    writer.writeheader()
    count = 0
    for row in log_rows(store):
        writer.writerow({key: sheet_safe(value) for key, value in row.items()})
        count += 1
    return count


def write_json(store: Store, out: IO[str]) -> int:
    """Writes the log as one JSON array of objects; returns the rows written."""
    out.write("[")
    count = 0
    for row in log_rows(store):
        out.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


FORMATS = ("csv", "json")
_JOURNAL = ("-wal", "-shm", "-journal")


def save_log(store: Store, path: Path, fmt: str) -> int:
    """Writes the review log to the file ``path`` as ``fmt`` (csv or json), whole or
    not at all; returns the rows written.

    The rows go to a temporary file beside ``path``, which replaces it only once
    complete: an export that fails or is killed half-way leaves no truncated file
    that looks complete. The database itself (or its journal) is refused as a target.

    Raises:
        QuizError: the path is the database, or cannot be written.
    """
    if fmt not in FORMATS:
        raise QuizError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    target = path.expanduser()
    database = store.path.resolve()
    own = {database, *(database.with_name(database.name + end) for end in _JOURNAL)}
    try:
        # A name too long, a folder on the way that cannot be searched, a NUL typed
        # into the app's box: each is a name this system refuses, said in one line.
        if target.resolve() in own:
            raise QuizError(f"{path} is your quiz database; export to another file")
        if target.is_dir():
            raise QuizError(f"{path} is a folder; give a file name, e.g. {path}/reviews.{fmt}")
    except (OSError, ValueError) as exc:
        raise QuizError(f"cannot write {path}: {_reason(exc)}") from None
    writer = write_csv if fmt == "csv" else write_json
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            count = writer(store, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except (OSError, ValueError) as exc:
        with contextlib.suppress(OSError, ValueError):
            temporary.unlink(missing_ok=True)
        raise QuizError(f"cannot write {path}: {_reason(exc)}") from None
    return count


def _reason(exc: OSError | ValueError) -> str:
    """Why a file could not be written, in lower case: "permission denied"."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).lower()


def write_apkg(deck: Deck, path: Path) -> int:
    """Writes the cards as an Anki deck: question on the front; answer and key points
    on the back. Notes carry a stable id, so importing again updates, never duplicates.

    Returns:
        The number of notes written.
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
        genanki.Package(anki_deck).write_to_file(str(path))
    except (OSError, ValueError) as exc:
        raise QuizError(f"cannot write {path}: {_reason(exc)}") from None
    return len(deck)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
