"""The user's own cards: where they are, and how they join the built-in deck.

The folder is ``$QUIZ_CARDS``, else the ``cards-folder`` setting, else ``cards/``
beside the database. It holds cards in the format of ``content/`` (``*.md`` files,
hidden names skipped); its ``overrides/`` subfolder holds the user's copies of
built-in cards, which replace them (``quiz edit ID`` makes one).

The rules, which the README states:

- a user card that names no ``topic`` is a topic of its own; these topics are
  numbered after the built-in ones (16, 17, ...) in file-name order, so a user card
  gives no ``number``; a card naming a topic (built-in or the user's) is a follow-up
  of it, after the topic's built-in follow-ups;
- a card whose id is a built-in card's is refused, naming both files, unless it is
  in ``overrides/``; an override keeps the built-in card's id, topic and number;
- a broken user card is skipped with one line (file, line, field) in
  :attr:`Deck.skipped`, and the others load; a broken built-in card stops the app.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from quiz.dbfile import reason
from quiz.deck import Card, Deck, field_error, parse_card
from quiz.errors import QuizError

OVERRIDES = "overrides"


def cards_folder(db_path: Path, setting: str | None = None) -> Path:
    """The user's card folder: ``$QUIZ_CARDS``, else ``setting`` (the
    ``cards-folder`` setting), else ``cards/`` beside the database file."""
    env = os.environ.get("QUIZ_CARDS")
    if env:
        return Path(env).expanduser()
    if setting:
        return Path(setting).expanduser()
    return db_path.parent / "cards"


def card_files(folder: Path) -> tuple[list[Path], list[str]]:
    """The ``*.md`` files of ``folder`` and of its ``overrides/``, in file-name order,
    and one line per folder that cannot be read. A folder that does not exist has no
    cards (the first ``quiz add`` makes it)."""
    found: list[Path] = []
    problems: list[str] = []
    for where in (folder, folder / OVERRIDES):
        try:
            with os.scandir(where) as entries:
                names = sorted(
                    e.name for e in entries if e.name.endswith(".md") and not e.name.startswith(".")
                )
        except (FileNotFoundError, NotADirectoryError):
            if where == folder and folder.exists() and not folder.is_dir():
                problems.append(f"the card folder {folder} is not a folder; no cards of yours")
            continue
        except OSError as exc:
            problems.append(f"cannot read the card folder {where}: {reason(exc)}")
            continue
        found += [where / name for name in names]
    return found, problems


def with_user_cards(
    deck: Deck, folder: Path, demos: Collection[str] | None = None, *, as_last_time: bool = False
) -> Deck:
    """``deck`` (the built-in cards) joined by the user's cards in ``folder``.

    Never raises for a user card: a broken one is left out and named in
    :attr:`Deck.skipped`.

    Args:
        as_last_time: the deck as the last load put it together, without looking at
            the files (a start: 2,000 files take 10 ms to look at), when there is one;
            :func:`changed` then says whether the files changed since.
    """
    if demos is None:
        from solvers import DEMOS  # the registry only: no NumPy

        demos = DEMOS
    from quiz import cardcache

    stored = cardcache.last_placed(folder, demos)
    if as_last_time:
        placed = cardcache.placed(deck, folder, demos, stored)
        if placed is not None:
            return placed
    paths, skipped = card_files(folder)
    if not paths:
        if stored is not None:  # the cards kept from last time are gone
            cardcache.forget(folder)
        return replace(deck, skipped=tuple(skipped), user_folder=folder, builtin=deck)
    cache = cardcache.CardCache(folder, demos)
    checked = demos

    def parse(path: Path) -> Card:
        return parse_card(path, checked, user=True)

    builtin = {c.id: c for c in deck}
    overrides: dict[str, Card] = {}
    mine: list[Card] = []
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            card = cache.parse(path, parse)
            if path.parent.name == OVERRIDES and path.parent.parent == folder:
                card = _override(card, builtin.get(card.id))
            else:
                _check_own(card, builtin.get(card.id))
            if card.id in seen:
                raise QuizError(
                    f"{path}: id {card.id!r} is also used by {seen[card.id]}; "
                    "each card needs its own id"
                )
        except QuizError as exc:
            skipped.append(str(exc))
            continue
        seen[card.id] = path
        if card.origin == "override":
            overrides[card.id] = card
        else:
            mine.append(card)
    cache.save()
    cards = [overrides.get(c.id, c) for c in deck]
    cards += _placed(mine, {c.id: c for c in cards if c.is_core}, skipped)
    joined = Deck(tuple(_in_order(cards)), tuple(skipped), folder, deck)
    cache.place(joined, deck, stored)
    return joined


def changed(deck: Deck) -> Deck | None:
    """The deck read again from the files when they changed since ``deck`` (made
    with ``as_last_time``) was put together; None when ``deck`` still holds (its
    cards the same, from the same cache)."""
    if deck.user_folder is None or deck.builtin is None:
        return None
    fresh = with_user_cards(deck.builtin, deck.user_folder)
    if fresh.skipped != deck.skipped or len(fresh) != len(deck):
        return fresh
    from quiz.deck import CachedCard

    for old, new in zip(deck, fresh, strict=True):
        if old is new:
            continue
        if isinstance(old, CachedCard) or isinstance(new, CachedCard):
            if not (isinstance(old, CachedCard) and old.same(new)):
                return fresh
        elif old != new:  # built-in cards, read again
            return fresh
    return None


def reloaded(deck: Deck) -> Deck:
    """The deck read again from disk: the built-in cards (from ``content_dir()``) and
    the user's, from the same folder as ``deck``; for the app after ``quiz add`` or
    ``quiz edit`` (:mod:`quiz.usercards`) changed a card.

    Raises:
        QuizError: a built-in card is broken (a user card never raises).
    """
    from quiz.deck import load_deck

    builtin = load_deck()
    return builtin if deck.user_folder is None else with_user_cards(builtin, deck.user_folder)


def _override(card: Card, original: Card | None) -> Card:
    """``card`` from ``overrides/``: a built-in card's replacement, in its place."""
    if original is None:
        raise field_error(
            card.path,
            "id",
            f"{card.id!r} is no built-in card's, and only a built-in card can be "
            f"overridden; move the file out of {OVERRIDES}/ to make it a card of your own",
        )
    if card.topic_id != original.topic_id:
        raise field_error(
            card.path,
            "topic",
            f"is {card.topic_id!r}, but the built-in card is in topic "
            f"{original.topic_id!r}; an override keeps its card's topic",
        )
    if card.number not in (0, original.number):
        raise field_error(
            card.path,
            "number",
            f"is {card.number}, but the built-in card is number {original.number}; "
            "an override keeps its card's number",
        )
    return _with(card, number=original.number, topic=original.topic, origin="override")


