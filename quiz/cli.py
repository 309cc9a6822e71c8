"""The ``quiz`` command.

``quiz`` opens today's session; the subcommands work without the TUI. Mistakes a
user can make (a bad flag, a damaged database, a broken card) end with one line on
stderr and exit status 1 (2 for usage), never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TextIO, cast

from quiz import __version__
from quiz.errors import QuizError

if TYPE_CHECKING:
    import argparse

    from quiz.deck import Deck
    from quiz.session import Session

EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
MAX_ANSWER_BYTES = 100_000  # a typed answer; some 30 pages of text


class UsageError(QuizError):
    """A command given the wrong way (exit status 2, like argparse's own errors)."""


def _db_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="the database file (default: $QUIZ_DB, else a file in your user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``quiz`` and its subcommands."""
    import argparse  # here: today's session is read without it (see parse_args)

    parser = argparse.ArgumentParser(
        prog="quiz",
        description="Daily spaced-repetition practice for deep-learning interviews.",
        epilog="Run 'quiz' with no command to start today's session.",
    )
    parser.add_argument("--version", action="version", version=f"quiz {__version__}")
    parser.add_argument(
        "--tag",
        metavar="TAG",
        default=None,
        help="today's session over the cards with this tag only (e.g. optimisation)",
    )
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
        "backup", parents=[common], help="back up the database now (to backups/ beside it)"
    )
    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (backing up the current one first)",
    )
    restore.add_argument("file", metavar="FILE", help="the backup to restore")
    check = sub.add_parser(
        "check",
        parents=[common],
        help="check the database: its integrity, its schema, and the cards table against "
        "a replay of the review log (exit status 1 if anything is wrong); with CARD_ID, "
        "check the answer on standard input against that card instead (one JSON document)",
    )
    check.add_argument(
        "card", nargs="?", metavar="CARD_ID", help="check a typed answer to this card"
    )
    sub.add_parser(
        "rebuild",
        parents=[common],
        help="repair the cards table by replaying the review log (backing up first)",
    )
    export = sub.add_parser(
        "export", parents=[common], help="write the review log (csv, json) or an Anki deck"
    )
    export.add_argument("--format", choices=["csv", "json", "apkg"], required=True)
    export.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="where to write (default: standard output; for apkg, quiz-deck.apkg)",
    )
    config = sub.add_parser(
        "config",
        parents=[common],
        help="show or change settings (interview-date, new-per-day, rollover-hour, theme, "
        "cards-folder, leech-lapses)",
        description="With no KEY, show every setting; 'quiz config KEY' shows one.\n"
        "'quiz config KEY VALUE' sets one; 'quiz config KEY --clear' returns it to its\n"
        "default.",
        formatter_class=argparse.RawTextHelpFormatter,
    )
    config.add_argument(
        "key",
        nargs="?",
        metavar="KEY",
        # Two lines: wrapped, "cards-folder" would be split at its hyphen.
        help="interview-date, new-per-day, rollover-hour, theme,\ncards-folder or leech-lapses",
    )
    config.add_argument("value", nargs="?", metavar="VALUE", help="the new value")
    config.add_argument("--clear", action="store_true", help="return KEY to its default")
    sub.add_parser(
        "add",
        parents=[common],
        help="write a card of your own in $EDITOR (saved in your card folder)",
    )
    edit = sub.add_parser(
        "edit",
        parents=[common],
        help="edit a card of yours in $EDITOR; a built-in card is copied as an override",
    )
    edit.add_argument("card", metavar="CARD_ID", help="the card's id")
    imp = sub.add_parser(
        "import",
        parents=[common],
        help="import an Anki deck (.apkg, .colpkg) or a CSV file (question,answer[,tags]) "
        "as cards of your own",
    )
    imp.add_argument("file", metavar="FILE", help="the .apkg, .colpkg or .csv file")
    sub.add_parser(
        "due", parents=[common], help="one short line: cards due now (for a prompt or status bar)"
    )
    sub.add_parser(
        "demo",
        add_help=False,
        help="run the NumPy demo behind an answer (see 'quiz demo --help')",
        prefix_chars="\0",  # pass every argument, --help included, to the demo runner
    ).add_argument("args", nargs=argparse.REMAINDER)
    return parser


class OutputError(QuizError):
    """Standard output could not be written: a full disk, /dev/full, a device error."""


