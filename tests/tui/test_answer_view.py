"""The model answer's code blocks: shown as written, never guessed at.

Textual's Markdown asks Pygments to guess the language of a block that names none;
the first guess loaded every lexer Pygments has (and IPython's, where installed), some
0.7 s on a slow machine with the app taking no keys, and coloured a formula as if it
were a man page.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.content import Content

from quiz.session import Session
from quiz.tui.screens.card import CardScreen
from quiz.tui.widgets.answer_view import AnswerView, CodeBlock

from .helpers import make_app, screen_text, settle, until

FORMULA = "x_L = x_l + Σ F(x_i)"
SOURCE = f"""\
Before.

```
{FORMULA}
```

    indented_block = 1

```python
def relu(z):
    return max(0, z)
```
"""


@pytest.fixture
def guesses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every code text Textual asked Pygments to guess the language of."""
    import textual.highlight

    seen: list[str] = []
    real = textual.highlight.guess_language

    def guess_language(code: str, path: str | None) -> str:
        seen.append(code)
        return real(code, path)

    monkeypatch.setattr(textual.highlight, "guess_language", guess_language)
    return seen


class OneAnswer(App[None]):
    def compose(self) -> ComposeResult:
        yield AnswerView(SOURCE)


def colours(content: Content) -> set[str]:
    return {str(span.style) for span in content.spans}


async def test_blocks_without_a_language_are_plain_text_and_are_not_guessed(
    guesses: list[str],
) -> None:
    app = OneAnswer()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.query(CodeBlock)) == 3)
        await pilot.pause()
        fence, indented, python = app.query(CodeBlock).results(CodeBlock)
        assert guesses == []
        assert fence.code == FORMULA and indented.code == "indented_block = 1"
        # Shown as written, with no colour of a guessed language in them...
        text = screen_text(app)
        assert FORMULA in text and "indented_block = 1" in text
        assert fence.lexer == "" and indented.lexer == ""
        plain = colours(CodeBlock.highlight(FORMULA, "text"))
        assert colours(fence._highlighted_code) == plain
        # ...while a block that names its language is still highlighted.
        assert "def relu(z):" in text
        assert len(colours(python._highlighted_code)) > len(plain)


async def test_the_card_view_shows_a_formula_block_without_guessing(
    session: Session, guesses: list[str]
) -> None:
    from quiz.deck import load_deck

    card = load_deck().by_id["residual-connections"]
    assert "\n```\n" in card.body  # the card has a block with no language
    app = make_app(session)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        app.call_later(app.push_screen, CardScreen(card))
        await until(pilot, lambda: len(app.screen.query(CodeBlock)) > 0)
        await pilot.pause()
        assert guesses == []
        blocks = app.screen.query(CodeBlock).results(CodeBlock)
        assert any(block.code.startswith("x_L = x_l") for block in blocks)
