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


@pytest.fixture(scope="module")
def deck(full_deck: Deck) -> Deck:
    """Every built-in card: the content checks cover the follow-ups too."""
    return full_deck


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


# -- references a reader can open (issue 17) ---------------------------------------------

LINK = re.compile(r"doi:|doi\.org|arxiv:|arxiv\.org|https?://", re.IGNORECASE)
PUBLISHED = re.compile(r"doi:|doi\.org|arxiv:|arxiv\.org", re.IGNORECASE)
# Where in the work: a section, page(s), chapter, equation, theorem, algorithm, table,
# figure, appendix, rule or definition.
LOCATOR = re.compile(
    r"§|\bsections?\b|\bsec\.|\bpp?\.\s*\d|\d+\s*[–-]\s*\d+|:\d+|\bchapters?\b|\bch\.|\beq|"
    r"\btheorem|\balgorithm|\babstract|\btables?\b|\bfig|\bappendix|\brule\b|\bdefinition|"
    r"\blemma|\bprop",
    re.IGNORECASE,
)


def test_every_reference_can_be_opened_and_a_paper_says_where(deck: Deck) -> None:
    """Each reference carries a DOI, an arXiv id or a URL; one to a paper or book (a DOI
    or arXiv id) also names the section, pages or part it is cited for. A web page's
    address is itself the place."""
    no_link = [(c.id, r[:80]) for c in deck for r in c.references if not LINK.search(r)]
    assert no_link == []
    no_place = [
        (c.id, r[:80])
        for c in deck
        for r in c.references
        if PUBLISHED.search(r) and not LOCATOR.search(r)
    ]
    assert no_place == []
    assert all(card.references for card in deck), "every card cites something"


# -- every card, follow-ups included (issue 17) -------------------------------------------


def test_every_card_has_its_sections(deck: Deck) -> None:
    for card in deck:
        headings = [line for line in card.body.splitlines() if line.startswith("## ")]
        assert headings[:3] == ["## Answer", "## Going deeper", "## Common wrong answers"], (
            card.id,
            headings,
        )
        if card.demo and card.is_core:
            assert "## Try it" in headings, card.id


def test_every_key_point_is_reachable_by_the_checker(deck: Deck) -> None:
    """Each key point can be made: its own statement, or the card's answer, makes it by
    the checker's rules. A phrase list that nothing can match would leave a point no
    typed answer ever ticks."""
    from quiz.checker import check_phrases, point_made

    check_phrases(deck)  # every phrase compiles
    unreachable = [
        (card.id, i + 1)
        for card in deck
        for i, point in enumerate(card.key_points)
        if not (point_made(point, point.text) or point_made(point, card.body))
    ]
    assert unreachable == []


def test_every_demo_and_preset_exists_and_runs(deck: Deck) -> None:
    """A card's demo is a real demo, its preset is valid for it (as ``--set`` would
    take it), and the demo runs with that preset and succeeds (each distinct demo and
    preset once, in-process)."""
    from quiz.deck import check_demo_params
    from solvers.cli import execute
    from solvers.params import resolve

    runs: dict[tuple[str, tuple[str, ...]], str] = {}
    for card in deck:
        if not card.demo:
            continue
        assert card.demo in solvers.DEMOS, card.id
        check_demo_params(card)
        runs.setdefault((card.demo, tuple(card.demo_settings())), card.id)
    for (name, settings), card_id in runs.items():
        if not settings:
            continue  # the default runs are the demos' own tests
        module = solvers.load(name)
        done = list(execute(module, resolve(module.PARAMS, settings)))[-1]
        assert done["type"] == "done" and done["ok"], (card_id, name, settings, done)
