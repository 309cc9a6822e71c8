"""The deck: loads and validates the topic cards in ``content/*.md``.

A card is a Markdown file that opens with TOML front matter between two ``+++``
lines (see the content format in the design). A broken file is reported as one
:class:`QuizError` that names the file, the line where one can be found, and the field.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pickle
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from quiz.dbfile import reason
from quiz.errors import QuizError
from quiz.frozen import frozen
from quiz.text import file_kind

FENCE = "+++"
MAX_CARD_BYTES = 1_000_000  # the largest card is some 7 kB: a file this size is not a card
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
REQUIRED = ("id", "title", "question", "key_points")
FIELDS = (
    "id",
    "topic",
    "kind",
    "number",
    "title",
    "question",
    "tags",
    "demo",
    "demo_params",
    "references",
    "key_points",
    "misconceptions",
    "predict",
)
KINDS = ("explain", "derive", "compute", "debug", "trap", "predict")
TAG_PATTERN = ID_PATTERN


@frozen
class KeyPoint:
    """A point a good answer makes, and the phrases that show a typed answer made it.

    ``keywords`` are the first format's words, kept as written; the checker reads them
    as phrases (see :mod:`quiz.checker`).
    """

    text: str
    keywords: tuple[str, ...]
    phrases: tuple[str, ...] = ()


Condition = bool | str | tuple[str, float, float]  # a value, or (test, low, high)


@frozen
class Choice:
    """One answer a ``predict`` card offers, and when the demo's result makes it right.

    ``when`` is compared with the demo's ``done`` metric: a bool or a text must be equal;
    ``("below", x, 0)``, ``("above", x, 0)`` and ``("between", low, high)`` bound a number.
    """

    text: str
    when: Condition


@frozen
class Prediction:
    """What a ``predict`` card asks: which choice the demo (run with the card's
    ``demo_params``) bears out, read from the metric ``metric`` of its ``done`` event."""

    metric: str
    choices: tuple[Choice, ...]


@frozen
class Misconception:
    """A wrong claim candidates make, how to recognise it and how to put it right.

    ``contradicts`` holds the key points the claim vetoes, counted from 1 as in the file.
    """

    claim: str
    phrases: tuple[str, ...]
    correction: str
    contradicts: tuple[int, ...] = ()


@frozen
class Card:
    """One card: its question, model answer, the demo behind it and its place in a topic.

    A core card is one whose ``topic`` is its own id; the fifteen built-in topics are
    core cards. A follow-up card names its core card's id as its ``topic`` and takes
    that card's ``number``.
    """

    id: str
    number: int
    title: str
    question: str
    demo: str  # empty when the card has no demo
    key_points: tuple[KeyPoint, ...]
    references: tuple[str, ...]
    body: str
    path: Path
    topic: str = ""
    kind: str = "explain"
    tags: tuple[str, ...] = ()
    demo_params: tuple[tuple[str, Any], ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    predict: Prediction | None = None
    origin: str = "built-in"  # built-in | user | override (a user's copy of a built-in card)

    @property
    def is_core(self) -> bool:
        """True for a topic's own card (its topic is itself)."""
        return self.topic in ("", self.id)

    @property
    def is_predict(self) -> bool:
        """A ``predict`` card (the only kind with :attr:`predict`; read from the kind,
        so that a cached card need not read its heavy fields to say)."""
        return self.kind == "predict"

    @property
    def topic_id(self) -> str:
        """The id of the topic's core card (this card's own id for a core card)."""
        return self.topic or self.id

    def demo_preset(self) -> dict[str, Any]:
        """The demo's preset parameters, by name (empty when the card has none)."""
        return dict(self.demo_params)

    def demo_texts(self) -> dict[str, str]:
        """The preset's values as ``--set`` reads them, by name (the demo runner and
        the demo screen's form take these)."""
        return {name: _setting_text(value) for name, value in self.demo_params}

    def demo_settings(self) -> list[str]:
        """The preset as ``KEY=VALUE`` texts, as ``--set`` takes them."""
        return [f"{name}={text}" for name, text in self.demo_texts().items()]


