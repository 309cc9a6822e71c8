"""Textual's parsed CSS, kept between runs (quiz.tui.csscache).

A start with the kept rules parses no CSS, and the rules it takes are the ones
Textual's own parse gives: for the theme of the start, never another theme's.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual.css import parse
from textual.css.stylesheet import Stylesheet, StylesheetParseError

from quiz import deckcache
from quiz.session import Session
from quiz.store import Store
from quiz.tui import csscache
from quiz.tui.app import QuizApp
from quiz.tui.csscache import KeptRules, KeptStylesheet

from .helpers import make_app, screen_text, settle


def textual_parse(app: QuizApp) -> list[Any]:
    """The rule sets Textual's own Stylesheet makes of the app's sources, with the
    app's theme variables."""
    plain = Stylesheet(variables=app.get_css_variables())
    for read_from, (css, is_default, tie_breaker, scope) in app.stylesheet.source.items():
        plain.add_source(
            css,
            read_from=read_from,
            is_default_css=is_default,
            tie_breaker=tie_breaker,
            scope=scope,
        )
    plain.parse()
    return plain.rules


def comparable(rules: list[Any]) -> list[Any]:
    """Rule sets as values to compare: Textual makes a new layout object (equal only to
    itself) at every parse, so a layout is compared by its class and attributes."""

    def value(item: Any) -> Any:
        equal_if_same: bool = type(item).__eq__ is object.__eq__  # type: ignore[comparison-overlap]
        if equal_if_same and hasattr(item, "__dict__"):
            return (type(item).__qualname__, vars(item))
        return item

    return [
        (
            rule.selector_set,
            {name: value(item) for name, item in rule.styles.get_rules().items()},
            rule.errors,
            rule.is_default_rules,
            rule.tie_breaker,
            rule.selector_names,
            rule.pseudo_classes,
        )
        for rule in rules
    ]


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every CSS source Textual's parser is given from now on."""
    seen: list[str] = []
    real = parse.parse

    def counting(scope: str, css: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(css)
        return real(scope, css, *args, **kwargs)

    monkeypatch.setattr("textual.css.stylesheet.parse", counting)
    return seen


async def first_screen(app: QuizApp) -> str:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        app.keep_css()  # as quiz.cli does when the app ends
    return text


async def test_a_second_start_parses_no_css_and_looks_the_same(
    store: Store, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = count_parses(monkeypatch)
    first = make_app(session)
    first_text = await first_screen(first)
    assert parses, "the first start parses the CSS"
    assert deckcache.read_bytes(csscache.FILE) is not None

    parses.clear()
    second = make_app(Session(store, session.deck))
    second_text = await first_screen(second)
    assert parses == []
    assert comparable(second.stylesheet.rules) == comparable(textual_parse(second))
    assert second_text == first_text
    assert "What is deep learning?" in second_text


async def test_another_theme_never_takes_the_rules_kept_for_the_last_one(
    store: Store, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    await first_screen(make_app(session))  # keeps the default theme's rules
    parses = count_parses(monkeypatch)
    app = QuizApp(Session(store, session.deck), theme="gruvbox")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"
        assert parses, "gruvbox's colours are parsed into its rules"
        assert comparable(app.stylesheet.rules) == comparable(textual_parse(app))
        app.keep_css()
    # The file now holds the theme the next start uses: no parse for it.
    parses.clear()
    again = QuizApp(Session(store, session.deck), theme="gruvbox")
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert parses == []
        assert comparable(again.stylesheet.rules) == comparable(textual_parse(again))


def test_css_with_errors_is_parsed_every_time_not_kept() -> None:
    kept = KeptRules()
    sheet = KeptStylesheet(variables={}, kept=kept)
    sheet.add_source("Widget { colour: red; }", read_from=("bad.tcss", ""))
    with pytest.raises(StylesheetParseError):
        sheet.parse()
    sheet.keep()
    assert deckcache.read_bytes(csscache.FILE) is None  # nothing to keep: no file
    assert KeptRules.read().get(sheet.variables_key, ("x", ("", ""), False, 0, "")) is None


def test_a_damaged_file_is_passed_over(
    store: Store, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert deckcache.write_bytes(csscache.FILE, b"\x80\x05not a pickle")
    kept = KeptRules.read()
    sheet = KeptStylesheet(variables={"primary": "#ff0000"}, kept=kept)
    sheet.add_source("Widget { color: $primary; }", read_from=("ok.tcss", ""))
    sheet.parse()
    assert [str(rule.styles.color) for rule in sheet.rules] == ["Color(255, 0, 0)"]


def test_a_changed_textual_parser_is_another_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = tmp_path / "parse.py"
    parser.write_text("# Textual's parser")
    monkeypatch.setattr(parse, "__file__", str(parser))
    before = csscache.file_key()
    parser.write_text("# Textual's parser, upgraded")
    os.utime(parser, ns=(1, 1))
    assert csscache.file_key() != before
