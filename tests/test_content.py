"""The fifteen shipped cards: complete, in order, and renderable in the app."""

from __future__ import annotations

import re

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Markdown

import solvers
from quiz.deck import Card, Deck

SECTIONS = ["Answer", "Going deeper", "Common wrong answers", "Try it"]
TOPICS = [
    "deep learning",
    "neural network",
    "multilayer perceptron",
    "normalization",
    "boltzmann",
    "activation function",
    "cost function",
    "gradient descent",
    "backpropagation",
    "recurrent",
    "recurrent",
    "softmax",
    "hyperparameter",
    "learning rate",
    "dropout",
]


def core(deck: Deck) -> list[Card]:
    """The fifteen topics' own cards (follow-up cards name one of them as their topic)."""
    return [c for c in deck if c.is_core]


def test_fifteen_cards_numbered_1_to_15_in_the_set_order(deck: Deck) -> None:
    assert [c.number for c in core(deck)] == list(range(1, 16))
    for card, topic in zip(core(deck), TOPICS, strict=True):
        assert topic in card.question.lower(), card.path.name


def test_ids_are_unique_and_every_demo_exists(deck: Deck) -> None:
    assert len(set(deck.ids)) == len(deck)
    for card in core(deck):
        assert card.demo in solvers.DEMOS, card.path.name
    # Each topic is backed by its own demo.
    assert len({c.demo for c in core(deck)}) == 15


@pytest.mark.parametrize("number", range(1, 16))
def test_each_card_has_the_four_sections_in_order(deck: Deck, number: int) -> None:
    card = core(deck)[number - 1]
    headings = re.findall(r"^## (.+)$", card.body, flags=re.MULTILINE)
    assert headings == SECTIONS, card.path.name
    assert 3 <= len(card.key_points) <= 6
    assert card.references
    for point in card.key_points:
        # Phrases match whole words, so a short one ("γ") is safe; keywords are prefixes.
        assert point.phrases or point.keywords, point.text
        assert all(len(k) >= 3 for k in point.keywords), point.keywords
    # The checker names what an answer gets wrong: the card's common wrong answers.
    assert len(card.misconceptions) >= 3, card.path.name


@pytest.mark.parametrize("number", range(1, 16))
def test_try_it_names_the_cards_own_demo_with_real_parameters(deck: Deck, number: int) -> None:
    card = core(deck)[number - 1]
    try_it = card.body.split("## Try it", 1)[1]
    module = solvers.load(card.demo)
    names = {p.name for p in module.PARAMS}
    assert f"quiz demo {card.demo}" in try_it
    for key in re.findall(r"--set (\w+)=", try_it):
        assert key in names, f"{card.path.name}: --set {key} is not a parameter of {card.demo}"


class MarkdownApp(App[None]):
    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        yield Markdown(self.card.body)


@pytest.mark.parametrize("number", range(1, 16))
async def test_each_card_renders_in_textuals_markdown_widget(deck: Deck, number: int) -> None:
    card = core(deck)[number - 1]
    app = MarkdownApp(card)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        blocks = list(app.query_one(Markdown).children)
        sources = [getattr(b, "source", None) or "" for b in blocks]
        headings = [s.strip() for s in sources if s.startswith("## ")]
        assert headings == [f"## {s}" for s in SECTIONS], card.path.name
        assert all(b.size.width > 0 for b in blocks)