@frozen
class Deck:
    """The cards in order of their number.

    ``skipped`` holds one line per user card that was not loaded (see
    :mod:`quiz.userdeck`); ``user_folder`` is the folder the user's cards came from,
    ``builtin`` the built-in deck they joined; ``unchecked``: the user's cards are as
    the last load found them, their files not looked at yet (a start's deck, see
    :func:`quiz.userdeck.changed`).
    """

    cards: tuple[Card, ...]
    skipped: tuple[str, ...] = ()
    user_folder: Path | None = None
    builtin: Deck | None = field(default=None, compare=False, repr=False)
    unchecked: bool = field(default=False, compare=False)

    def __iter__(self) -> Iterator[Card]:
        return iter(self.cards)

    def __len__(self) -> int:
        return len(self.cards)

    def get(self, card_id: str) -> Card | None:
        """The card with this id, or None (a dict lookup: a deck may hold thousands)."""
        return self._by_id.get(card_id)

    @property
    def by_id(self) -> Mapping[str, Card]:
        """The cards by id (made once: a deck may hold thousands)."""
        return self._by_id

    @functools.cached_property
    def _by_id(self) -> dict[str, Card]:
        return {c.id: c for c in self.cards}

    @functools.cached_property
    def introduction_order(self) -> tuple[Card, ...]:
        """Every card in the order new ones are introduced: the core cards in deck
        order, then the follow-ups a topic at a time in turn (every topic's first
        follow-up, then every topic's second...), in deck order within a turn. Made
        once per deck: the day's queue filters it rather than sorting the deck."""
        turns: list[list[Card]] = [[]]  # the cards of each turn, in deck order
        rank: dict[str, int] = {}  # topic -> follow-ups of it ranked so far
        for card in self.cards:
            topic = card.topic
            if topic in ("", card.id):  # a core card
                turns[0].append(card)
                continue
            turn = rank[topic] = rank.get(topic, 0) + 1
            if turn == len(turns):
                turns.append([])
            turns[turn].append(card)
        return tuple(card for cards in turns for card in cards)

    @property
    def ids(self) -> list[str]:
        """The card ids in deck order."""
        return [c.id for c in self.cards]

    @property
    def topics(self) -> list[Card]:
        """The core cards, one per topic, in deck order."""
        return list(self._topics)

    @functools.cached_property
    def _topics(self) -> tuple[Card, ...]:  # made once: the header asks for every card
        return tuple(c for c in self.cards if c.is_core)

    def of_topic(self, topic_id: str) -> list[Card]:
        """The cards of one topic: its core card first, then its follow-ups."""
        return list(self._by_topic.get(topic_id, ()))

    @functools.cached_property
    def _by_topic(self) -> dict[str, list[Card]]:
        # Grouped once: Browse and the progress screen ask for every topic's cards,
        # and a pass over 2,000 cards a topic was 10 ms of opening Browse.
        groups: dict[str, list[Card]] = {}
        for card in self.cards:
            groups.setdefault(card.topic_id, []).append(card)
        return groups


# A card's fields a cache keeps apart: the light ones load with the deck, the heavy
# ones when first asked for (see CachedCard).
LIGHT = ("id", "number", "title", "question", "demo", "topic", "kind", "tags", "origin")
HEAVY = ("key_points", "references", "body", "demo_params", "misconceptions", "predict")
_STORED = frozenset((*LIGHT, "_file", "_where"))  # a cached card's fields, as kept


class Details:
    """The details file a set of cached cards reads its heavy fields from: read whole
    the first time a card asks (or kept from the run that wrote it), and checked to
    be the file the index was written with."""

    def __init__(self, name: str, token: bytes) -> None:
        self.name, self.token = name, token
        self.data: bytes | None = None

    def fields(self, card: CachedCard) -> dict[str, Any] | None:
        """The card's heavy fields by name, or None when the file is gone or is not
        the one its index named (another quiz rewrote it since)."""
        if self.data is None:
            from quiz import deckcache

            data = deckcache.read_bytes(self.name)
            self.data = data if data is not None and data.startswith(self.token) else b""
        start, length = card._where
        if not self.data or start + length > len(self.data):
            return None
        try:
            values = pickle.loads(self.data[start : start + length])
            return dict(zip(HEAVY, values, strict=True))
        except Exception:  # a damaged file: the card is parsed again
            return None