class _CheckedOutput:
    """Standard output for the commands: a write that fails (other than a reader
    going away, which is BrokenPipeError) raises :class:`OutputError`, so that it is
    told apart from an error of the program's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _output_error(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _output_error(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _output_error(exc: OSError) -> OutputError:
    reason = (exc.strerror or str(exc)).lower()
    return OutputError(f"cannot write the output: {reason}")


def _drop_stdout() -> None:
    """Points standard output at /dev/null: what is still buffered for it goes
    nowhere, so the interpreter's final flush does not fail (and print) again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line as :func:`build_parser` reads it.

    Today's session with at most ``--db`` and ``--tag`` (``quiz``, ``quiz --db F``) is
    read without building the parser: its dozen commands took 4 ms of every start,
    most of it gettext looking for translations of argparse's words. Anything else
    (a command, ``-h``, an abbreviation, a value that starts with ``-``) goes to the
    parser, which reads it, or says what is wrong, as ever.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    values: dict[str, str | None] = {"--db": None, "--tag": None}
    i = 0
    while i < len(words):
        name, equals, value = words[i].partition("=")
        if name not in values:
            return build_parser().parse_args(words)
        if not equals:
            if i + 1 == len(words) or words[i + 1].startswith("-"):
                return build_parser().parse_args(words)
            i += 1
            value = words[i]
        values[name] = value
        i += 1
    # Not argparse's Namespace (importing argparse and gettext is 3 ms of a start):
    # the same attributes, vars() of the two are equal.
    args = SimpleNamespace(tag=values["--tag"], db=values["--db"], command=None)
    return cast("argparse.Namespace", args)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs ``quiz``; returns the exit status."""
    args = parse_args(argv)
    stdout = sys.stdout
    if args.command is not None:  # the TUI draws through its own driver
        sys.stdout = cast(TextIO, _CheckedOutput(stdout))
    try:
        return _main(args)
    finally:
        sys.stdout = stdout


def _main(args: argparse.Namespace) -> int:
    try:
        if args.command == "demo":
            from solvers.cli import main as demo_main

            status = demo_main(args.args, prog="quiz demo")
            sys.stdout.flush()
            return status
        handler: Callable[[argparse.Namespace], int] = {
            None: _run_tui,
            "list": _list,
            "stats": _stats,
            "backup": _backup,
            "restore": _restore,
            "check": _check,
            "rebuild": _rebuild,
            "export": _export,
            "config": _config,
            "due": _due,
            "add": _add,
            "edit": _edit,
            "import": _import,
        }[args.command]
        status = handler(args)
        # Output to a pipe is written when flushed: flush here, so that Ctrl-C (or a
        # reader that went away) while it drains is handled below, not at exit.
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # The reader went away (e.g. `quiz list | head -1`): stop quietly.
        _drop_stdout()
        return 0
    except QuizError as exc:
        if isinstance(exc, OutputError):
            _drop_stdout()
        _error(str(exc))
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_ERROR
    except sqlite3.Error as exc:
        # Past the store's edge (a backup's or the check's own connection): damage
        # deep in the file shows only when that page is read.
        from quiz.dbfile import database_error, is_damage, resolve_path

        path = resolve_path(args.db)
        found = None if is_damage(exc) else _damage_found(args)
        _error(found or str(database_error(exc, path, "use")))
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("quiz: interrupted; every grade made so far is saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if (damaged := _damage_found(args)) is not None:
            # A damaged page read back as nonsense (a day that is not a date): the
            # damage is the news, not the error it caused.
            print(f"quiz: error: {damaged}", file=sys.stderr)
            return EXIT_ERROR
        # A bug, not a mistake of the user's: the details go to a log file, the
        # terminal gets one line, and the exit status says it failed.
        from quiz import crashlog

        print(crashlog.one_line(exc, crashlog.write(exc)), file=sys.stderr)
        return EXIT_ERROR


def _damage_found(args: argparse.Namespace) -> str | None:
    """After a command failed unexpectedly: the one-line "damaged" message if its
    database fails SQLite's quick check, else None (the error is something else)."""
    try:
        from quiz.dbfile import resolve_path
        from quiz.integrity import damage, summary

        path = resolve_path(args.db)
        if not path.is_file():
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = damage(conn)
        finally:
            conn.close()
    except (sqlite3.Error, OSError, QuizError):
        return None
    if not problems:
        return None
    return f"{path} is damaged ({summary(problems)}); restore a backup: quiz restore FILE"


