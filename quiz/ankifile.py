"""Reads the notes of an Anki package (``.apkg``) or collection (``.colpkg``).

Both are zip files holding the collection, an SQLite database: ``collection.anki21b``
(Anki 2.1.50 and later: zstd-compressed, schema 18, note types in the ``notetypes``
and ``fields`` tables), else ``collection.anki21`` or ``collection.anki2`` (schema 11,
note types as JSON in ``col.models``; genanki writes this one). A newer package also
holds a ``collection.anki2`` that only says "please update": the newest one present
is read. Only notes are read (fields, tags, note type); scheduling and media are not.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from quiz.errors import QuizError

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
MAX_COLLECTION_BYTES = 2_000_000_000  # unpacked; a zip bomb stops here


@dataclass(frozen=True)
class Note:
    """One Anki note: its stable ``guid``, its fields by name in order, its tags, and
    whether its note type is a cloze one."""

    guid: str
    fields: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    cloze: bool


def read_notes(path: Path) -> list[Note]:
    """The notes of the Anki file ``path``.

    Raises:
        QuizError: the file cannot be read, is not a zip, holds no collection, or its
            collection is damaged; one line naming the file.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            name = next((n for n in COLLECTIONS if n in names), None)
            if name is None:
                raise QuizError(
                    f"{path} holds no Anki collection ({', '.join(COLLECTIONS)}); "
                    "export the deck from Anki again"
                )
            with tempfile.TemporaryDirectory(prefix="quiz-import-") as folder:
                db = Path(folder) / "collection.db"
                _unpack(archive, name, db, compressed=name.endswith("b"))
                return _notes(db)
    except zipfile.BadZipFile:
        raise QuizError(f"{path} is not an Anki file (not a zip archive)") from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted, or an unknown method
        raise QuizError(f"{path}: its collection cannot be unpacked ({exc})") from None
    except (OSError, EOFError) as exc:
        raise QuizError(f"cannot read {path}: {exc}") from None
    except sqlite3.Error as exc:
        raise QuizError(f"{path}: its collection cannot be read ({exc}); is it damaged?") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise QuizError(f"{path}: its collection is not as Anki writes it ({exc})") from None


def _unpack(archive: zipfile.ZipFile, name: str, target: Path, *, compressed: bool) -> None:
    """Copies ``name`` out of the archive to ``target``, zstd-decompressed if need be,
    stopping at :data:`MAX_COLLECTION_BYTES`."""
    with archive.open(name) as source, target.open("wb") as out:
        if not compressed:
            _copy(source, out)
            return
        import zstandard

        try:
            with zstandard.ZstdDecompressor().stream_reader(source) as reader:
                _copy(reader, out)
        except zstandard.ZstdError as exc:
            raise ValueError(f"{name} is not zstd data: {exc}") from None


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _copy(reader: _Readable, out: BinaryIO) -> None:
    written = 0
    while chunk := reader.read(1 << 20):
        written += len(chunk)
        if written > MAX_COLLECTION_BYTES:
            raise ValueError("the collection unpacks to over 2 GB")
        out.write(chunk)


def _notes(db: Path) -> list[Note]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "notes" not in tables:
            raise ValueError("it has no notes table")
        kinds = _types_18(conn) if "notetypes" in tables else _types_11(conn)
        notes = []
        for guid, mid, flds, tags in conn.execute(
            "SELECT guid, mid, flds, tags FROM notes ORDER BY id"
        ):
            names, cloze = kinds.get(mid, ((), False))
            values = str(flds).split("\x1f")
            named = tuple(
                (names[i] if i < len(names) else f"Field {i + 1}", v) for i, v in enumerate(values)
            )
            notes.append(Note(str(guid), named, tuple(str(tags).split()), cloze))
        return notes
    finally:
        conn.close()


def _types_11(conn: sqlite3.Connection) -> dict[int, tuple[tuple[str, ...], bool]]:
    """Note types of a schema-11 collection: field names, and cloze (type 1)."""
    (models,) = conn.execute("SELECT models FROM col").fetchone()
    kinds: dict[int, tuple[tuple[str, ...], bool]] = {}
    for mid, model in json.loads(models).items():
        fields = sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))
        kinds[int(mid)] = (tuple(str(f["name"]) for f in fields), model.get("type") == 1)
    return kinds


def _types_18(conn: sqlite3.Connection) -> dict[int, tuple[tuple[str, ...], bool]]:
    """Note types of a schema-18 collection. The kind is field 1 of the protobuf
    ``Notetype.Config`` in ``notetypes.config`` (1: cloze; absent: normal)."""
    names: dict[int, list[str]] = {}
    for ntid, _, name in conn.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
        names.setdefault(int(ntid), []).append(str(name))
    kinds = {}
    for ntid, config in conn.execute("SELECT id, config FROM notetypes"):
        kinds[int(ntid)] = (tuple(names.get(int(ntid), [])), _proto_field_1(bytes(config)) == 1)
    return kinds


def _proto_field_1(data: bytes) -> int:
    """The varint field 1 of a protobuf message (0, its default, when absent)."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
            if number == 1:
                return value
        elif wire == 2:
            length, i = _varint(data, i)
            i += length
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            return 0
    return 0


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while i < len(data):
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i
        shift += 7
    return value, i