def _check_own(card: Card, builtin: Card | None) -> None:
    """Refuses a user card that takes a built-in card's id, or gives a number."""
    if builtin is not None:
        raise field_error(
            card.path,
            "id",
            f"{card.id!r} is also the built-in card {builtin.path}; choose another id "
            f"(to change the built-in card, 'quiz edit {card.id}' makes an override)",
        )
    if card.number:
        raise field_error(
            card.path,
            "number",
            "is given, but your own topics are numbered after the built-in ones, in "
            "file-name order; leave it out",
        )


def _placed(mine: list[Card], core: dict[str, Card], skipped: list[str]) -> list[Card]:
    """The user's cards, numbered: their own topics after the built-in ones in
    file-name order, follow-ups with their topic's number. A follow-up of a topic
    that is not there is skipped."""
    number = max((c.number for c in core.values()), default=0)
    placed: list[Card] = []
    for card in mine:
        if card.is_core:
            number += 1
            card = _placed_as(card, number)
            core[card.id] = card
            placed.append(card)
    for card in mine:
        if card.is_core:
            continue
        home = core.get(card.topic)
        if home is None:
            skipped.append(
                str(
                    field_error(
                        card.path,
                        "topic",
                        f"names {card.topic!r}, which is no topic's id (a built-in topic "
                        "or a card of yours that names no topic)",
                    )
                )
            )
            continue
        placed.append(_placed_as(card, home.number))
    return placed


def _placed_as(card: Card, number: int) -> Card:
    return _with(card, number=number, origin="user")


def _with(card: Card, **changes: object) -> Card:
    """``replace(card, **changes)``, without its cost: replace() runs the whole
    constructor (23 µs a card, a tenth of the start with 2,000 cards) and reads every
    field, where a card from the cache reads its answer only when it is shown."""
    changed = copy.copy(card)
    for name, value in changes.items():
        object.__setattr__(changed, name, value)  # a fresh copy: nothing else sees it
    return changed


def _in_order(cards: list[Card]) -> list[Card]:
    """Deck order: by number, the core card first, then built-in follow-ups, then the
    user's, each in file-name order."""
    return sorted(cards, key=lambda c: (c.number, not c.is_core, c.origin == "user", c.path.name))
