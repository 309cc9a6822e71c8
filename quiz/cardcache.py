"""A cache of the user's parsed cards, so that 2,000 of them do not cost a second of
TOML parsing at every start.

One JSON file per card folder, in the user cache folder (on Linux
``~/.cache/quiz/cards/``): for each card file, its size, modification time and inode,
and the card as parsed (or the one line that refused it). A file whose size, time or
inode changed is parsed again; a cache written by another version of quiz, for other
demos, or by a card loader changed since, is ignored. The cache is only ever a copy:
deleting it costs one slow start, and one that cannot be read or written is passed over.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from quiz import __version__
from quiz.deck import Card, Choice, KeyPoint, Misconception, Prediction
from quiz.errors import QuizError

FORMAT = 1


def cache_path(folder: Path) -> Path:
    """The cache file of the card folder ``folder``."""
    import platformdirs

    key = hashlib.sha1(str(folder.absolute()).encode("utf-8", "surrogateescape")).hexdigest()
    return platformdirs.user_cache_path("quiz", appauthor=False) / "cards" / f"{key[:20]}.json"


class CardCache:
    """The cached cards of one folder; :meth:`parse` reads through it, :meth:`save`
    writes it back if anything changed."""

    def __init__(self, folder: Path, demos: Collection[str]) -> None:
        self.path = cache_path(folder)
        self.stamp = f"{__version__}/{FORMAT}/{_loader_stamp()}/" + ",".join(sorted(demos))
        self.entries: dict[str, list[Any]] = {}
        self.used: dict[str, list[Any]] = {}
        self.changed = False
        try:
            with self.path.open(encoding="utf-8") as f:
                data = json.load(f)
            if isinstance(data, dict) and data.get("stamp") == self.stamp:
                self.entries = data["cards"]
        except (OSError, ValueError, KeyError, TypeError):
            self.entries = {}

    def parse(self, path: Path, parse: Callable[[Path], Card]) -> Card:
        """The card at ``path``, from the cache when its file is unchanged, else
        ``parse(path)``.

        Raises:
            QuizError: the card is broken (as ``parse`` said, now or when cached).
        """
        key = str(path)
        try:
            st = path.stat()
            signature = [st.st_size, st.st_mtime_ns, st.st_ino]
        except OSError:
            return parse(path)  # says what is wrong with it
        entry = self.entries.get(key)
        if entry is not None and entry[0] == signature:
            try:
                self.used[key] = entry
                if entry[2] is not None:
                    raise QuizError(str(entry[2]))
                return _card(entry[1], path)
            except (KeyError, TypeError, ValueError, IndexError):
                pass  # a cache from a hand or a bug: parse the file
        self.changed = True
        try:
            card = parse(path)
        except QuizError as exc:
            self.used[key] = [signature, None, str(exc)]
            raise
        self.used[key] = [signature, _json(card), None]
        return card

    def save(self) -> None:
        """Writes the cache (the files seen this time only), if anything changed;
        a cache that cannot be written is left out, silently: it is only a copy."""
        if not self.changed and set(self.used) == set(self.entries):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            with temp.open("w", encoding="utf-8") as f:
                json.dump({"stamp": self.stamp, "cards": self.used}, f, ensure_ascii=False)
            os.replace(temp, self.path)
        except OSError:
            return


def _loader_stamp() -> str:
    """The card loader's own file, by size and time: a quiz whose rules for a card
    changed (an upgrade, or a checkout being worked on) parses every card again."""
    from quiz import deck, phrases

    stamps = []
    for module in (deck, phrases):
        try:
            st = os.stat(module.__file__ or "")
            stamps.append(f"{st.st_size}.{st.st_mtime_ns}")
        except OSError:
            stamps.append("?")
    return "+".join(stamps)


def _json(card: Card) -> dict[str, Any]:
    return {
        "id": card.id,
        "number": card.number,
        "title": card.title,
        "question": card.question,
        "demo": card.demo,
        "key_points": [[p.text, list(p.keywords), list(p.phrases)] for p in card.key_points],
        "references": list(card.references),
        "body": card.body,
        "topic": card.topic,
        "kind": card.kind,
        "tags": list(card.tags),
        "demo_params": [[k, v] for k, v in card.demo_params],
        "misconceptions": [
            [m.claim, list(m.phrases), m.correction, list(m.contradicts)]
            for m in card.misconceptions
        ],
        "predict": None
        if card.predict is None
        else [card.predict.metric, [[c.text, c.when] for c in card.predict.choices]],
    }


def _card(data: dict[str, Any], path: Path) -> Card:
    predict = data["predict"]
    return Card(
        id=data["id"],
        number=data["number"],
        title=data["title"],
        question=data["question"],
        demo=data["demo"],
        key_points=tuple(KeyPoint(t, tuple(k), tuple(p)) for t, k, p in data["key_points"]),
        references=tuple(data["references"]),
        body=data["body"],
        path=path,
        topic=data["topic"],
        kind=data["kind"],
        tags=tuple(data["tags"]),
        demo_params=tuple(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in data["demo_params"]
        ),
        misconceptions=tuple(
            Misconception(c, tuple(p), r, tuple(n)) for c, p, r, n in data["misconceptions"]
        ),
        predict=None
        if predict is None
        else Prediction(
            predict[0],
            tuple(Choice(t, tuple(w) if isinstance(w, list) else w) for t, w in predict[1]),
        ),
    )
