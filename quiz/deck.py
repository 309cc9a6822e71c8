"""The deck: loads and validates the topic cards in ``content/*.md``.

A card is a Markdown file that opens with TOML front matter between two ``+++``
lines (see the content format in the design). A broken file is reported as one
:class:`QuizError` that names the file, the line where one can be found, and the field.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quiz.dbfile import reason
from quiz.errors import QuizError
from quiz.text import file_kind

FENCE = "+++"
MAX_CARD_BYTES = 1_000_000  # the largest card is some 7 kB: a file this size is not a card
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
REQUIRED = ("id", "number", "title", "question", "demo", "key_points", "references")


@dataclass(frozen=True)
class KeyPoint:
    """A point a good answer makes, and words that show a typed answer made it."""

    text: str
    keywords: tuple[str, ...]

    def mentioned_in(self, answer: str) -> bool:
        """True if ``answer`` contains any keyword (case-insensitive substring)."""
        lowered = answer.lower()
        return any(k.lower() in lowered for k in self.keywords)


@dataclass(frozen=True)
class Card:
    """One topic: its question, model answer and the demo behind it."""

    id: str
    number: int
    title: str
    question: str
    demo: str
    key_points: tuple[KeyPoint, ...]
    references: tuple[str, ...]
    body: str
    path: Path


@dataclass(frozen=True)
class Deck:
    """The cards in order of their number."""

    cards: tuple[Card, ...]

    def __iter__(self) -> Iterator[Card]:
        return iter(self.cards)

    def __len__(self) -> int:
        return len(self.cards)

    def get(self, card_id: str) -> Card | None:
        """The card with this id, or None."""
        return next((c for c in self.cards if c.id == card_id), None)

    @property
    def ids(self) -> list[str]:
        """The card ids in deck order."""
        return [c.id for c in self.cards]


def content_dir() -> Path:
    """Where the cards are: ``$QUIZ_CONTENT``, else inside the installed package
    (``quiz/content`` in a wheel), else ``content/`` beside the package (a checkout)."""
    env = os.environ.get("QUIZ_CONTENT")
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve().parent
    packaged = here / "content"
    return packaged if packaged.is_dir() else here.parent / "content"


def load_deck(folder: Path | None = None, demos: Collection[str] | None = None) -> Deck:
    """Loads and validates every ``*.md`` card in ``folder``.

    Args:
        folder: the content folder; :func:`content_dir` when None.
        demos: the valid demo names; the registry in :mod:`solvers` when None.

    Raises:
        QuizError: the folder has no cards, a card is broken, or two share an id or
            a number.
    """
    folder = content_dir() if folder is None else folder
    if demos is None:
        from solvers import DEMOS  # the registry only: no NumPy

        demos = DEMOS
    paths = sorted(_card_paths(folder))
    if not paths:
        raise QuizError(f"no cards (*.md files) in {folder}")
    cards = [parse_card(p, demos) for p in paths]
    _check_unique(cards, "id")
    _check_unique(cards, "number")
    return Deck(tuple(sorted(cards, key=lambda c: c.number)))


def _card_paths(folder: Path) -> Iterator[Path]:
    """The ``*.md`` names in ``folder``. Listed with scandir, not glob: glob takes a
    folder it cannot read for an empty one ("no cards"), hiding the reason."""
    try:
        with os.scandir(folder) as entries:
            # Hidden names skipped, as glob skips them (an editor's lock file, ".#x.md").
            names = [e.name for e in entries if e.name.endswith(".md") and e.name[0] != "."]
    except FileNotFoundError:
        raise QuizError(f"the content folder {folder} does not exist; set QUIZ_CONTENT") from None
    except NotADirectoryError:
        raise QuizError(f"the content folder {folder} is not a folder; set QUIZ_CONTENT") from None
    except OSError as exc:
        raise QuizError(f"cannot read the content folder {folder}: {reason(exc)}") from None
    return (folder / name for name in names)


def _check_unique(cards: Sequence[Card], field: str) -> None:
    seen: dict[object, Card] = {}
    for card in cards:
        value = getattr(card, field)
        if value in seen:
            raise QuizError(
                f"{card.path}: {field} {value!r} is also used by {seen[value].path.name}; "
                f"each card needs its own {field}"
            )
        seen[value] = card


def parse_card(path: Path, demos: Collection[str]) -> Card:
    """Parses and validates one card file.

    Raises:
        QuizError: naming the file, the line where known, and what is wrong.
    """
    text = _read_card(path)
    # Split on line feeds only: read_text made every line end one, and splitlines()
    # would also split inside a string at U+2028, U+0085 and other separators.
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise QuizError(f"{path}:1: a card must start with a '+++' line (TOML front matter)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise QuizError(f"{path}: the front matter has no closing '+++' line") from None
    front = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :]).strip()
    try:
        data = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        raise QuizError(f"{path}: invalid TOML: {_shift_lines(str(exc), 1)}") from None
    except RecursionError:  # tomllib parses arrays and tables in arrays recursively
        raise QuizError(f"{path}: invalid TOML: nested too deeply") from None
    return _validate(path, data, body, lines[1:end], demos)


def _read_card(path: Path) -> str:
    """The text of the card file ``path``, refused by its type and size before it is
    read: a pipe would wait for a writer forever, ``/dev/zero`` never ends.

    Raises:
        QuizError: naming the file and what is wrong with it.
    """
    try:
        kind = file_kind(path.stat().st_mode)
        if kind is not None:
            raise QuizError(f"{path}: a card must be a file, not {kind}")
        with path.open("rb") as f:
            if file_kind(os.fstat(f.fileno()).st_mode) is not None:  # swapped meanwhile
                raise QuizError(f"{path}: a card must be a file")
            data = f.read(MAX_CARD_BYTES + 1)
    except OSError as exc:
        raise QuizError(f"{path}: cannot read the card: {reason(exc)}") from None
    if len(data) > MAX_CARD_BYTES:
        size = path.stat().st_size / 1e6
        raise QuizError(
            f"{path}: the card is {size:.1f} MB; a card file can be at most "
            f"{MAX_CARD_BYTES // 1_000_000} MB"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuizError(
            f"{path}: cannot read the card: it is not UTF-8 text "
            f"(byte 0x{data[exc.start]:02x} at position {exc.start})"
        ) from None
    # As read_text() would: universal newlines (\r\n and \r become \n).
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _shift_lines(message: str, offset: int) -> str:
    """Rewrites tomllib's "(at line N, ...)" to count lines of the whole file."""
    return re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + offset}", message)


