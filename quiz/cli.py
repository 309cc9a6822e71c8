"""The ``quiz`` command.

``quiz`` opens today's session; the subcommands work without the TUI. Mistakes a
user can make (a bad flag, a damaged database, a broken card) end with one line on
stderr and exit status 1 (2 for usage), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from quiz import __version__
from quiz.errors import QuizError

if TYPE_CHECKING:
    from quiz.deck import Deck
    from quiz.session import Session

EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def _db_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="the database file (default: $QUIZ_DB, else a file in your user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``quiz`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="quiz",
        description="Daily spaced-repetition practice for deep-learning interviews.",
        epilog="Run 'quiz' with no command to start today's session.",
    )
    parser.add_argument("--version", action="version", version=f"quiz {__version__}")
    _db_option(parser, None)
    # Subcommands accept --db too; SUPPRESS keeps a global --db from being overwritten.
    common = argparse.ArgumentParser(add_help=False)
    _db_option(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser(
        "list", parents=[common], help="list the topics with their state and next due date"
    )
    stats = sub.add_parser("stats", parents=[common], help="show your progress")
    stats.add_argument("--json", action="store_true", help="print one JSON document")
    sub.add_parser(
        "demo",
        add_help=False,
        help="run the NumPy demo behind an answer (see 'quiz demo --help')",
        prefix_chars="\0",  # pass every argument, --help included, to the demo runner
    ).add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs ``quiz``; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            from solvers.cli import main as demo_main

            return demo_main(args.args, prog="quiz demo")
        handler: Callable[[argparse.Namespace], int] = {
            None: _run_tui,
            "list": _list,
            "stats": _stats,
        }[args.command]
        return handler(args)
    except QuizError as exc:
        print(f"quiz: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("quiz: interrupted; every grade made so far is saved", file=sys.stderr)
        return EXIT_INTERRUPTED


def _session(args: argparse.Namespace) -> tuple[Session, Deck]:
    """Loads the deck (first: a broken card is reported before the database is
    touched) and opens the database."""
    from quiz.deck import load_deck
    from quiz.session import Session
    from quiz.store import Store, resolve_path

    deck = load_deck()
    store = Store.open(resolve_path(args.db))
    return Session(store, deck), deck


def _run_tui(args: argparse.Namespace) -> int:
    session, _ = _session(args)
    from quiz.tui.app import QuizApp

    with session.store:
        QuizApp(session).run()
    return 0


def _due_text(due: date, today: date) -> str:
    days = (due - today).days
    if days < 0:
        return f"overdue {-days}d"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"{due.isoformat()} (in {days}d)"


def _list(args: argparse.Namespace) -> int:
    from quiz.stats import MATURE_DAYS

    session, deck = _session(args)
    with session.store as store:
        states = store.card_states()
        today = session.today
        rows = []
        for card in deck:
            state = states.get(card.id)
            if state is None:
                rows.append((f"{card.number:>2}", card.title, "new", "—"))
            else:
                kind = "mature" if state.state.interval >= MATURE_DAYS else "learning"
                rows.append((f"{card.number:>2}", card.title, kind, _due_text(state.due, today)))
    header = ("#", "Topic", "State", "Next review")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _stats(args: argparse.Namespace) -> int:
    from quiz.stats import summary

    session, deck = _session(args)
    with session.store:
        figures = summary(session, deck)
    if args.json:
        print(json.dumps(figures.as_dict()))
        return 0
    print(
        f"Today ({figures.today}): {figures.due_today} due, {figures.new_today} new, "
        f"{figures.reviewed_today} graded"
    )
    print(
        f"Cards: {figures.cards} ({figures.new} new, {figures.learning} learning, "
        f"{figures.mature} mature)"
    )
    print(f"Reviews logged: {figures.reviews}")
    print(f"Streak: {figures.streak} day(s) (best {figures.best_streak})")
    return 0