class CachedCard(Card):
    """A card from a cache (:func:`load_deck`'s, :mod:`quiz.cardcache`'s): its light
    fields are there, its heavy ones (:data:`HEAVY`) are read from its cache's details
    file the first time one is asked for, or parsed from its file again when that
    file is gone. It equals the :class:`Card` parsed from the same file.
    """

    _details: Details
    _where: tuple[int, int]
    _parse: Callable[[Path], Card]

    _file: str

    def _read_heavy(self) -> None:
        """Reads the heavy fields into the card (see :class:`_Lazy`)."""
        fields = self._details.fields(self)
        if fields is None:  # the cache went away: the file itself
            try:
                parsed = self._parse(self.path)
                fields = {field: getattr(parsed, field) for field in HEAVY}
            except QuizError as exc:  # broken since the start: say so in the answer
                fields = {field: getattr(_EMPTY, field) for field in HEAVY}
                fields["body"] = f"This card could not be read again: {exc}"
        self.__dict__.update(fields)

    def __eq__(self, other: object) -> bool:  # as a Card's: every field
        if not isinstance(other, Card):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in _FIELDS)

    def __hash__(self) -> int:  # as a Card's: every field, in order
        return hash(tuple(getattr(self, f.name) for f in _FIELDS))

    def __copy__(self) -> CachedCard:  # still lazy (the deck numbers its copies)
        card = CachedCard.__new__(CachedCard)
        card.__dict__.update(self.__dict__)
        return card

    def __reduce__(self) -> tuple[Any, ...]:  # a plain card, with every field
        fields = {f: getattr(self, f) for f in (*HEAVY, "path")}
        return (_plain, (self.__dict__ | fields,))

    def same(self, other: Card) -> bool:
        """True when ``other`` is this card read from the same cache entry again (no
        field read: what :func:`quiz.userdeck.changed` compares)."""
        return (
            isinstance(other, CachedCard)
            and self._where == other._where
            and self._details.token == other._details.token
            and self._file == other._file
            and all(self.__dict__[f] == other.__dict__[f] for f in LIGHT)
        )


class _Lazy:
    """A field of :class:`CachedCard` read when first asked for. A descriptor, not
    ``__getattr__``: Card's fields with a default (``predict = None``...) are class
    attributes, which a lookup finds before it would ever call ``__getattr__``. Once
    read, the value sits in the card's own ``__dict__``, which a lookup takes first."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, card: CachedCard | None, owner: type | None = None) -> Any:
        if card is None:
            return self
        fields = card.__dict__
        if self.name not in fields:
            if self.name == "path":  # made when asked for: 2,000 Paths take 5 ms
                fields["path"] = Path(card._file)
            else:
                card._read_heavy()
        return fields[self.name]


for _name in (*HEAVY, "path"):
    setattr(CachedCard, _name, _Lazy(_name))


def _plain(fields: dict[str, Any]) -> Card:
    card = Card.__new__(Card)
    card.__dict__.update({k: v for k, v in fields.items() if not k.startswith("_")})
    return card


_EMPTY = Card("", 0, "", "", "", (), (), "", Path())
_FIELDS = dataclasses.fields(Card)


def kept_fields(
    card: Card, where: tuple[int, int], shared: dict[Any, Any] | None = None
) -> dict[str, Any]:
    """What a cache keeps of ``card`` to make it a :class:`CachedCard` again: its
    light fields, its file and where its heavy fields are in the details.

    ``shared`` (one dict for all the cards kept together) makes equal topics, kinds,
    tags and demos one object: pickle then writes each once, and reading 2,000 cards
    makes a third fewer objects."""
    fields = {f: getattr(card, f) for f in LIGHT}
    if shared is not None:
        for name in ("topic", "kind", "tags", "demo", "origin"):
            fields[name] = shared.setdefault(fields[name], fields[name])
    return fields | {"_file": str(card.path), "_where": where}


def heavy_fields(card: Card) -> bytes:
    """``card``'s heavy fields as the details file holds them."""
    return pickle.dumps(tuple(getattr(card, f) for f in HEAVY), protocol=pickle.HIGHEST_PROTOCOL)


