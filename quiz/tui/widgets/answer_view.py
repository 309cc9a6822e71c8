"""The model answer as Markdown, with code blocks shown as written unless they say
their language.

Textual's Markdown guesses the language of a code block that names none (an indented
block, or a fence with no info string), with Pygments' ``guess_lexer``. The answers
use such blocks for formulas and tables of figures, and the guess is both wrong
(a residual formula read as "scdoc") and slow: the first guess imports every lexer
Pygments has and the lexer plugins of other installed packages (IPython, with jedi
and prompt_toolkit, where it is installed): 0.7 s on a slow machine, during which the
app took no keys. A block with no language is plain text here; one that names its
language (```` ```python ````) is still highlighted.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock, MarkdownFence

PLAIN = "text"


class CodeBlock(MarkdownFence):
    """A fenced or indented code block; plain text when it names no language."""

    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False, dark: bool = False) -> Content:
        return super().highlight(code, language or PLAIN, ansi=ansi, dark=dark)


class AnswerView(Markdown):
    """Markdown whose code blocks are :class:`CodeBlock`."""

    BLOCKS: dict[str, type[MarkdownBlock]] = {
        **Markdown.BLOCKS,
        "fence": CodeBlock,
        "code_block": CodeBlock,
    }
