"""Progress figures on hand-built histories whose answers are known."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from conftest import Clock

from quiz.deck import Deck
from quiz.session import Session
from quiz.stats import (
    best_streak,
    daily,
    forecast,
    interview,
    report,
    retention,
    topics,
)
from quiz.store import Store
from quiz.textcharts import SHADES, bars, heatmap, shade

DAY = date(2026, 3, 10)


def log(store: Store, card: str, grade: int, day: date, mode: str = "review", ms: int = 0) -> None:
    store.record(card, grade, mode, day=day, ts_ms=0, answer_ms=ms)  # type: ignore[arg-type]


def test_streaks_across_a_missed_day(store: Store, deck: Deck) -> None:
    for back in (0, 1, 2, 4, 5, 6, 7):  # day 3 missed
        log(store, "mlp", 4, DAY - timedelta(days=back), mode="practice")

    def streak_on(day: date) -> int:
        noon = datetime(day.year, day.month, day.day, 12).astimezone()
        return Session(store, deck, now=lambda: noon).streak()

    assert streak_on(DAY) == 3
    assert best_streak(store.review_days()) == 4
    assert streak_on(DAY + timedelta(days=1)) == 3  # today not over yet
    assert streak_on(DAY + timedelta(days=2)) == 0


def test_a_review_after_midnight_counts_for_the_evening_before(store: Store, deck: Deck) -> None:
    tz = timezone(timedelta(hours=2))
    clock = Clock(datetime(2026, 3, 9, 21, 0, tzinfo=tz))
    session = Session(store, deck, now=clock)
    session.grade(deck.ids[0], 5)  # Mon 9 March, 21:00
    clock.moment = datetime(2026, 3, 11, 1, 30, tzinfo=tz)  # Wed 01:30: still Tuesday
    session.grade(deck.ids[1], 5)
    assert [d.isoformat() for d in store.review_days()] == ["2026-03-10", "2026-03-09"]
    assert session.streak() == 2


def test_the_day_is_the_local_day_where_the_grade_was_made(store: Store, deck: Deck) -> None:
    # 23:30 in New York is 04:30 the next morning in UTC: it is the New York day that counts.
    clock = Clock(datetime(2026, 3, 9, 23, 30, tzinfo=timezone(timedelta(hours=-5))))
    Session(store, deck, now=clock).grade(deck.ids[0], 4)
    assert store.review_days() == [date(2026, 3, 9)]
    # Flying to Tokyo (UTC+9): the same instant is already 13:30 on the 10th there, so a
    # session opened now is on the 10th, and the stored day of the old grade is unchanged.
    clock.moment = clock.moment.astimezone(timezone(timedelta(hours=9)))
    session = Session(store, deck, now=clock)
    assert session.today == date(2026, 3, 10)
    assert store.review_days() == [date(2026, 3, 9)]
    assert session.current() is not None


def test_retention_and_time_per_day(store: Store) -> None:
    log(store, "mlp", 5, DAY, ms=30_000)
    log(store, "softmax-relu", 2, DAY, ms=15_000)
    log(store, "softmax-relu", 4, DAY, mode="drill", ms=5_000)  # not a scheduling grade
    log(store, "cost-function", 3, DAY - timedelta(days=1), ms=60_000)
    log(store, "cost-function", 0, DAY, mode="practice", ms=1_000)
    days = daily(store, DAY, 30)
    assert len(days) == 30 and days[-1].day == DAY and days[0].day == DAY - timedelta(days=29)
    today, yesterday = days[-1], days[-2]
    assert (today.reviews, today.scheduled, today.passed) == (4, 2, 1)
    assert today.retention == 0.5 and yesterday.retention == 1.0
    assert today.seconds == 51.0 and yesterday.seconds == 60.0
    assert retention(days) == 2 / 3
    assert days[0].retention is None and retention(days[:5]) is None


def test_forecast_counts_each_card_on_its_due_day_and_overdue_today(
    store: Store, deck: Deck, clock: Clock
) -> None:
    session = Session(store, deck, now=clock)
    today = session.today
    log(store, "mlp", 4, today - timedelta(days=5))  # due 4 days ago: overdue -> today
    log(store, "softmax-relu", 4, today)  # due tomorrow
    for _ in range(2):  # reviewed twice in a row: 6-day interval
        log(store, "cost-function", 5, today - timedelta(days=1))
    days = forecast(session)
    assert len(days) == 30 and days[0][0] == today
    assert dict(days)[today] == 1
    assert dict(days)[today + timedelta(days=1)] == 1
    assert dict(days)[today + timedelta(days=5)] == 1
    assert sum(n for _, n in days) == 3


def test_topics_and_readiness(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, interview=None)
    assert interview(session) is None
    today = session.today
    for grade in (4, 5, 3):
        log(store, "mlp", grade, today - timedelta(days=2))
    log(store, "softmax-relu", 5, today)
    log(store, "cost-function", 4, today - timedelta(days=3))  # overdue: not ready
    rows = {t.card_id: t for t in topics(session)}
    assert rows["mlp"].last_grades == [4, 5, 3] and rows["mlp"].state == "learning"
    assert rows["deep-learning"].state == "new" and rows["deep-learning"].mastery == 0
    session.interview = today + timedelta(days=10)
    coming = interview(session)
    assert coming is not None and coming.days_left == 10
    assert coming.ready == 1 and coming.readiness == 1 / 15  # only softmax-relu


def test_every_figure_is_defined_on_an_empty_database(session: Session) -> None:
    figures = report(session)
    assert figures["reviews"] == 0 and figures["retention_30d"] is None
    assert figures["heatmap"] == {} and sum(d["due"] for d in figures["forecast"]) == 0
    assert len(figures["topics"]) == 15 and figures["interview"] is None


def test_heatmap_buckets_and_layout() -> None:
    assert shade(0, 10) == "·"
    assert [shade(n, 8) for n in (1, 2, 3, 4, 5, 6, 7, 8)] == list("░░▒▒▓▓██")
    today = date(2026, 3, 11)  # a Wednesday
    lines = heatmap({today: 4, today - timedelta(days=7): 1}, today, weeks=4)
    grid = [line[4:] for line in lines[1:8]]
    assert grid[2][-1] == "█"  # Wednesday row, this week's column
    assert grid[2][-2] == "░"  # a week earlier, a quarter of the busiest day
    assert grid[3][-1] == " " and grid[6][-1] == " "  # Thursday..Sunday are still to come
    assert all(c in SHADES for row in grid for c in row)


def test_bars_scale_to_the_tallest_value() -> None:
    chart = bars([0, 2, 4], height=2)
    assert chart == ["  █", " ██"]
    assert bars([0, 0], height=3)[-1] == "▁▁"


def test_the_interview_is_marked_under_its_day_on_the_forecast(session: Session) -> None:
    from quiz.cli import stats_text

    log(session.store, "mlp", 4, session.today)
    session.interview = session.today + timedelta(days=12)  # Tue 3 March + 12: Sun 15 March
    figures = report(session)
    assert figures["interview"]["forecast_index"] == 12
    assert figures["forecast"][12]["day"] == "2026-03-15"
    lines = stats_text(figures)
    [marked] = [i for i, line in enumerate(lines) if "▲" in line]
    assert lines[marked] == " " * 12 + "▲ interview Sun 15 Mar"
    assert len(lines[marked - 1]) == 30  # right under the bars, one column a day
    assert lines[marked + 1].startswith("today")

    session.interview = session.today + timedelta(days=40)  # past the chart's 30 days
    assert report(session)["interview"]["forecast_index"] is None
    assert not any("▲" in line for line in stats_text(report(session)))
    session.interview = session.today - timedelta(days=1)  # over
    assert report(session)["interview"]["forecast_index"] is None
    session.interview = None
    assert not any("▲" in line for line in stats_text(report(session)))
