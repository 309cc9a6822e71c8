"""Exports: the review log as CSV or JSON, and the cards as an Anki deck (.apkg)."""

from __future__ import annotations

import csv
import json
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
        values = dict(row)
        moment = datetime.fromtimestamp(values["ts_ms"] / 1000, tz=UTC).astimezone()
        values["time"] = moment.isoformat(timespec="seconds")
        for key in ("ef_before", "ef_after"):
            values[key] = None if values[key] is None else values[key] / 100
        yield {column: values.get(column) for column in LOG_COLUMNS}


def write_csv(store: Store, out: IO[str]) -> int:
    """Writes the log as CSV with a header row; returns the rows written."""
    writer = csv.DictWriter(out, fieldnames=LOG_COLUMNS)
    writer.writeheader()
    count = 0
    for row in log_rows(store):
        writer.writerow(row)
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
    markdown = MarkdownIt("commonmark").enable("table")
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
    except OSError as exc:
        raise QuizError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(deck)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
