"""``quiz import FILE``: Anki notes and CSV rows as cards of the user's own.

Each note (or row) becomes one card file in the user folder, named from its id:

- basic notes: the first field is the question, the second the answer; further fields
  with text follow the answer under their names;
- cloze notes: one card per cloze number, the question with that number's deletions
  blanked (``[...]``, or ``[hint]``), the answer the deleted text; ``Back Extra`` follows;
- CSV: ``question,answer[,tags]``, a header row of those names optional; the
  delimiter (comma, semicolon or tab) is sniffed;
- HTML becomes plain text and Markdown (bold, italics, line breaks, lists, code);
  an image is named, sound is dropped (media is not imported);
- Anki tags become card tags, lower-case words joined by '-' (``DL::CNN`` -> ``dl-cnn``);
- one key point: the answer's first sentence (see :func:`key_phrases`).

An id is stable: words of the question and a hash of the Anki note's guid (with its
cloze number), or of the CSV question. A re-import therefore finds the same cards:
one unchanged is skipped, one whose source changed is updated, and one the user
edited since is kept as it is (the file records a fingerprint of what was imported).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from quiz.ankifile import Note, read_notes
from quiz.dbfile import reason
from quiz.deck import MAX_CARD_BYTES, Deck, parse_text
from quiz.errors import QuizError
from quiz.usercards import card_folder, save_card
from quiz.userdeck import card_files

MAX_CSV_BYTES = 50_000_000
# Words a key point's phrases leave out: a phrase made of them would match any answer.
_STOP = """a an the and or but if then else of to in on at by for with from as into onto
    is are was were be been being it its this that these those there their they them
    he she we you i do does did not no so than too very can could should would may
    might will shall must has have had which who whom what when where why how also
    such only just more most other some any each all both either neither one during
    after before about over under between through while because using used"""
STOP_WORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Imported:
    """A card to write: the note it came from (for messages), its id and its text."""

    source: str
    card_id: str
    question: str
    answer: str
    tags: tuple[str, ...]


@dataclass
class Report:
    """What an import did; ``lines`` is what ``quiz import`` prints."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    kept: int = 0  # of the skipped: edited by the user since they were imported
    problems: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        kept = f" ({self.kept} of them edited since the last import, kept)" if self.kept else ""
        return [
            *self.problems,
            f"{self.added} added, {self.updated} updated, {self.skipped} skipped{kept}",
        ]


def import_file(path: Path, deck: Deck) -> Report:
    """Imports ``path`` (``.apkg``, ``.colpkg`` or ``.csv``) into ``deck.user_folder``.

    Raises:
        QuizError: the file cannot be read or is not of its kind, or the folder cannot
            be written; what was written before stays, each card whole.
    """
    suffix = path.suffix.lower()
    if suffix in (".apkg", ".colpkg"):
        if not path.is_file():
            raise QuizError(f"there is no file {path}")
        cards, problems = from_notes(read_notes(path), path.name)
    elif suffix in (".csv", ".tsv", ".txt"):
        cards, problems = from_csv(path)
    else:
        raise QuizError(f"{path}: quiz imports .apkg, .colpkg and .csv files, not {suffix!r}")
    folder = card_folder(deck)
    report = Report(skipped=len(problems), problems=problems)
    _write(cards, path.name, folder, deck, report)
    return report


# --- Anki notes -------------------------------------------------------------------

