"""What Browse lists: every card with its standing, searched, filtered and sorted.

The rows are read once (:func:`entries`, a few database reads whatever the deck's
size); a search keystroke, a filter or a sort only goes over them in memory
(:func:`select`): on 2,000 cards a few milliseconds (``tests/perf/bench_browse.py``),
and a search typed on goes over only what the search before it kept (:func:`narrows`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from quiz.deck import Card
from quiz.session import Session
from quiz.stats import stage

# State filters, in the order ``f`` cycles through them (None: every card).
STATES: tuple[str | None, ...] = (None, "new", "learning", "due", "suspended", "leech")
# Sort orders, in the order ``o`` cycles through them (None: grouped by topic).
SORTS: tuple[str | None, ...] = (None, "title", "state", "due", "ease", "lapses")
SORT_NAMES = {
    None: "by topic",
    "number": "by topic number",
    "title": "by title",
    "state": "by state",
    "due": "by next review",
    "ease": "by ease",
    "lapses": "by lapses",
}


@dataclass(frozen=True)
class Entry:
    """One card as Browse shows it.

    Attributes:
        card: the card.
        stage: new, learning or mature.
        due: when the schedule really asks it (None: never reviewed).
        easiness: its E-Factor (None: never reviewed).
        lapses: grades below 3 after it was learnt.
        suspended: no reviews until unsuspended.
        buried: sitting out today.
        tags: its tags, ``leech`` included once it is one.
        text: question, answer and key points, case-folded: what a search reads.
    """

    card: Card
    stage: str
    due: date | None
    easiness: float | None
    lapses: int
    suspended: bool
    buried: bool
    tags: tuple[str, ...]
    text: str

    @property
    def leech(self) -> bool:
        """Tagged leech: it lapsed the leech threshold's number of times."""
        return "leech" in self.tags

    def state(self, today: date) -> str:
        """The state column: "suspended", "buried", "due" or the stage."""
        if self.suspended:
            return "suspended"
        if self.buried:
            return "buried"
        if self.due is not None and self.due <= today:
            return "due"
        return self.stage

    def is_in(self, state: str | None, today: date) -> bool:
        """Whether the state filter ``state`` (one of :data:`STATES`) keeps it."""
        if state is None:
            return True
        if state == "leech":
            return self.leech
        if state == "suspended":
            return self.suspended
        if state == "due":
            return self.state(today) == "due"
        return self.stage == state


def search_text(card: Card) -> str:
    """What a search reads of a card, case-folded."""
    points = " ".join(point.text for point in card.key_points)
    return f"{card.title}\n{card.question}\n{points}\n{card.body}".casefold()


def entries(session: Session) -> list[Entry]:
    """Every card of the deck, in deck order, with its standing today."""
    states = session.states()
    dates = session.due_dates()
    marks = session.marks()
    today = session.today
    result = []
    for card in session.deck:
        state = states.get(card.id)
        mark = marks.get(card.id)
        result.append(
            Entry(
                card=card,
                stage=stage(state.state.interval if state else None),
                due=dates.get(card.id),
                easiness=state.state.easiness if state else None,
                lapses=state.lapses if state else 0,
                suspended=bool(mark and mark.suspended),
                buried=bool(mark and mark.buried == today),
                tags=session.tags_of(card, marks),
                text=search_text(card),
            )
        )
    return result


def suspended_by_topic(rows: Iterable[Entry]) -> dict[str, tuple[int, int]]:
    """How many cards of each topic are suspended, and how many of those are
    leeches, by the topic's id (its core card's); a topic with none is left out.
    Over :func:`entries`, so that ``quiz list`` counts what Browse shows."""
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.suspended:
            suspended, leeches = counts.get(row.card.topic_id, (0, 0))
            counts[row.card.topic_id] = (suspended + 1, leeches + int(row.leech))
    return counts


def select(
    rows: Iterable[Entry],
    today: date,
    *,
    query: str = "",
    state: str | None = None,
    tag: str | None = None,
    topic: str | None = None,
    sort: str | None = None,
    descending: bool = False,
) -> list[Entry]:
    """The rows a search and the filters keep, in the order ``sort`` says.

    Args:
        query: words that must all appear (anywhere, any case) in the question, the
            answer or the key points.
        state: one of :data:`STATES`.
        tag: keep the cards with this tag.
        topic: keep the cards of this topic (its core card's id).
        sort: one of :data:`SORTS` or "number"; None keeps deck order. Cards with no
            value to sort by (never reviewed) go last either way.
    """
    kept = matching(
        [
            row
            for row in rows
            if (topic is None or row.card.topic_id == topic)
            and (tag is None or tag in row.tags)
            and row.is_in(state, today)
        ],
        query,
    )
    if sort is None:
        return kept[::-1] if descending else kept
    return _sorted(kept, sort, today, descending)


def matching(rows: Sequence[Entry], query: str) -> list[Entry]:
    """The rows whose text holds every word of ``query`` (any case), in their order."""
    words = query.casefold().split()
    if not words:
        return list(rows)
    if len(words) == 1:
        word = words[0]
        return [row for row in rows if word in row.text]
    return [row for row in rows if all(word in row.text for word in words)]


def narrows(before: str, after: str) -> bool:
    """Whether every card the search ``after`` keeps is one ``before`` kept: each word
    of ``before`` is part of a word of ``after`` (a word typed on, or one more word).
    Then ``after`` need only go over what ``before`` kept (:func:`matching`), in the
    order it kept them."""
    words = after.casefold().split()
    return all(any(old in word for word in words) for old in before.casefold().split())


def _sorted(rows: Sequence[Entry], sort: str, today: date, descending: bool) -> list[Entry]:
    order = ("due", "learning", "new", "mature", "buried", "suspended")

    def key(row: Entry) -> tuple[object, ...]:
        value: object
        if sort == "title":
            value = row.card.title.casefold()
        elif sort == "state":
            value = order.index(row.state(today))
        elif sort == "due":
            value = row.due
        elif sort == "ease":
            value = row.easiness
        elif sort == "lapses":
            value = row.lapses
        else:
            value = row.card.number
        return (value is None, value)

    known = [row for row in rows if key(row)[0] is False]
    unknown = [row for row in rows if key(row)[0] is True]
    return sorted(known, key=key, reverse=descending) + unknown
