"""Hostile text for the fuzz tests: markup, escapes, control characters, escape
sequences, very long words, wide and right-to-left text; and decks whose cards
carry it.

Seeded: the same seed gives the same strings and the same deck.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path

# Each of these broke, or could break, a screen or a terminal somewhere.
FRAGMENTS = [
    # Textual's and Rich's markup: tags, a closing tag never opened, variables, actions.
    "[b]",
    "[/b]",
    "[/x",
    "f2(f1(x)) [/x",
    "[$5]",
    "price [$5]",
    "$accent",
    "[@click=app.quit]",
    "[@click=app.quit]quit[/]",
    "[link=https://example.com]x[/link]",
    "[/]",
    "[red on $primary]",
    "[bold italic",
    "[#ff0000]",
    "[",
    "]",
    "[[",
    "]]",
    "[]",
    "[ ]",
    "[0]",
    "[a=",
    "[@]",
    # Escapes of markup, Markdown and format strings.
    "\\[b]",
    "\\",
    "\\\\[/x",
    ":smile:",
    "%s %d",
    "{0} {name}",
    "*bold* _it_ `code",
    "# heading",
    "| a | b |",
    "<b>html</b>",
    "<script>alert(1)</script>",
    "&amp; &lt;",
    "```",
    # Spreadsheet formulas.
    "=SUM(A1:A9)",
    "+1+1",
    "-2",
    "@cmd",
    # Control characters and terminal escape sequences.
    "\x1b[31mred\x1b[0m",
    "\x1b[2J\x1b[H",
    "\x1b]0;new title\x07",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x9b31m",
    "\x07",
    "\x00",
    "\x08\x08",
    "\r",
    "\x7f",
    "\x0b\x0c",
    "\u2028",
    # Bidi controls (reorder what follows them) and invisible characters.
    "\u202eevil",
    "\u2066isolate\u2069",
    "\u200b",
    "\ufeff",
    # Wide, combined and right-to-left text.
    "👍🏽",
    "👨‍👩‍👧",
    "漢字テスト",
    "مرحبا بالعالم",
    "שלום עולם",
    "e\u0301",
    "Ω≈ç√∫",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    # Very long words.
    "a" * 300,
    "supercalifragilistic" * 12,
]
_CHARS = string.printable + "äöüßéñ€—“”…→✓✗█░" + "".join(map(chr, range(0, 32)))


def hostile_text(rng: random.Random, parts: int = 4) -> str:
    """A string of a few hostile fragments and random characters, never blank."""
    pieces = []
    for _ in range(rng.randint(1, parts)):
        if rng.random() < 0.7:
            pieces.append(rng.choice(FRAGMENTS))
        else:
            pieces.append("".join(rng.choice(_CHARS) for _ in range(rng.randint(1, 12))))
    text = rng.choice(["", " ", "x "]).join(pieces)
    return text if text.strip() else "x" + text


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and every control
    character escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


@dataclass(frozen=True)
class HostileCard:
    """What one card of a hostile deck says (before the deck strips its fields)."""

    id: str
    number: int
    title: str
    question: str
    points: tuple[str, ...]
    keywords: tuple[str, ...]
    references: tuple[str, ...]
    body: str
    demo: str = "softmax"


def write_card(folder: Path, card: HostileCard) -> Path:
    """Writes ``card`` as a card file in ``folder``."""
    lines = [
        "+++",
        f'id = "{card.id}"',
        f"number = {card.number}",
        f"title = {toml_string(card.title)}",
        f"question = {toml_string(card.question)}",
        f'demo = "{card.demo}"',
        "references = [" + ", ".join(map(toml_string, card.references)) + "]",
    ]
    for point in card.points:
        lines += [
            "[[key_points]]",
            f"text = {toml_string(point)}",
            "keywords = [" + ", ".join(map(toml_string, card.keywords)) + "]",
        ]
    lines += ["+++", card.body]
    path = folder / f"{card.number:02d}-{card.id}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# The cards every hostile deck starts with: the strings of the bug reports, in the
# fields where a person would look for them.
FIXED = [
    HostileCard(
        id="price",
        number=1,
        title="price [$5] of f2(f1(x)) [/x",
        question="What does f2(f1(x)) [/x return, and [@click=app.quit]quit[/]?",
        points=("A point in [b]bold[/b] that is not bold", "Costs [$5] \\[b] [/x"),
        keywords=("[/x", "$5"),
        references=("Smith [$5] et al. [/x", "<b>Doe</b> & *Roe*, `x`"),
        body="## Answer\n\nThe answer is f2(f1(x)) [/x and costs [$5].\n",
    ),
    HostileCard(
        id="escapes",
        number=2,
        title="red \x1b[31mtitle\x1b[0m \u202eevil",
        question="Bell\x07 and erase \x1b[2J: what \x1b]0;title\x07 now?",
        points=("A \x1b[1mbold\x1b[0m point", "漢字 and مرحبا and 👨‍👩‍👧"),
        keywords=("bold",),
        references=("Ref with \x1b[4munderline",),
        body="## Answer\n\nText with \x1b[31mred\x1b[0m in it.\n",
    ),
]


def hostile_deck(folder: Path, seed: int, count: int) -> list[HostileCard]:
    """Writes the fixed cards and ``count`` random ones into ``folder``; returns them."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    cards = list(FIXED)
    for i in range(count):
        number = len(cards) + 1
        cards.append(
            HostileCard(
                id=f"hostile-{i}",
                number=number,
                title=hostile_text(rng, 3),
                question=hostile_text(rng),
                points=tuple(hostile_text(rng) for _ in range(rng.randint(1, 3))),
                keywords=tuple(hostile_text(rng, 2) for _ in range(rng.randint(1, 2))),
                references=tuple(hostile_text(rng) for _ in range(rng.randint(0, 2))),
                body="## Answer\n\n" + hostile_text(rng, 8),
                demo=rng.choice(["softmax", "learning-rate", "mlp"]),
            )
        )
    for card in cards:
        write_card(folder, card)
    return cards