_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def from_notes(notes: list[Note], name: str) -> tuple[list[Imported], list[str]]:
    """Cards from Anki notes (see the module's rules), and one line per note left out."""
    cards: list[Imported] = []
    problems: list[str] = []
    for i, note in enumerate(notes, 1):
        where = f"{name}: note {i}"
        tags = tuple(t for t in (_tag(t) for t in note.tags) if t)
        values = [v for _, v in note.fields] or [""]
        if note.fields[:1] == (("Occlusion", values[0]),) or "image-occlusion:" in values[0]:
            problems.append(f"{where}: skipped: an image occlusion note (images are not imported)")
            continue
        if note.cloze or any(_CLOZE.search(v) for v in values[:1]):
            numbers = sorted({int(m.group(1)) for m in _CLOZE.finditer(values[0])})
            if not numbers:
                problems.append(f"{where}: skipped: a cloze note with no {{{{c1::...}}}}")
                continue
            extra = "\n\n".join(to_markdown(v) for v in values[1:] if to_markdown(v))
            for n in numbers:
                question, answers = _cloze(values[0], n)
                # The deleted text first, bold: it is the first sentence, the key point.
                body = f"**{'; '.join(answers)}**\n\n{_cloze_full(values[0])}"
                body += f"\n\n{extra}" if extra else ""
                key = f"{note.guid}/c{n}"
                cards.append(
                    Imported(
                        where, card_id(question, key) if question else "", question, body, tags
                    )
                )
            continue
        if len(values) < 2:
            problems.append(f"{where}: skipped: one field only, no answer")
            continue
        question, answer = to_markdown(values[0], marks=False), to_markdown(values[1])
        more = [f"**{label}:** {to_markdown(v)}" for label, v in note.fields[2:] if to_markdown(v)]
        if more:
            answer = "\n\n".join([answer, *more])
        cards.append(Imported(where, card_id(question, note.guid), question, answer, tags))
    return cards, problems


def _cloze(text: str, n: int) -> tuple[str, list[str]]:
    """The question for cloze number ``n`` (its deletions blanked, the others shown)
    and the deleted texts."""
    answers: list[str] = []

    def blank(m: re.Match[str]) -> str:
        if int(m.group(1)) != n:
            return m.group(2)
        answers.append(to_markdown(m.group(2)))
        return f"[{m.group(3)}]" if m.group(3) else "[...]"

    question = to_markdown(_CLOZE.sub(blank, text), marks=False)
    return question, list(dict.fromkeys(a for a in answers if a))


def _cloze_full(text: str) -> str:
    return to_markdown(_CLOZE.sub(lambda m: m.group(2), text))


# --- CSV --------------------------------------------------------------------------


