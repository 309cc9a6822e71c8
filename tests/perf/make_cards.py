"""Writes a folder of many varied, valid cards of one's own, to measure Browse and the
start on.

    python tests/perf/make_cards.py DIR [COUNT]

DIR (a card folder: ``QUIZ_CARDS=DIR``) gets COUNT (default 2,000) follow-up cards
spread over the fifteen built-in topics: every kind, one to four key points, a few
tags from a list of forty, answers of a few hundred words to a few kB, some with a
misconception. Seeded: the same cards each run.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KINDS = ("explain", "derive", "compute", "debug", "trap")
TEXT = (
    "gradient loss weight bias layer activation softmax logit batch epoch optimiser "
    "momentum adam variance mean normalisation dropout residual attention embedding "
    "token sequence recurrent convolution kernel stride pooling regularisation penalty "
    "overfitting underfitting validation learning rate schedule warmup decay entropy "
    "likelihood posterior prior sampling gibbs energy boltzmann hidden visible unit "
    "jacobian hessian curvature saddle minimum convex vanishing exploding clipping"
)
WORDS = TEXT.split()
TAGS = [
    "optimisation", "regularisation", "derivation", "numerics", "debugging", "theory",
    "probability", "linear-algebra", "initialisation", "normalisation", "rnn", "cnn",
    "attention", "loss", "activation", "sampling", "generalisation", "capacity",
    "training", "inference", "gradients", "backprop", "softmax", "relu", "sigmoid",
    "batchnorm", "dropout", "adam", "sgd", "momentum", "curvature", "stability",
    "interview", "classic", "trap", "compute", "deployment", "data", "metrics", "scaling",
]  # fmt: skip


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def card_text(rng: random.Random, number: int, topic: str) -> str:
    kind = rng.choice(KINDS)
    tags = sorted(set(rng.sample(TAGS, rng.randint(1, 4))))
    points = []
    for _ in range(rng.randint(1, 4)):
        a, b = rng.sample(WORDS, 2)
        points.append(
            f'[[key_points]]\ntext = "{sentence(rng, 12)}"\nphrases = ["{a} {b}", "{b}"]\n'
        )
    misconception = ""
    if rng.random() < 0.3:
        a, b = rng.sample(WORDS, 2)
        misconception = (
            f'\n[[misconceptions]]\nclaim = "{sentence(rng, 8)}"\nphrases = ["{a} is {b}"]\n'
            f'correction = "{sentence(rng, 10)}"\ncontradicts = [1]\n'
        )
    body = "\n\n".join(sentence(rng, rng.randint(20, 60)) for _ in range(rng.randint(3, 30)))
    return (
        "+++\n"
        f'id = "gen-{number:05}"\n'
        f'topic = "{topic}"\n'
        f'kind = "{kind}"\n'
        f'title = "Card {number}: {sentence(rng, rng.randint(3, 9))[:-1]}"\n'
        f'question = "{sentence(rng, rng.randint(8, 25))[:-1]}?"\n'
        f"tags = {tags!r}\n".replace("'", '"')
        + "\n"
        + "\n".join(points)
        + misconception
        + "+++\n## Answer\n\n"
        + body
        + "\n"
    )


def main() -> None:
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    folder = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 2000
    folder.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(REPO))
    from quiz.deck import load_deck
    from quiz.userdeck import with_user_cards

    builtin = load_deck(REPO / "content")
    topics = [card.id for card in builtin.topics]
    rng = random.Random(18)
    for number in range(1, count + 1):
        topic = topics[number % len(topics)]
        (folder / f"gen-{number:05}.md").write_text(card_text(rng, number, topic))
    deck = with_user_cards(builtin, folder)
    if deck.skipped:  # every card must load, or this stops here with the file
        raise SystemExit(deck.skipped[0])
    print(f"{folder}: {len(deck)} cards ({len(builtin)} built-in, {count} of one's own)")


if __name__ == "__main__":
    main()