def cached_cards(
    kept: Sequence[dict[str, Any]], details: Details, parse: Callable[[Path], Card]
) -> list[CachedCard] | None:
    """The cards ``kept`` (:func:`kept_fields`) as :class:`CachedCard`, their heavy
    fields in ``details``; None when one is not as kept. Each dict becomes its card's
    own: 2,000 cards in 0.6 ms, against 2.2 ms set field by field."""
    cards: list[CachedCard] = []
    new, set_fields = CachedCard.__new__, object.__setattr__
    for fields in kept:
        if fields.__class__ is not dict or not fields.keys() >= _STORED:
            return None
        card = new(CachedCard)
        set_fields(card, "__dict__", fields)
        fields["_details"], fields["_parse"] = details, parse
        cards.append(card)
    return cards


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
    paths = sorted(_card_paths(folder), key=os.fspath)  # Path's own order: 10x slower
    if not paths:
        raise QuizError(f"no cards (*.md files) in {folder}")
    from quiz import deckcache  # parsed once, kept until a card changes

    digest = deckcache.key(folder, paths, demos)
    if digest:
        cached = _cached_deck(digest, demos)
        if cached is not None:
            return cached
    cards = [parse_card(p, demos) for p in paths]
    _check_unique(cards, "id")
    _check_unique([c for c in cards if c.is_core], "number")
    deck = Deck(tuple(_in_deck_order(cards)))
    if digest:
        _keep(digest, deck)
    return deck


DECK_INDEX, DECK_DETAILS = "deck.pickle", "deck.details"  # in deckcache's folder


def _keep(digest: str, deck: Deck) -> None:
    """Caches ``deck`` for the next start: its cards' light fields in one file, their
    heavy fields in another, read when first asked for (a start reads 105 cards in
    1 ms rather than 5)."""
    from quiz import deckcache

    token = os.urandom(16)  # names the details file the index goes with
    chunks, kept, offset = [token], [], len(token)
    shared: dict[Any, Any] = {}
    for card in deck:
        blob = heavy_fields(card)
        kept.append(kept_fields(card, (offset, len(blob)), shared))
        chunks.append(blob)
        offset += len(blob)
    if deckcache.write_bytes(DECK_DETAILS, b"".join(chunks)):
        deckcache.write(digest, (token, kept), DECK_INDEX)


def _cached_deck(digest: str, demos: Collection[str]) -> Deck | None:
    """The deck :func:`_keep` kept under ``digest``, or None."""
    from quiz import deckcache

    value = deckcache.read(digest, DECK_INDEX)
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    token, kept = value
    if not isinstance(token, bytes) or deckcache.read_bytes(DECK_DETAILS, len(token)) != token:
        return None

    def parse(path: Path) -> Card:
        return parse_card(path, demos)

    cards = cached_cards(kept, Details(DECK_DETAILS, token), parse)
    return None if cards is None else Deck(tuple(cards))


def _in_deck_order(cards: Sequence[Card]) -> list[Card]:
    """Follow-up cards take their topic's number and come after its core card, by file
    name. Raises QuizError for a topic that is not a core card or a number that is not
    the topic's."""
    core = {c.id: c for c in cards if c.is_core}
    placed = []
    for card in cards:
        if card.is_core:
            placed.append(card)
            continue
        home = core.get(card.topic)
        if home is None:
            other = next((c for c in cards if c.id == card.topic), None)
            problem = (
                f"names {card.topic!r}, a follow-up card of {other.topic!r}; name that core card"
                if other is not None
                else f"names {card.topic!r}, which is no card's id; valid topics: "
                + ", ".join(sorted(core))
            )
            raise field_error(card.path, "topic", problem)
        if card.number not in (0, home.number):
            raise field_error(
                card.path,
                "number",
                f"is {card.number} but topic {home.id!r} is number {home.number}; "
                "leave it out on a follow-up card",
            )
        placed.append(replace(card, number=home.number))
    return sorted(placed, key=lambda c: (c.number, not c.is_core, c.path.name))


def field_error(path: Path, field: str, problem: str) -> QuizError:
    """A QuizError for ``field`` of the card at ``path``, found again in the file."""
    try:
        text = _read_card(path)
    except QuizError:
        text = ""
    return text_field_error(path, text, field, problem)


def text_field_error(path: Path, text: str, field: str, problem: str) -> QuizError:
    """A QuizError for ``field`` of the card text ``text`` (the file ``path``)."""
    lines = text.split("\n")
    start = comment_lines(lines)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == FENCE), len(lines))
    return _Fields(path, {}, lines[start + 1 : end], start).error(field, problem)