def from_csv(path: Path) -> tuple[list[Imported], list[str]]:
    """Cards from the rows of a CSV file, and one line per row left out."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise QuizError(f"cannot read {path}: {reason(exc)}") from None
    if len(data) > MAX_CSV_BYTES:
        raise QuizError(f"{path} is over {MAX_CSV_BYTES // 1_000_000} MB; split it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuizError(
            f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
            f"{exc.start}); save it as UTF-8 CSV"
        ) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:20_000], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    cards: list[Imported] = []
    problems: list[str] = []
    rows: list[list[str]] = []
    try:
        # Strict: read leniently, a quote never closed took every row after it into
        # one cell (rows lost into one long answer, without a word).
        for row in csv.reader(io.StringIO(text), dialect, strict=True):
            rows.append(row)
    except csv.Error as exc:
        where = f"row {len(rows) + 1}"
        if "unexpected end of data" in str(exc):
            raise QuizError(
                f"{path}: {where}: a quote opened there is never closed; close it "
                '(a quote inside a quoted cell is written "")'
            ) from None
        raise QuizError(f"{path} is not a CSV file this can read: {where}: {exc}") from None
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["question", "answer"]:
        rows[0] = []
    for i, row in enumerate(rows, 1):
        if not any(c.strip() for c in row):
            continue
        where = f"{path.name}: row {i}"
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            problems.append(f"{where}: skipped: it needs a question and an answer")
            continue
        question, answer = _cell(row[0]), _cell(row[1])
        tags = tuple(
            t for t in (_tag(t) for t in re.split(r"[\s,;]+", row[2] if len(row) > 2 else "")) if t
        )
        cards.append(Imported(where, card_id(question, question), question, answer, tags))
    if not cards and not problems:
        raise QuizError(f"{path} has no rows (question,answer[,tags])")
    return cards, problems


_HTML_TAG = re.compile(r"</?(b|i|u|br|div|p|span|li|ul|ol|code|pre|img|sup|sub|em|strong)\b", re.I)


def _cell(text: str) -> str:
    """A CSV cell: HTML (as Anki's text export writes) converted, other text as is."""
    return to_markdown(text) if _HTML_TAG.search(text) else text.strip()


# --- text -------------------------------------------------------------------------


class _Markdown(HTMLParser):
    """HTML to plain text with a little Markdown; unknown tags keep their text."""

    BLOCKS = frozenset({"div", "p", "br", "ul", "ol", "tr", "table", "h1", "h2", "h3", "pre"})

    def __init__(self, marks: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.marks = marks  # Markdown's emphasis marks; not in a question, shown as text

    def mark(self, text: str) -> None:
        if self.marks:
            self.out.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self.out.append("\n\n")  # a line break in Anki: a new paragraph here
        elif tag in self.BLOCKS:
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in ("b", "strong"):
            self.mark("**")
        elif tag in ("i", "em"):
            self.mark("*")
        elif tag == "code":
            self.mark("`")
        elif tag == "img":
            src = dict(attrs).get("src") or "image"
            self.out.append(f"[image: {src}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")
        elif tag in ("b", "strong"):
            self.mark("**")
        elif tag in ("i", "em"):
            self.mark("*")
        elif tag == "code":
            self.mark("`")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def to_markdown(fragment: str, marks: bool = True) -> str:
    """An Anki field's HTML as plain text with a little Markdown (none when
    ``marks`` is False: a question is shown as it is written)."""
    fragment = re.sub(r"\[sound:[^\]]*\]", "", fragment)
    parser = _Markdown(marks)
    parser.feed(fragment)
    parser.close()
    text = html.unescape("".join(parser.out)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _tag(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def card_id(question: str, key: str) -> str:
    """A stable id: up to six words of the question and a hash of ``key``."""
    words = re.findall(r"[a-z0-9]+", question.lower())[:6]
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    return "-".join([*words, digest]) if words else f"card-{digest}"


def first_sentence(text: str) -> str:
    """The answer's first sentence (its first line, up to a full stop)."""
    line = next((ln for ln in text.split("\n") if ln.strip()), "")
    line = re.sub(r"[*`#>]", "", line).lstrip("- ").strip()
    match = re.match(r"(.+?[.!?])(\s|$)", line)
    return (match.group(1) if match else line).strip()


def key_phrases(sentence: str) -> list[str]:
    """Phrases for a key point that is ``sentence``: a sentence of four words or fewer
    must be written whole; a longer one is made by two neighbouring content words of
    it (not function words) in one sentence of the answer, in order, up to five words
    apart (``randomly ... zeroes``). At most six such pairs."""
    words = re.findall(r"[^\W_]+(?:[-'][^\W_]+)*", sentence)
    if len(words) <= 4:
        phrase = re.sub(r"[()\[\]{}]", " ", sentence.rstrip(".!?"))
        phrase = re.sub(r"\.\.\.|…", " ", phrase)
        phrase = re.sub(r"([|?*\\=])", r"\\\1", phrase)
        phrase = " ".join(phrase.split())
        from quiz.phrases import syntax_error

        if phrase and syntax_error(phrase) is None:
            return [phrase]
        return [" ".join(words)] if words else []
    content = [w for w in words if w.lower() not in STOP_WORDS and len(w) > 2]
    if len(content) < 2:
        return [" ".join(words[:4])]
    pairs = [f"{a.lower()} ... {b.lower()}" for a, b in itertools.pairwise(content)]
    return list(dict.fromkeys(pairs))[:6]


def card_text(card: Imported, source: str) -> str:
    """The card file for ``card``, with the fingerprint line a re-import reads."""
    body = _card_body(card)
    return f"+++\n# imported from {_one_line(source)}; {FINGERPRINT} {fingerprint(body)}\n{body}"


FINGERPRINT = "fingerprint"
_FINGERPRINT_LINE = re.compile(rf"^# imported from .*; {FINGERPRINT} ([0-9a-f]+)\n", re.M)


def fingerprint(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _card_body(card: Imported) -> str:
    """The card as written, after its opening ``+++`` and fingerprint line."""
    first = first_sentence(card.answer)
    title = card.question.split("\n")[0]
    if len(title) > 70:
        title = title[:70].rsplit(" ", 1)[0] + "…"
    lines = [
        f"id = {_toml(card.card_id)}",
        f"title = {_toml(title)}",
        f"question = {_toml(card.question)}",
    ]
    if card.tags:
        lines.append("tags = [" + ", ".join(_toml(t) for t in dict.fromkeys(card.tags)) + "]")
    lines += [
        "",
        "[[key_points]]",
        f"text = {_toml(first)}",
        "phrases = [" + ", ".join(_toml(p) for p in key_phrases(first)) + "]",
        "+++",
        "## Answer",
        "",
        card.answer,
        "",
    ]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _toml(text: str) -> str:
    """A TOML basic string."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# --- writing ----------------------------------------------------------------------


def _write(cards: list[Imported], source: str, folder: Path, deck: Deck, report: Report) -> None:
    from solvers import DEMOS

    existing = _existing(folder)
    done: set[str] = set()
    for card in cards:
        if not card.card_id:
            report.problems.append(f"{card.source}: skipped: no question text")
            report.skipped += 1
            continue
        if card.card_id in done:
            report.skipped += 1  # the same question twice in one file
            continue
        done.add(card.card_id)
        text = card_text(card, source)
        if len(text.encode("utf-8")) > MAX_CARD_BYTES:
            report.problems.append(f"{card.source}: skipped: over 1 MB")
            report.skipped += 1
            continue
        target = existing.get(card.card_id)
        other = deck.get(card.card_id)
        if target is None and other is not None and other.origin != "user":
            report.problems.append(
                f"{card.source}: skipped: its id {card.card_id!r} is a built-in card's"
            )
            report.skipped += 1
            continue
        try:
            parse_text(folder / f"{card.card_id}.md", text, DEMOS, user=True)
        except QuizError as exc:  # a phrase the checker cannot read, say
            report.problems.append(f"{card.source}: skipped: {exc}")
            report.skipped += 1
            continue
        if target is None:
            _save(folder / f"{card.card_id}.md", text, report)
            report.added += 1
            continue
        action = _compare(target, text)
        if action == "update":
            _save(target, text, report)
            report.updated += 1
        else:
            report.skipped += 1
            report.kept += action == "kept"


def _existing(folder: Path) -> dict[str, Path]:
    """The user's card files by id (read cheaply: the ``id = "..."`` line)."""
    found: dict[str, Path] = {}
    paths, _ = card_files(folder)
    for path in paths:
        try:
            with path.open(encoding="utf-8", errors="replace") as f:
                head = f.read(4096)
        except OSError:
            continue
        match = re.search(r'^id\s*=\s*"([a-z0-9-]+)"', head, re.M)
        if match:
            found.setdefault(match.group(1), path)
    return found


def _compare(path: Path, new_text: str) -> str:
    """``same`` (skip), ``update`` (imported before and untouched since: rewrite) or
    ``kept`` (edited by the user since, or not an imported card: leave it)."""
    try:
        old = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "kept"
    if old == new_text:
        return "same"
    match = _FINGERPRINT_LINE.search(old)
    if match is None:
        return "kept"
    recorded = match.group(1)
    new_match = _FINGERPRINT_LINE.search(new_text)
    if new_match is not None and new_match.group(1) == recorded:
        return "same"  # the source is as it was (the card may have been edited here)
    return "update" if fingerprint(old[match.end() :]) == recorded else "kept"


def _save(path: Path, text: str, report: Report) -> None:
    try:
        save_card(path, text)
    except OSError as exc:
        done = f"{report.added} added and {report.updated} updated before it"
        raise QuizError(
            f"cannot write {path}: {reason(exc)}; stopped ({done}: run the import again "
            "once the folder is writable)"
        ) from None