class _Fields:
    """Typed access to the front matter that raises a QuizError naming file, line and field."""

    def __init__(self, path: Path, data: dict[str, Any], front_lines: list[str]) -> None:
        self.path, self.data, self.front_lines = path, data, front_lines

    def error(self, field: str, problem: str) -> QuizError:
        root = field.split("[")[0].split(".")[0]
        line = next(
            (
                i + 2  # +1 for the opening fence, +1 to count from 1
                for i, text in enumerate(self.front_lines)
                if re.match(rf"\s*(\[\[)?{re.escape(root)}\b", text)
            ),
            None,
        )
        where = f"{self.path}:{line}" if line else str(self.path)
        return QuizError(f"{where}: field '{field}' {problem}")

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(field, "must be non-empty text")
        return value.strip()

    def texts(self, value: Any, field: str, allow_empty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not allow_empty):
            raise self.error(field, "must be a non-empty list of text")
        return tuple(self.text(v, f"{field}[{i}]") for i, v in enumerate(value))


def _validate(
    path: Path, data: dict[str, Any], body: str, front_lines: list[str], demos: Collection[str]
) -> Card:
    f = _Fields(path, data, front_lines)
    for name in REQUIRED:
        if name not in data:
            raise f.error(name, "is missing")
    unknown = sorted(set(data) - set(REQUIRED))
    if unknown:
        raise f.error(unknown[0], f"is not a card field (fields: {', '.join(REQUIRED)})")
    card_id = f.text(data["id"], "id")
    if not ID_PATTERN.fullmatch(card_id):
        raise f.error("id", f"{card_id!r} must be lower-case words joined by '-'")
    number = data["number"]
    if type(number) is not int or number < 1:
        raise f.error("number", "must be a whole number from 1")
    demo = f.text(data["demo"], "demo")
    if demo not in demos:
        raise f.error("demo", f"names unknown demo {demo!r}; valid demos: {', '.join(demos)}")
    raw_points = data["key_points"]
    if not isinstance(raw_points, list) or not raw_points:
        raise f.error("key_points", "must be one or more [[key_points]] tables")
    points = []
    for i, raw in enumerate(raw_points):
        field = f"key_points[{i}]"
        if not isinstance(raw, dict) or set(raw) != {"text", "keywords"}:
            raise f.error(field, "must have exactly 'text' and 'keywords'")
        keywords = f.texts(raw["keywords"], f"{field}.keywords")
        points.append(KeyPoint(f.text(raw["text"], f"{field}.text"), keywords))
    if not body:
        raise QuizError(f"{path}: the card has no answer after the front matter")
    return Card(
        id=card_id,
        number=number,
        title=f.text(data["title"], "title"),
        question=f.text(data["question"], "question"),
        demo=demo,
        key_points=tuple(points),
        references=f.texts(data["references"], "references", allow_empty=True),
        body=body,
        path=path,
    )
