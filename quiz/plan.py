"""The interview plan: on which day each card is really asked before an interview.

SM-2 knows nothing of an interview. Left alone it asks a mature card again in 40
days when the interview is in 14, and capping every such card to the day before the
interview piles them all onto that one day. The plan instead:

- spreads reviews over the days left: a review whose SM-2 day is busier than about
  twice the mean of the days left is brought *earlier* (never later) to the latest
  day that has room;
- asks every topic at least once in the final window (the last :data:`FINAL_DAYS`
  days before the interview, fewer if fewer are left), each on the window's least
  busy day: a review SM-2 puts in or after the window, by a card not yet reviewed in
  it, is placed there, whether the card was graded before or after the date was set.

Two halves, both pure and deterministic:

- :func:`place`, at grade time, picks the day to *store* for a card's next review
  (see ``Store.record``'s ``schedule``). What was told to the user ("next review in
  13 days") is then a fact in the log, which later grades of other cards cannot
  move, and undo and replay restore it exactly.
- :func:`due_dates`, at read time, gives every card's effective due date. Without an
  interview, or from its day on, that is plain SM-2 (the last review's day plus its
  interval), so clearing the date undoes every plan at once. Before it, it is the
  stored day, except that reviews still due after the interview (a card graded
  before the date was set) are placed in the final window.

Why the decision is stored and not recomputed on every read: a plan recomputed
from the cards' states alone changes whenever any card is graded (grading one card
adds its next review to some day, which can push another card off that day), so the
day shown when a card was graded would not be the day it is asked. The plain SM-2
day is never lost: it is the last review's day plus the stored interval.

Limits: days already planned for one interview date stay as they are if the date
is moved (not cleared); and reviews stored before the date was set are not spread,
only those due after the interview are brought in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from quiz.records import CardState, next_due

# Every topic comes up at least once in the last four days. Three would put the
# fifteen topics at five a day, plus the ones failed there coming back: more than
# twice the mean load of a fortnight of daily use (about 2.5 reviews a day).
FINAL_DAYS = 4
LOAD_FACTOR = 2  # no day more than about twice the mean load of the days left
ONE_DAY = timedelta(days=1)


def final_window(interview: date) -> date:
    """The first day of the final window before ``interview``."""
    return interview - timedelta(days=min(FINAL_DAYS, (interview - date.min).days))


def sm2_due(card: CardState) -> date:
    """The day plain SM-2 asks ``card`` again: its last review's day plus its interval."""
    return next_due(card.last_day, card.state.interval)


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _least_busy(days: Iterable[date], load: Mapping[date, int], latest: bool) -> date:
    """The day with the fewest reviews; of equals, the latest or the earliest."""
    sign = -1 if latest else 1
    return min(days, key=lambda d: (load.get(d, 0), sign * d.toordinal()))


def due_dates(
    states: Mapping[str, CardState], today: date, interview: date | None
) -> dict[str, date]:
    """Every card's effective due date: the day the session really asks it.

    Args:
        states: the cards with a schedule (pass only the deck's cards: the rest
            would take room in the plan).
        today: the current study day.
        interview: the interview date, or None.

    Returns:
        A date per card of ``states``; an overdue card keeps its past date.
    """
    if interview is None or today >= interview:
        return {card_id: sm2_due(card) for card_id, card in states.items()}
    start, last = final_window(interview), interview - ONE_DAY
    dates: dict[str, date] = {}
    late: list[CardState] = []
    for card_id, card in states.items():
        if card.last_day < start and card.due > last:
            late.append(card)  # would miss the window: placed below
        else:
            dates[card_id] = card.due
    if late:
        load = Counter(dates.values())
        # Today's reviews already made count for today, so that grading today's cards
        # does not make room for these ones today.
        load[today] += sum(1 for card in states.values() if card.last_day == today)
        window = list(_days(max(start, today), last))
        for card in sorted(late, key=lambda c: (c.due, c.card_id)):
            day = _least_busy(window, load, latest=False)
            dates[card.card_id] = day
            load[day] += 1
    return dates


def place(
    card_id: str,
    day: date,
    due: date,
    states: Mapping[str, CardState],
    interview: date | None,
) -> date:
    """The day to store for a card's next review, graded on ``day``.

    Args:
        card_id: the card graded.
        day: the study day of the grade.
        due: the day SM-2 says (``day`` plus the new interval).
        states: every card's schedule (the deck's cards only); ``card_id``'s own
            entry, if any, is ignored.
        interview: the interview date, or None.

    Returns:
        ``due`` without an interview, on or after its final window's start, or when
        ``due`` has room; else an earlier day, never before ``day + 1``: in the final
        window its least busy day, before it the latest day with room.
    """
    if interview is None or day >= interview:
        return due
    start, last = final_window(interview), interview - ONE_DAY
    if day >= start:
        return due  # reviewed in the window: its next review is plain SM-2
    others = {k: v for k, v in states.items() if k != card_id}
    load = Counter(due_dates(others, day, interview).values())
    first = day + ONE_DAY
    if due >= start:
        # Of equally busy days, the earliest: a card failed there can come back
        # before the interview without piling onto its last day.
        return _least_busy(_days(max(start, first), min(due, last)), load, latest=False)
    days_left = (last - day).days
    total = 1 + sum(n for d, n in load.items() if first <= d <= last)
    # A day with a single review is never too busy, however light the mean.
    bound = max(1.0, LOAD_FACTOR * total / days_left)

    def has_room(d: date) -> bool:
        return load.get(d, 0) + 1 <= bound

    if has_room(due):
        return due
    for earlier in reversed(list(_days(first, due - ONE_DAY))):
        if has_room(earlier):
            return earlier
    return _least_busy(_days(first, due), load, latest=True)
