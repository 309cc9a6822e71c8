"""A card's answer as the Markdown the screens show: its body, then its references."""

from __future__ import annotations

import re

from quiz.deck import Card
from quiz.text import printable

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def answer_markdown(card: Card) -> str:
    """The card's body followed by a "References" section listing its references.

    The references are plain text, so characters Markdown would read as markup are
    escaped: a reference is shown as written.
    """
    body = printable(card.body, newlines=True)
    if not card.references:
        return body
    items = "\n".join("- " + _MARKDOWN_SPECIAL.sub(r"\\\1", printable(r)) for r in card.references)
    return f"{body.rstrip()}\n\n## References\n\n{items}\n"