def _error(problem: str) -> None:
    """Prints ``quiz: error: PROBLEM`` on stderr: one line, whatever a file name or
    a card in it holds (a line feed, an escape sequence: written out, not obeyed)."""
    from quiz.text import printable

    print(f"quiz: error: {printable(problem)}", file=sys.stderr)


def _session(
    args: argparse.Namespace, *, create: bool = False, as_last_time: bool = False
) -> tuple[Session, Deck]:
    """Loads the deck (first: a broken card is reported before the database is
    touched) and opens the database.

    Only commands that write pass ``create``: one that only reads refuses a missing
    database rather than leave a new empty one wherever a mistyped ``--db`` points.
    The app passes ``as_last_time``: the user's cards as the last load found them,
    looked at again once the first card is up (:func:`quiz.userdeck.changed`).
    """
    from quiz import config
    from quiz.dbfile import resolve_path
    from quiz.deck import load_deck
    from quiz.session import Session
    from quiz.store import Store
    from quiz.userdeck import cards_folder, with_user_cards

    deck = load_deck()
    path = resolve_path(args.db)
    store = Store.open(path, create=create)
    settings = config.load(store)
    folder = cards_folder(path, settings.cards_folder)
    deck = with_user_cards(deck, folder, as_last_time=as_last_time)
    if args.command is not None:  # the app shows them itself
        _warn_skipped(deck)
    session = Session(
        store,
        deck,
        rollover_hour=settings.rollover_hour,
        new_per_day=settings.new_per_day,
        interview=settings.interview_date,
        leech_lapses=settings.leech_lapses,
    )
    return session, deck


def _warn_skipped(deck: Deck) -> None:
    """One line on stderr per user card that was left out of the deck."""
    from quiz.text import printable

    for line in deck.skipped:
        print(f"quiz: warning: {printable(line)} (card skipped)", file=sys.stderr)


def _run_tui(args: argparse.Namespace) -> int:
    from quiz.startup import collector_paused

    with collector_paused():  # until the first screen is painted (quiz.startup)
        return _run_app(args)


def _run_app(args: argparse.Namespace) -> int:
    from quiz.dbfile import resolve_path
    from quiz.lock import hold_writer_lock

    # One app per database: a second one stops here, before it opens anything. The
    # lock is held until the app and its backup are done (and dies with the process).
    with hold_writer_lock(resolve_path(args.db), create=True):
        return _run_locked_app(args)


