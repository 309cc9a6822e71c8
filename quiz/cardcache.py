"""A cache of the user's parsed cards, so that 2,000 of them cost a few milliseconds
at every start rather than a second of TOML parsing.

Three files per card folder, in the private cache folder of :mod:`quiz.deckcache` (so
``QUIZ_CACHE`` moves them too, and a file anyone else could write is never read):

- ``cards-KEY.index``: for each card file, its size, modification time and inode,
  and either the one line that refused it or the card's light fields (id, topic,
  number, title, question, demo, kind, tags): all a start needs to order the day's
  cards and show the first one;
- ``cards-KEY.details``: each card's heavy fields (answer, key points, references,
  misconceptions, demo preset, choices), pickled one card at a time;
- ``cards-KEY.deck``: how the last full load put the deck together (the built-in
  cards by id, one's own as they were placed, the skipped lines), which the app's
  start takes as it is (:func:`placed`) and checks after its first card is up.

A card read through the index is a :class:`~quiz.deck.CachedCard`: a :class:`~quiz.deck.Card`
whose heavy fields are read from the details file the first time any of them is
asked for (Browse's search asks for all of them; the review screen for the card on
screen). A file whose size, time or inode changed is parsed again and the cache
rewritten; a cache written by another version of quiz, for other demos, or by a card
loader changed since, is ignored. The cache is only ever a copy: deleting it costs
one slow start, and one that cannot be read or written is passed over.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from quiz import __version__, deckcache
from quiz.deck import (
    LIGHT,
    CachedCard,
    Card,
    Deck,
    Details,
    cached_cards,
    heavy_fields,
    kept_fields,
)
from quiz.errors import QuizError

FORMAT = 3

Signature = tuple[int, int, int]  # size, modification time (ns), inode
# A card file's entry: its signature, then the refusal line and nothing else, or None
# and the card's light fields and where its heavy ones are in the details file.
Entry = tuple[Signature, str | None, tuple[Any, ...], int, int]


def names(folder: Path) -> tuple[str, str, str]:
    """The index's, the details' and the placed deck's file names for the card folder
    ``folder``."""
    key = deckcache.digest(str(folder.absolute()).encode("utf-8", "surrogateescape")).hexdigest()
    return tuple(f"cards-{key[:20]}.{kind}" for kind in ("index", "details", "deck"))  # type: ignore[return-value]


class CardCache:
    """The cached cards of one folder; :meth:`parse` reads through it, :meth:`save`
    writes it back if anything changed."""

    def __init__(self, folder: Path, demos: Collection[str]) -> None:
        self.index_name, self.details_name, self.deck_name = names(folder)
        self.stamp = stamp(demos)
        self.entries: dict[str, Entry] = {}
        self.used: dict[str, Entry] = {}
        self.fresh: dict[str, Card] = {}  # parsed this time, by path
        self.changed = False
        self.saved: tuple[bytes, dict[str, Entry]] | None = None  # what save() wrote
        stored = deckcache.read(self.stamp, self.index_name)
        token = b""
        if isinstance(stored, tuple) and len(stored) == 2:
            token, self.entries = stored
            if deckcache.read_bytes(self.details_name, len(token)) != token:
                token, self.entries = b"", {}  # its details are gone: parse again
        self.details = Details(self.details_name, token)

    def parse(self, path: Path, parse: Callable[[Path], Card]) -> Card:
        """The card at ``path``, from the cache when its file is unchanged, else
        ``parse(path)``.

        Raises:
            QuizError: the card is broken (as ``parse`` said, now or when cached).
        """
        key = str(path)
        try:
            st = path.stat()
        except OSError:
            return parse(path)  # says what is wrong with it
        signature = (st.st_size, st.st_mtime_ns, st.st_ino)
        entry = self.entries.get(key)
        if entry is not None and entry[0] == signature and self.details.token:
            self.used[key] = entry
            if entry[1] is not None:
                raise QuizError(entry[1])
            return self._cached(path, entry, parse)
        self.changed = True
        try:
            card = parse(path)
        except QuizError as exc:
            self.used[key] = (signature, str(exc), (), 0, 0)
            raise
        self.used[key] = (signature, None, (), 0, 0)
        self.fresh[key] = card
        return card

    def _cached(self, path: Path, entry: Entry, parse: Callable[[Path], Card]) -> CachedCard:
        card = CachedCard.__new__(CachedCard)
        fields = card.__dict__
        fields.update(zip(LIGHT, entry[2], strict=True))
        fields["path"], fields["_file"] = path, str(path)
        fields["_details"], fields["_where"], fields["_parse"] = self.details, entry[3:], parse
        return card

    def save(self) -> None:
        """Writes the cache (the files seen this time only), if anything changed;
        a cache that cannot be written is left out, silently: it is only a copy."""
        if not self.changed and self.used.keys() == self.entries.keys():
            return
        old = self.details.data
        if old is None:
            old = deckcache.read_bytes(self.details_name) or b""
            self.details.data = old if old.startswith(self.details.token) else b""
            old = self.details.data
        token = os.urandom(16)
        chunks = [token]
        offset = len(token)
        entries: dict[str, Entry] = {}
        for key, (signature, error, _, start, length) in self.used.items():
            if error is not None:
                entries[key] = (signature, error, (), 0, 0)
                continue
            card = self.fresh.get(key)
            if card is not None:
                blob = heavy_fields(card)
                light = tuple(getattr(card, f) for f in LIGHT)
            else:
                blob = old[start : start + length]
                light = self.entries[key][2]
                if len(blob) != length:
                    continue  # its details are gone: parsed again next time
            chunks.append(blob)
            entries[key] = (signature, None, light, offset, len(blob))
            offset += len(blob)
        # The details first: an index always names details that exist (or none).
        if deckcache.write_bytes(self.details_name, b"".join(chunks)):
            deckcache.write(self.stamp, (token, entries), self.index_name)
            self.saved = token, entries

    def place(self, deck: Deck, builtin: Deck, stored: object) -> None:
        """Keeps how ``deck`` (the built-in cards ``builtin`` joined by this folder's)
        was put together, for :func:`placed` at the next start, unless ``stored`` (what
        :func:`placed` read) already says it."""
        token, entries = self.saved or (self.details.token, self.used)
        # A built-in card by its id; one of the user's as its CachedCard's fields.
        order: list[str | dict[str, Any]] = []
        shared: dict[Any, Any] = {}
        for card in deck:
            if card.origin == "built-in":
                order.append(card.id)
                continue
            entry = entries.get(str(card.path))
            if entry is None or entry[1] is not None or (entry[3], entry[4]) == (0, 0):
                return  # not in the details file (it could not be written)
            order.append(kept_fields(card, (entry[3], entry[4]), shared))
        value = (_builtin_key(builtin), token, deck.skipped, tuple(order))
        if value != stored:
            deckcache.write(self.stamp, value, self.deck_name)


def last_placed(folder: Path, demos: Collection[str]) -> object:
    """What the last full load of ``folder`` kept of how it put the deck together
    (see :meth:`CardCache.place`), for :func:`placed`; None when nothing was kept."""
    return deckcache.read(stamp(demos), names(folder)[2])


def forget(folder: Path) -> None:
    """Drops what was kept of ``folder``'s cards (it has none now)."""
    for name in names(folder):
        deckcache.remove(name)


def placed(builtin: Deck, folder: Path, demos: Collection[str], stored: object) -> Deck | None:
    """The deck as the last full load of ``folder`` put it together (``stored``,
    from :func:`last_placed`), its cards not checked against their files; None when
    nothing usable was kept for these built-in cards."""
    value = stored
    if not isinstance(value, tuple) or len(value) != 4 or value[0] != _builtin_key(builtin):
        return None
    _, token, skipped, order = value
    details_name = names(folder)[1]
    if not token or deckcache.read_bytes(details_name, len(token)) != token:
        return None  # the details went: the cards are parsed again
    details = Details(details_name, token)
    from quiz.deck import parse_card

    def parse(path: Path) -> Card:
        return parse_card(path, demos, user=True)

    by_id = builtin.by_id
    own = cached_cards([e for e in order if e.__class__ is not str], details, parse)
    if own is None:
        return None
    mine = iter(own)
    try:
        cards = [by_id[e] if e.__class__ is str else next(mine) for e in order]
    except KeyError:
        return None
    return Deck(tuple(cards), tuple(skipped), folder, builtin, unchecked=True)


def stamp(demos: Collection[str]) -> str:
    """What a cache of parsed cards was made by: this quiz, its card loader and the
    demos the cards were checked against."""
    return f"{__version__}/{FORMAT}/{_loader_stamp()}/" + ",".join(sorted(demos))


def _builtin_key(builtin: Deck) -> tuple[tuple[str, int, str], ...]:
    """What placing the user's cards depends on in the built-in deck."""
    return tuple((c.id, c.number, c.topic) for c in builtin)


def _loader_stamp() -> str:
    """The card loader's own files, by size and time: a quiz whose rules for a card or
    for placing one's cards changed (an upgrade, or a checkout being worked on) parses
    every card again. Looked at by name, not imported (a start imports none but deck)."""
    here = Path(__file__).parent
    stamps = []
    for name in ("deck.py", "phrases.py", "userdeck.py", "cardcache.py"):
        try:
            st = os.stat(here / name)
            stamps.append(f"{st.st_size}.{st.st_mtime_ns}")
        except OSError:
            stamps.append("?")
    return "+".join(stamps)