def comment_lines(lines: Sequence[str]) -> int:
    """How many lines before the opening ``+++`` are comments (``#``) or blank: a
    block quiz writes on top of a card in the editor, and drops when it saves."""
    count = 0
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        count += 1
    return count if count < len(lines) else 0


def check_demo_params(card: Card) -> None:
    """Checks the card's ``demo_params`` against its demo's declared parameters, as
    ``--set`` would. Imports the demo (and so NumPy): for the deck's checks, not start-up.

    Raises:
        QuizError: naming the card file, the field and what the demo accepts.
    """
    if not card.demo_params or not card.demo:
        return
    import solvers
    from solvers.params import ParamError

    declared = {p.name: p for p in solvers.load(card.demo).PARAMS}
    for name, value in card.demo_params:
        param = declared.get(name)
        if param is None:
            raise field_error(
                card.path,
                f"demo_params.{name}",
                f"is not a parameter of demo {card.demo!r}; its parameters: " + ", ".join(declared),
            )
        try:
            param.parse(_setting_text(value))
        except ParamError as exc:
            raise field_error(card.path, f"demo_params.{name}", str(exc)) from None


def _setting_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


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


def parse_card(path: Path, demos: Collection[str], *, user: bool = False) -> Card:
    """Parses and validates one card file.

    Args:
        path: the card file.
        demos: the valid demo names.
        user: a card of the user's: a core card may leave out its ``number`` (the
            deck numbers the user's topics after the built-in ones).

    Raises:
        QuizError: naming the file, the line where known, and what is wrong.
    """
    return parse_text(path, _read_card(path), demos, user=user)


def parse_text(path: Path, text: str, demos: Collection[str], *, user: bool = False) -> Card:
    """Parses and validates the text of a card (see :func:`parse_card`); ``path`` is
    the file it is named by. Comment lines before the opening ``+++`` are skipped,
    and line numbers count them.

    Raises:
        QuizError: naming the file, the line where known, and what is wrong.
    """
    # Split on line feeds only: read_text made every line end one, and splitlines()
    # would also split inside a string at U+2028, U+0085 and other separators.
    lines = text.split("\n")
    start = comment_lines(lines)
    if not lines or lines[start].strip() != FENCE:
        raise QuizError(
            f"{path}:{start + 1}: a card must start with a '+++' line (TOML front matter)"
        )
    try:
        end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise QuizError(f"{path}: the front matter has no closing '+++' line") from None
    front = "\n".join(lines[start + 1 : end])
    body = "\n".join(lines[end + 1 :]).strip()
    import tomllib  # here: a start reads the parsed cards from the cache (quiz.deckcache)

    try:
        data = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        raise QuizError(f"{path}: invalid TOML: {_shift_lines(str(exc), start + 1)}") from None
    except RecursionError:  # tomllib parses arrays and tables in arrays recursively
        raise QuizError(f"{path}: invalid TOML: nested too deeply") from None
    return _validate(path, data, body, lines[start + 1 : end], demos, start, user)


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

    def __init__(
        self, path: Path, data: dict[str, Any], front_lines: list[str], start: int = 0
    ) -> None:
        self.path, self.data, self.front_lines = path, data, front_lines
        self.start = start  # lines before the opening fence

    def error(self, field: str, problem: str) -> QuizError:
        line = self.line_of(field)
        where = f"{self.path}:{line}" if line else str(self.path)
        return QuizError(f"{where}: field '{field}' {problem}")

    def line_of(self, field: str) -> int | None:
        """The line of ``field`` in the file: ``key_points[2].phrases[0]`` is the
        ``phrases`` line of the third ``[[key_points]]`` table."""
        match = re.match(r"(\w+)(?:\[(\d+)\])?(?:\.(\w+))?", field)
        root, index, sub = (
            (match.group(1), match.group(2), match.group(3)) if match else (field, None, None)
        )
        start = 0
        if index is not None:
            tables = [
                i for i, t in enumerate(self.front_lines) if re.match(rf"\s*\[\[{root}\]\]", t)
            ]
            if int(index) < len(tables):
                start = tables[int(index)]
                root = sub or root
        found = next(
            (
                i
                for i in range(start, len(self.front_lines))
                if re.match(rf"\s*\[{{0,2}}{re.escape(root)}\b", self.front_lines[i])
            ),
            start if index is not None and start else None,
        )
        # +1 for the fence, +1 to count from 1
        return None if found is None else found + 2 + self.start

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(field, "must be non-empty text")
        return value.strip()

    def texts(self, value: Any, field: str, allow_empty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not allow_empty):
            raise self.error(field, "must be a non-empty list of text")
        return tuple(self.text(v, f"{field}[{i}]") for i, v in enumerate(value))