def _run_locked_app(args: argparse.Namespace) -> int:
    session, _ = _session(args, create=True, as_last_time=True)
    if args.tag is not None:
        try:
            session.tag = session.check_tag(args.tag)
        except QuizError as exc:
            session.store.close()
            raise UsageError(str(exc)) from None
    from quiz import config, crashlog
    from quiz.backup import AutoBackup
    from quiz.tui.app import QuizApp

    # The day's backup: a thread that copies the file once the first card is up.
    auto_backup = AutoBackup(session.store.path)
    with session.store:
        app = QuizApp(session, theme=config.load(session.store).theme, backup=auto_backup)
        app.run()
    app.keep_css()
    from quiz.tui.screens.quitting import GRACE_S  # after: not on the way to the first card

    # Quitting stopped a backup that would have held it up; a crash did not (yet).
    problem = auto_backup.finish(timeout=GRACE_S)
    if auto_backup.stopped:
        print(
            f"quiz: today's backup was stopped at quit ({problem}); the next start makes it",
            file=sys.stderr,
        )
    elif problem is not None:
        print(f"quiz: warning: no automatic backup today: {problem}", file=sys.stderr)
    if app.problem is not None:
        _error(str(app.problem))  # e.g. a damaged row, met while drawing a screen
        return EXIT_ERROR
    if app.crash is not None:
        if (damaged := _damage_found(args)) is not None:
            print(f"quiz: error: {damaged}", file=sys.stderr)  # the cause, not its effect
            return EXIT_ERROR
        # The app has already written the details to a log file (see QuizApp).
        where = app.crash_log or crashlog.log_folder()
        print(crashlog.one_line(app.crash, where), file=sys.stderr)
        return EXIT_ERROR
    if not app.asked_to_exit:
        # Textual's message loop ends quietly on a stray cancellation: not a quit.
        print(
            "quiz: the app stopped unexpectedly; your grades are saved. "
            "Please report it, with what you were doing.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return 0


def _list(args: argparse.Namespace) -> int:
    from rich.cells import cell_len

    from quiz.browsing import entries, suspended_by_topic
    from quiz.days import due_text
    from quiz.stats import topics
    from quiz.text import printable

    session, _ = _session(args)
    with session.store:
        today = session.today
        suspended = suspended_by_topic(entries(session))
        rows = [
            (
                f"{topic.number:>2}",
                # An escape sequence in a title is shown, not sent to the terminal.
                printable(topic.title),
                topic.state,
                due_text(topic.due, today, with_date=True) if topic.due else "—",
                _suspended_text(*suspended.get(topic.card_id, (0, 0))),
            )
            for topic in topics(session)
        ]
    header = ("#", "Topic", "State", "Next review", "Suspended")
    # Columns by the cells a text takes on screen: a wide letter or an emoji takes two.
    widths = [max(cell_len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = (cell + " " * (w - cell_len(cell)) for cell, w in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return 0


def _suspended_text(suspended: int, leeches: int) -> str:
    """The Suspended column of ``quiz list``: empty for none, "2", "2, 1 leech", or
    "1 leech" when every suspended card is a leech (short: the table fits 80 columns)."""
    from quiz.text import plural

    if not suspended:
        return ""
    if not leeches:
        return str(suspended)
    said = plural(leeches, "leech", "leeches")
    return said if leeches == suspended else f"{suspended}, {said}"


def _stats(args: argparse.Namespace) -> int:
    from quiz.stats import report

    session, _ = _session(args)
    with session.store:
        figures = report(session)
    if args.json:
        import json

        print(json.dumps(figures))
        return 0
    print("\n".join(stats_text(figures)))
    return 0


def stats_text(figures: dict[str, object]) -> list[str]:
    """``quiz stats`` as lines of text, from the same document ``--json`` prints."""
    from quiz.text import plural
    from quiz.textcharts import bars, heatmap, marker

    f: dict[str, Any] = dict(figures)
    today = date.fromisoformat(f["today"])
    lines = [
        f"Today ({today:%a %-d %b}): {f['due_today']} due, {f['new_today']} new, "
        f"{f['reviewed_today']} graded",
        f"Cards: {f['cards']} ({f['new']} new, {f['learning']} learning, {f['mature']} mature)",
        f"Reviews logged: {f['reviews']}",
        f"Streak: {plural(f['streak'], 'day')}, best {plural(f['best_streak'], 'day')}",
    ]
    retention = f["retention_30d"]
    lines.append(
        "Retention, last 30 days: "
        + (
            f"{retention:.0%} of scheduled reviews graded 3 or more"
            if retention is not None
            else "no reviews yet"
        )
    )
    if f["interview"]:
        iv = f["interview"]
        left = iv["days_left"]
        if left < 0:
            # Readiness is a countdown figure: once the day is over, only the date is news.
            lines.append(f"Interview {iv['date']}: was {plural(-left, 'day')} ago")
        else:
            lines.append(
                f"Interview {iv['date']}: {'today' if left == 0 else 'in ' + plural(left, 'day')}"
                f"; ready {iv['ready']} of {plural(f['cards'], 'topic')} ({iv['readiness']:.0%})"
            )
    counts = {date.fromisoformat(k): v for k, v in f["heatmap"].items()}
    lines += ["", "Reviews per day, last six months:", *heatmap(counts, today)]
    coming = [d["due"] for d in f["forecast"]]
    lines += [
        "",
        f"Due in the next 30 days ({plural(sum(coming), 'review')}):",
        *bars(coming, height=3),
    ]
    if f["interview"] and f["interview"]["forecast_index"] is not None:
        day = date.fromisoformat(f["interview"]["date"])
        lines.append(marker(f["interview"]["forecast_index"], f"interview {day:%a %-d %b}"))
    lines.append("today" + " " * 21 + "+29d")
    if f["reviews"] == 0:
        lines += ["", "No reviews yet: run 'quiz' to start your first session."]
    return lines


def _export(args: argparse.Namespace) -> int:
    from quiz import export
    from quiz.text import plural, printable

    if args.format == "apkg":
        # The cards only: no progress goes into the deck, so no database is needed.
        from quiz.dbfile import resolve_path
        from quiz.deck import load_deck

        path = Path(args.output or "quiz-deck.apkg")
        count = export.write_apkg(load_deck(), path, resolve_path(args.db))
        print(printable(f"wrote {plural(count, 'card')} to {path}"), file=sys.stderr)
        return 0
    session, _ = _session(args)
    with session.store as store:
        if args.output in (None, "-"):
            writer = export.write_csv if args.format == "csv" else export.write_json
            writer(store, sys.stdout)
            return 0
        count = export.save_log(store, Path(args.output), args.format)
        print(printable(f"wrote {plural(count, 'review')} to {args.output}"), file=sys.stderr)
    return 0


def _config(args: argparse.Namespace) -> int:
    from quiz import config

    if args.key is None:
        if args.clear:
            raise UsageError("--clear needs a KEY; e.g. 'quiz config interview-date --clear'")
        return _show_config(args, None)
    try:
        config.check_key(args.key)
    except QuizError as exc:
        raise UsageError(str(exc)) from None
    if args.clear and args.value is not None:
        raise UsageError(
            f"give a VALUE or --clear, not both; e.g. 'quiz config {args.key} --clear'"
        )
    if not args.clear and args.value is None:
        return _show_config(args, args.key)
    from quiz.days import local_now, study_day
    from quiz.dbfile import resolve_path
    from quiz.store import Store

    path = resolve_path(args.db)
    if args.value is not None:
        # Checked before the database is opened, so that a mistake does not create
        # one. A new database has no rollover hour stored: its today is the default.
        try:
            today = None if path.exists() else study_day(local_now())
        except OSError:
            today = None  # Store.open, next, says what is wrong with the path
        config.parse(args.key, args.value, today=today)
        if args.key == "theme":
            _check_theme(args.value.strip())
    from quiz.lock import hold_writer_lock

    with hold_writer_lock(path, create=True), Store.open(path) as store:
        today = study_day(local_now(), config.load(store).rollover_hour)
        stored = config.set_value(store, args.key, args.value, today=today)
    print(f"{args.key} cleared" if stored is None else f"{args.key} set to {stored}")
    return 0


def _show_config(args: argparse.Namespace, key: str | None) -> int:
    """Prints every setting, or only the value of ``key``."""
    from quiz import config
    from quiz.dbfile import resolve_path
    from quiz.store import Store

    with Store.open(resolve_path(args.db), create=False) as store:
        current = config.load(store)
    shown = {
        "interview-date": current.interview_date.isoformat()
        if current.interview_date
        else "not set",
        "new-per-day": str(current.new_per_day),
        "rollover-hour": f"{current.rollover_hour} (a study day starts at "
        f"{current.rollover_hour}:00 local time)",
        "theme": current.theme or "not set (Textual's default)",
        "cards-folder": current.cards_folder or "not set (cards/ beside the database)",
        "leech-lapses": f"{current.leech_lapses} (a card that lapses this often is suspended)"
        if current.leech_lapses
        else "0 (leeches are never suspended)",
    }
    if key is not None:
        print(shown[key])
        return 0
    width = max(map(len, shown))
    for name, value in shown.items():
        print(f"{name:<{width}}  {value}")
    return 0


def _check_theme(name: str) -> None:
    """Refuses a theme the app does not have. Textual is imported only here: the
    settings module never imports it."""
    from textual.theme import BUILTIN_THEMES

    if name not in BUILTIN_THEMES:
        raise QuizError(f"there is no theme {name!r}; themes: {', '.join(sorted(BUILTIN_THEMES))}")


def _user_deck(args: argparse.Namespace) -> Deck:
    """The built-in deck and the user's cards, without creating a database: the
    ``cards-folder`` setting is read only from a database that exists."""
    from quiz import config
    from quiz.dbfile import path_exists, resolve_path
    from quiz.deck import load_deck
    from quiz.store import Store
    from quiz.userdeck import cards_folder, with_user_cards

    deck = load_deck()
    path = resolve_path(args.db)
    setting = None
    if not os.environ.get("QUIZ_CARDS") and path_exists(path):
        with Store.open(path, create=False) as store:
            setting = config.load(store).cards_folder
    deck = with_user_cards(deck, cards_folder(path, setting))
    _warn_skipped(deck)
    return deck


def _add(args: argparse.Namespace) -> int:
    from quiz.text import printable
    from quiz.usercards import add_card

    print(printable(add_card(_user_deck(args)).message))
    return 0


def _edit(args: argparse.Namespace) -> int:
    from quiz.text import printable
    from quiz.usercards import edit_card

    print(printable(edit_card(_user_deck(args), args.card).message))
    return 0


def _import(args: argparse.Namespace) -> int:
    from quiz.importer import import_file
    from quiz.text import printable

    report = import_file(Path(args.file).expanduser(), _user_deck(args))
    for line in report.lines:
        print(printable(line))
    return 0


def _due(args: argparse.Namespace) -> int:
    session, _ = _session(args)
    with session.store:
        progress = session.progress()
    print(f"{progress.due + progress.drills} due, {progress.new} new")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from quiz.backup import backup
    from quiz.dbfile import require_database, resolve_path
    from quiz.lock import hold_writer_lock

    path = resolve_path(args.db)
    require_database(path)  # nothing to back up: say how a database is made
    with hold_writer_lock(path):
        print(backup(path))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from quiz.dbfile import reason, resolve_path
    from quiz.lock import hold_writer_lock
    from quiz.restore import restore

    db_path = resolve_path(args.db)
    source = Path(args.file).expanduser()
    try:
        # Without a backup file restore() refuses before it changes anything: no
        # lock needed, and no folder made for one.
        held = hold_writer_lock(db_path, create=True) if source.is_file() else None
        with held or contextlib.nullcontext():
            previous = restore(db_path, source)
    except OSError as exc:
        # restore() reports what goes wrong while copying; this is a path it could
        # not even look at (a folder on the way that cannot be searched).
        raise QuizError(f"cannot restore {db_path} from {args.file}: {reason(exc)}") from None
    print(f"restored {db_path} from {args.file}")
    if previous is not None:
        print(f"the file it replaced is saved as {previous}")
    return 0


def _check(args: argparse.Namespace) -> int:
    if args.card is not None:
        return _check_answer(args, args.card)
    from quiz.dbfile import inspect_existing, require_database, resolve_path
    from quiz.integrity import check

    path = resolve_path(args.db)
    require_database(path)
    inspect_existing(path)  # not a quiz database, or a newer one: one line, as elsewhere
    healthy, lines = check(path)
    print("\n".join(lines))
    return 0 if healthy else EXIT_ERROR


def _check_answer(args: argparse.Namespace, card_id: str) -> int:
    """``quiz check CARD_ID``: the answer on stdin, what the checker finds as JSON."""
    import json

    from quiz.checker import check_answer

    card = _user_deck(args).get(card_id)
    if card is None:
        raise UsageError(f"no card {card_id!r}; quiz list shows the card ids")
    data = sys.stdin.buffer.read(MAX_ANSWER_BYTES + 1)
    if len(data) > MAX_ANSWER_BYTES:
        raise UsageError(f"the answer is over {MAX_ANSWER_BYTES // 1000} kB; type a shorter one")
    result = check_answer(card, data.decode("utf-8", errors="replace"))
    print(json.dumps(result.to_json(), ensure_ascii=False))
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    from quiz.backup import backup
    from quiz.dbfile import require_database, resolve_path
    from quiz.integrity import foreign_objects, replay
    from quiz.lock import hold_writer_lock
    from quiz.store import Store

    path = resolve_path(args.db)
    require_database(path)
    with hold_writer_lock(path), Store.open(path, create=False) as store:
        foreign = foreign_objects(store.conn, store.schema_version())
        if foreign:
            raise QuizError(
                f"{path} holds {', '.join(foreign)}, which a rebuild could set off; "
                "nothing was changed: restore a backup made before (quiz restore FILE)"
            )
        found = replay(store.conn)
        if found.unreadable is not None:
            raise QuizError(
                f"{path} is damaged (its review log cannot be read: {found.unreadable}); "
                "nothing was changed: restore a backup (quiz restore FILE)"
            )
        if not found.differences:
            print(
                f"the cards table of {path} already matches its review log of "
                f"{found.grades} grades; nothing was changed"
            )
            return 0
        saved = backup(path, kind="pre-rebuild")  # checked: a damaged file stops here
        store.rebuild()
    count = len(found.differences)
    print(
        f"rebuilt the cards table of {path} from {found.grades} grades: "
        f"{count} card{'s' * (count != 1)} changed"
    )
    print(f"the file as it was is saved as {saved}")
    return 0
