"""Exports: the log as CSV and JSON, and the deck as an .apkg that real Anki imports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from quiz.deck import Deck
from quiz.export import LOG_COLUMNS, write_apkg, write_csv, write_json
from quiz.store import Store


def fill(store: Store) -> None:
    from datetime import date

    store.record(
        "mlp",
        4,
        "review",
        day=date(2026, 3, 1),
        ts_ms=1_772_000_000_000,
        answer='an MLP, "with" commas, and\na newline',
        answer_ms=12_000,
    )
    store.record("mlp", 2, "drill", day=date(2026, 3, 1), ts_ms=1_772_000_060_000)


def test_csv_round_trips_the_whole_log(store: Store) -> None:
    fill(store)
    out = io.StringIO()
    assert write_csv(store, out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == LOG_COLUMNS
    assert [r["grade"] for r in rows] == ["4", "2"]
    assert rows[0]["answer"] == 'an MLP, "with" commas, and\na newline'
    assert rows[0]["ef_before"] == "2.5" and rows[0]["interval_after"] == "1"
    assert rows[0]["time"].startswith("2026-")  # local time, ISO 8601


def test_json_is_one_document_with_every_row(store: Store) -> None:
    fill(store)
    out = io.StringIO()
    assert write_json(store, out) == 2
    rows = json.loads(out.getvalue())
    assert [r["mode"] for r in rows] == ["review", "drill"] and rows[1]["answer_ms"] is None


def test_empty_log_exports_are_valid(store: Store) -> None:
    out = io.StringIO()
    write_json(store, out)
    assert json.loads(out.getvalue()) == []


def test_apkg_imports_into_real_anki_once(deck: Deck, tmp_path: Path) -> None:
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageRequest

    package = tmp_path / "quiz.apkg"
    assert write_apkg(deck, package) == 15
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        for _ in range(2):
            collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(package)))
        note_ids = collection.find_notes("")
        assert len(note_ids) == 15  # the second import added nothing
        notes = [collection.get_note(nid) for nid in note_ids]
        questions = {note["Question"] for note in notes}
        assert {c.question.replace("&", "&amp;") for c in deck} == questions
        softmax = next(n for n in notes if "Softmax" in n["Question"])
        assert "<h2>Answer</h2>" in softmax["Answer"] and "<li>" in softmax["KeyPoints"]
        assert collection.decks.by_name("Deep-learning interview") is not None
    finally:
        collection.close()