def _validate(
    path: Path,
    data: dict[str, Any],
    body: str,
    front_lines: list[str],
    demos: Collection[str],
    start: int = 0,
    user: bool = False,
) -> Card:
    f = _Fields(path, data, front_lines, start)
    for name in REQUIRED:
        if name not in data:
            raise f.error(name, "is missing")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise f.error(unknown[0], f"is not a card field (fields: {', '.join(FIELDS)})")
    card_id = f.text(data["id"], "id")
    if not ID_PATTERN.fullmatch(card_id):
        raise f.error("id", f"{card_id!r} must be lower-case words joined by '-'")
    topic = f.text(data.get("topic", card_id), "topic")
    if not ID_PATTERN.fullmatch(topic):
        raise f.error("topic", f"{topic!r} must be a card id (lower-case words joined by '-')")
    number = data.get("number", 0)
    if "number" in data and (type(number) is not int or number < 1):
        raise f.error("number", "must be a whole number from 1")
    if topic == card_id and "number" not in data and not user:
        raise f.error("number", "is missing (a core card, whose topic is itself, needs one)")
    kind = f.text(data.get("kind", "explain"), "kind")
    if kind not in KINDS:
        raise f.error("kind", f"is {kind!r}; kinds: {', '.join(KINDS)}")
    tags = f.texts(data.get("tags", []), "tags", allow_empty=True)
    for i, tag in enumerate(tags):
        if not TAG_PATTERN.fullmatch(tag):
            raise f.error(
                f"tags[{i}]", f"{tag!r} must be a lower-case word (or words joined by '-')"
            )
    demo = ""
    if "demo" in data:
        demo = f.text(data["demo"], "demo")
        if demo not in demos:
            raise f.error("demo", f"names unknown demo {demo!r}; valid demos: {', '.join(demos)}")
    params = data.get("demo_params", {})
    if not isinstance(params, dict):
        raise f.error("demo_params", "must be a table, e.g. demo_params = { lr = 0.1 }")
    if params and not demo:
        raise f.error("demo_params", "needs a demo to set them on")
    for name, value in params.items():
        if not _setting_value(value):
            raise f.error(
                f"demo_params.{name}", "must be a number, true/false, text or a list of numbers"
            )
    points = tuple(_key_points(f, data["key_points"]))
    misconceptions = tuple(_misconceptions(f, data.get("misconceptions", []), len(points)))
    prediction = _prediction(f, data.get("predict"), kind, demo)
    if not body:
        raise QuizError(f"{path}: the card has no answer after the front matter")
    return Card(
        id=card_id,
        number=number,
        title=f.text(data["title"], "title"),
        question=f.text(data["question"], "question"),
        demo=demo,
        key_points=points,
        references=f.texts(data.get("references", []), "references", allow_empty=True),
        body=body,
        path=path,
        topic=topic,
        kind=kind,
        tags=tuple(dict.fromkeys(tags)),
        demo_params=tuple(
            (str(k), tuple(v) if isinstance(v, list) else v) for k, v in params.items()
        ),
        misconceptions=misconceptions,
        predict=prediction,
    )


