"""Exports: the log as CSV and JSON, and the deck as an .apkg that real Anki imports."""

from __future__ import annotations

import csv
import io
import json
import os
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


def test_save_log_refuses_the_database_itself(store: Store) -> None:
    import pytest

    from quiz.errors import QuizError
    from quiz.export import save_log

    fill(store)
    before = store.path.read_bytes()
    for target in (store.path, store.path.with_name(store.path.name + "-wal")):
        with pytest.raises(QuizError, match="is your quiz database"):
            save_log(store, target, "csv")
    assert store.path.read_bytes() == before
    assert store.review_count() == 2


def test_save_log_writes_whole_or_not_at_all(store: Store, tmp_path: Path) -> None:
    import pytest

    from quiz import export
    from quiz.errors import QuizError

    fill(store)
    target = tmp_path / "reviews.csv"
    target.write_text("the previous export\n")

    def dies_half_way(store: Store, out: io.TextIOBase, rows: object = None) -> int:
        out.write("id,card_id\n1,mlp\n")  # part of the rows, then the disk fills
        raise OSError(28, "No space left on device")

    real = export.write_csv
    export.write_csv = dies_half_way  # type: ignore[assignment]
    try:
        with pytest.raises(QuizError, match="no space left on device"):
            export.save_log(store, target, "csv")
    finally:
        export.write_csv = real
    assert target.read_text() == "the previous export\n"  # untouched, not truncated
    assert not list(tmp_path.glob("*partial*")), "the half-written file was left behind"
    assert export.save_log(store, target, "json") == 2
    assert [row["grade"] for row in json.loads(target.read_text())] == [4, 2]


def test_save_log_reports_its_progress_and_stops_when_told(
    store: Store, tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    from quiz import export
    from quiz.errors import QuizError

    for _ in range(3):
        fill(store)  # six rows
    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(export, "PROGRESS_EVERY", 2)
    seen: list[tuple[int, int]] = []
    target = tmp_path / "reviews.csv"
    assert export.save_log(store, target, "csv", progress=lambda *p: seen.append(p)) == 6
    assert seen == [(0, 6), (2, 6), (4, 6), (6, 6), (6, 6)]
    assert len(list(csv.DictReader(target.open()))) == 6

    # Stopped half-way (escape in the app): nothing written, the old file kept.
    target.write_text("the previous export\n")

    def stop_at_four(done: int, total: int) -> None:
        if done >= 4:
            raise QuizError("the export was stopped; nothing was written")

    with pytest.raises(QuizError, match="stopped"):
        export.save_log(store, target, "json", progress=stop_at_four)
    assert target.read_text() == "the previous export\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".quiz-tmp")]


def test_a_file_named_up_to_the_file_systems_limit_can_be_exported_to(
    store: Store, tmp_path: Path
) -> None:
    # The temporary file beside it was named after it in full, 30 bytes longer:
    # names of 226-255 bytes failed with "file name too long".
    from quiz import export, tempfiles

    fill(store)
    for name in ("r" * 251 + ".csv", "é" * 125 + "r.csv"):  # 255 bytes each
        assert len(name.encode()) == 255
        target = tmp_path / name
        assert export.save_log(store, target, "csv") == 2
        assert len(list(csv.DictReader(target.open()))) == 2
        temporary = tempfiles.path_for(tmp_path, name)
        assert len(os.fsencode(temporary.name + "-journal")) <= 255
        assert tempfiles.clean([tmp_path]) == []  # nothing left, the name is still known
    names = {p.name for p in tmp_path.iterdir()}
    assert {"r" * 251 + ".csv", "é" * 125 + "r.csv"} <= names
    assert not [name for name in names if tempfiles.SUFFIX in name]