def _prediction(f: _Fields, raw: Any, kind: str, demo: str) -> Prediction | None:
    """The ``[predict]`` table of a ``predict`` card (and of no other kind)."""
    if kind != "predict":
        if raw is not None:
            raise f.error("predict", "belongs to a card of kind 'predict'")
        return None
    if raw is None:
        raise f.error("predict", "is missing (a predict card says which metric decides)")
    if not demo:
        raise f.error("demo", "is missing (a predict card runs a demo to decide)")
    if not isinstance(raw, dict) or set(raw) - {"metric", "choices"}:
        raise f.error("predict", "must be a table with 'metric' and [[predict.choices]]")
    metric = f.text(raw.get("metric"), "predict.metric")
    raw_choices = raw.get("choices")
    if not isinstance(raw_choices, list) or len(raw_choices) < 2:
        raise f.error("predict.choices", "needs at least two [[predict.choices]]")
    choices = []
    for i, item in enumerate(raw_choices):
        field = f"predict.choices[{i}]"
        if not isinstance(item, dict) or set(item) != {"text", "when"}:
            raise f.error(field, "must have 'text' and 'when'")
        choices.append(
            Choice(f.text(item["text"], f"{field}.text"), _condition(f, item["when"], field))
        )
    return Prediction(metric, tuple(choices))


def _condition(f: _Fields, raw: Any, field: str) -> Condition:
    if isinstance(raw, bool | str):
        return raw
    if isinstance(raw, dict) and len(raw) == 1:
        ((test, bound),) = raw.items()
        if (
            test in ("below", "above")
            and isinstance(bound, int | float)
            and not isinstance(bound, bool)
        ):
            return (test, float(bound), 0.0)
        if (
            test == "between"
            and isinstance(bound, list)
            and len(bound) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bound)
        ):
            return ("between", float(bound[0]), float(bound[1]))
    raise f.error(
        f"{field}.when",
        "must be true/false, a text, or { below = x }, { above = x }, { between = [a, b] }",
    )


def _setting_value(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
    return isinstance(value, str | int | float | bool)


def _phrases(f: _Fields, raw: dict[str, Any], key: str, field: str) -> tuple[str, ...]:
    """The phrases under ``key``, each checked against the phrase syntax."""
    if key not in raw:
        return ()
    phrases = f.texts(raw[key], f"{field}.{key}")
    if key == "phrases":
        for j, phrase in enumerate(phrases):
            from quiz.phrases import syntax_error

            problem = syntax_error(phrase)
            if problem is not None:
                raise f.error(f"{field}.{key}[{j}]", f"{phrase!r} {problem}")
    return phrases


def _key_points(f: _Fields, raw_points: Any) -> Iterator[KeyPoint]:
    if not isinstance(raw_points, list) or not raw_points:
        raise f.error("key_points", "must be one or more [[key_points]] tables")
    for i, raw in enumerate(raw_points):
        field = f"key_points[{i}]"
        if (
            not isinstance(raw, dict)
            or "text" not in raw
            or not set(raw) - {"text"}
            or not set(raw) <= {"text", "keywords", "phrases"}
        ):
            raise f.error(field, "must have 'text' and 'phrases' (or the older 'keywords')")
        yield KeyPoint(
            f.text(raw["text"], f"{field}.text"),
            _phrases(f, raw, "keywords", field),
            _phrases(f, raw, "phrases", field),
        )


def _misconceptions(f: _Fields, raw_list: Any, points: int) -> Iterator[Misconception]:
    if not isinstance(raw_list, list):
        raise f.error("misconceptions", "must be [[misconceptions]] tables")
    for i, raw in enumerate(raw_list):
        field = f"misconceptions[{i}]"
        needed = {"claim", "phrases", "correction"}
        if not isinstance(raw, dict) or not needed <= set(raw) <= needed | {"contradicts"}:
            raise f.error(
                field, "must have 'claim', 'phrases' and 'correction' (and may have 'contradicts')"
            )
        contradicts = raw.get("contradicts", [])
        if not isinstance(contradicts, list) or any(
            type(n) is not int or not 1 <= n <= points for n in contradicts
        ):
            raise f.error(
                f"{field}.contradicts",
                f"must list key points by their number, 1 to {points}",
            )
        yield Misconception(
            claim=f.text(raw["claim"], f"{field}.claim"),
            phrases=_phrases(f, raw, "phrases", field),
            correction=f.text(raw["correction"], f"{field}.correction"),
            contradicts=tuple(dict.fromkeys(contradicts)),
        )


def read_card(path: Path) -> str:
    """The text of the card file ``path`` (refused, unread, if it is not a regular
    file of at most 1 MB or not UTF-8).

    Raises:
        QuizError: naming the file and what is wrong with it.
    """
    return _read_card(path)
