"""The answer checker: which key points a typed answer makes, and what it gets wrong.

Pure domain (no Textual, no NumPy). A card's phrases are compiled on its first check
and kept, so nothing here runs before the first card is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from quiz.errors import QuizError
from quiz.phrases import (
    is_negative,
    is_negator,
    keyword_regex,
    normalise_answer,
    syntax_error,
    to_regex,
)

if TYPE_CHECKING:
    from quiz.deck import Card, Deck, KeyPoint


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    negative: bool  # the phrase itself says "not": taken as written


@dataclass(frozen=True)
class _Compiled:
    points: tuple[tuple[_Pattern, ...], ...]
    misconceptions: tuple[tuple[_Pattern, ...], ...]


def _compile(phrase: str, keyword: bool = False) -> _Pattern:
    """Raises ValueError naming the phrase and what is wrong with it."""
    if keyword:
        source = keyword_regex(phrase)
    else:
        problem = syntax_error(phrase)
        if problem is not None:
            raise ValueError(f"{phrase!r} {problem}")
        source = to_regex(phrase)
    try:
        regex = re.compile(source)
    except re.error as exc:  # the syntax check should have caught it
        raise ValueError(f"{phrase!r} does not compile ({exc})") from None
    return _Pattern(regex, is_negative(phrase))


@lru_cache(maxsize=4096)
def _point_patterns(point: KeyPoint) -> tuple[_Pattern, ...]:
    return tuple(_compile(p) for p in point.phrases) + tuple(
        _compile(k, keyword=True) for k in point.keywords
    )


def compile_card(card: Card) -> _Compiled:
    """The card's compiled phrases, built on the first call and kept.

    Raises:
        QuizError: naming the card file, line and field of a phrase that does not compile.
    """
    return _compile_card(card)


@lru_cache(maxsize=1024)
def _compile_card(card: Card) -> _Compiled:
    from quiz.deck import field_error

    points = []
    for i, point in enumerate(card.key_points):
        try:
            points.append(_point_patterns(point))
        except ValueError as exc:
            raise field_error(card.path, f"key_points[{i}].phrases", str(exc)) from None
    misconceptions = []
    for i, wrong in enumerate(card.misconceptions):
        try:
            misconceptions.append(tuple(_compile(p) for p in wrong.phrases))
        except ValueError as exc:
            raise field_error(card.path, f"misconceptions[{i}].phrases", str(exc)) from None
    return _Compiled(tuple(points), tuple(misconceptions))


def point_made(point: KeyPoint, answer: str) -> bool:
    """True if ``answer`` makes ``point`` by the checker's rules (misconceptions aside)."""
    try:
        patterns = _point_patterns(point)
    except ValueError as exc:
        raise QuizError(f"key point {point.text!r}: {exc}") from None
    text = normalise_answer(answer)
    return _first_match(patterns, text, _Clauses(text)) is not None


# --- reading an answer ------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Ends of a sentence or clause: a full stop not inside a number, ; ! ? and new lines.
_SENTENCE_END = re.compile(r"(?<!\d)\.|\.(?!\d)|[;!?\n]")
# Where a negation stops reaching: a comma, colon or a word that starts a new clause.
_SCOPE_WORDS = frozenset(
    [
        "but",
        "while",
        "whereas",
        "although",
        "though",
        "however",
        "instead",
        "which",
        "so",
        "because",
        "and",
        "then",
    ]
)
_NEGATION_REACH = 3  # words before a phrase that can negate it
_NOT_NEGATING = frozenset({"only", "just", "merely", "necessarily"})  # "not only X"
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "from",
        "as",
        "at",
        "and",
        "or",
        "but",
        "so",
        "because",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "if",
        "than",
        "then",
        "not",
        "no",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "into",
        "through",
        "each",
        "every",
        "all",
        "their",
        "they",
        "them",
        "we",
        "you",
        "your",
        "i",
        "there",
        "here",
        "how",
        "what",
        "why",
        "also",
        "only",
        "just",
        "more",
        "less",
        "most",
        "very",
        "such",
        "both",
        "either",
        "neither",
        "nor",
        "over",
        "under",
        "between",
        "after",
        "before",
        "while",
        "until",
        "since",
        "about",
        "per",
    ]
)


@dataclass(frozen=True)
class _Clauses:
    """The answer's sentences, and which of them are lists of words, not sentences."""

    text: str

    @property
    def bounds(self) -> list[tuple[int, int, bool]]:
        return _sentences(self.text)

    def is_list_at(self, position: int) -> bool:
        for start, end, listed in self.bounds:
            if start <= position < end:
                return listed
        return False


@lru_cache(maxsize=64)
def _sentences(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is a list of words) for each sentence of the normalised text."""
    out = []
    start = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.end() if m else len(text)
        words = _WORD.findall(text[start:end])
        out.append((start, end, _is_word_list(words)))
        start = end
    return out


def _is_word_list(words: list[str]) -> bool:
    """A run of three or more words with no function word is a list, not a sentence."""
    if len(words) < 3:
        return False
    function = sum(w in FUNCTION_WORDS for w in words)
    return function == 0 or (len(words) >= 8 and function / len(words) < 0.1)


def _negated(text: str, start: int, end: int) -> bool:
    """True if a negation reaches the span: inside it, or a few words before it in the
    same clause ("does not update the weights")."""
    inside = [w.lower() for w in _WORD.findall(text[start:end])]
    if any(is_negator(w) for w in inside):
        return True
    before = text[max(0, start - 80) : start]
    cut = max(before.rfind(c) for c in (",", ":", ".", ";", "!", "?", "\n", " - "))
    words = _WORD.findall(before[cut + 1 :])[-_NEGATION_REACH:]
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        if word in _SCOPE_WORDS:
            return False
        if is_negator(word):
            following = words[i + 1] if i + 1 < len(words) else ""
            return following not in _NOT_NEGATING
    return False


def _first_match(
    patterns: tuple[_Pattern, ...], text: str, clauses: _Clauses
) -> re.Match[str] | None:
    for pattern in patterns:
        for m in pattern.regex.finditer(text):
            if clauses.is_list_at(m.start()):
                continue
            if not pattern.negative and _negated(text, m.start(), m.end()):
                continue
            return m
    return None


# --- the result -------------------------------------------------------------------

CAP = 2  # the most a suggestion can be with a misconception or no sentence


@dataclass(frozen=True)
class PointCheck:
    """One key point: whether the answer makes it, and the words that show it.

    ``evidence`` and ``span`` (into the typed answer) are set when a phrase matched,
    also when a misconception vetoed the point (``vetoed_by``, indexes into
    :attr:`CheckResult.misconceptions`).
    """

    text: str
    made: bool
    evidence: str | None = None
    span: tuple[int, int] | None = None
    vetoed_by: tuple[int, ...] = ()


@dataclass(frozen=True)
class MisconceptionCheck:
    """A wrong claim the answer makes, with the words that make it and its correction."""

    claim: str
    correction: str
    evidence: str
    span: tuple[int, int]
    contradicts: tuple[int, ...]  # key points it vetoes, counted from 1 as in the card


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_answer` found in one typed answer."""

    points: tuple[PointCheck, ...]
    misconceptions: tuple[MisconceptionCheck, ...]
    has_sentence: bool
    suggested_grade: int | None

    @property
    def made(self) -> list[bool]:
        """For each key point, whether it is made."""
        return [p.made for p in self.points]

    def regrade(self, made: list[bool], misconceptions: bool | None = None) -> int | None:
        """The suggestion once the person has flipped ticks (``made``, one per point).

        Args:
            made: the ticks as they now stand.
            misconceptions: whether the matched misconceptions still stand; by default
                they do when any was matched.
        """
        if self.suggested_grade is None:
            return None
        wrong = bool(self.misconceptions) if misconceptions is None else misconceptions
        return suggest(made, wrong=wrong, has_sentence=self.has_sentence)

    def to_json(self) -> dict[str, object]:
        """The document ``quiz check CARD_ID`` prints."""
        return {
            "points": self.made,
            "matched": [p.evidence if p.made else None for p in self.points],
            "misconceptions": [
                {
                    "claim": m.claim,
                    "correction": m.correction,
                    "matched": m.evidence,
                    "contradicts": list(m.contradicts),
                }
                for m in self.misconceptions
            ],
            "suggested_grade": self.suggested_grade,
        }


def suggest(made: list[bool], wrong: bool = False, has_sentence: bool = True) -> int:
    """The grade suggested by the share of key points made.

    All points: 5; at least three quarters: 4; at least half: 3; any: 2; none: 1 (something
    was typed, and it was wrong). A misconception, or an answer with no sentence (a list of
    words), caps the suggestion at 2: the evidence cannot claim more.
    """
    share = sum(made) / len(made) if made else 0.0
    if share == 1:
        grade = 5
    elif share >= 0.75:
        grade = 4
    elif share >= 0.5:
        grade = 3
    elif share > 0:
        grade = 2
    else:
        grade = 1
    return min(grade, CAP) if wrong or not has_sentence else grade


def check_answer(card: Card, answer: str) -> CheckResult:
    """Which key points of ``card`` the typed ``answer`` makes, which misconceptions it
    states, and the grade that evidence suggests (None for an empty answer).

    Raises:
        QuizError: a phrase of the card does not compile (named by file, line and field).
    """
    compiled = compile_card(card)
    text = normalise_answer(answer)
    clauses = _Clauses(text)
    wrong: list[MisconceptionCheck] = []
    for misconception, patterns in zip(card.misconceptions, compiled.misconceptions, strict=True):
        m = _first_match(patterns, text, clauses)
        if m is not None:
            wrong.append(
                MisconceptionCheck(
                    misconception.claim,
                    misconception.correction,
                    answer[m.start() : m.end()],
                    (m.start(), m.end()),
                    misconception.contradicts,
                )
            )
    points = []
    for i, (point, patterns) in enumerate(zip(card.key_points, compiled.points, strict=True)):
        vetoes = tuple(j for j, w in enumerate(wrong) if i + 1 in w.contradicts)
        m = _first_match(patterns, text, clauses)
        if m is None:
            points.append(PointCheck(point.text, False, vetoed_by=vetoes))
        else:
            evidence, span = answer[m.start() : m.end()], (m.start(), m.end())
            points.append(PointCheck(point.text, not vetoes, evidence, span, vetoes))
    has_sentence = any(not listed and _has_words(text, s, e) for s, e, listed in clauses.bounds)
    grade = None
    if answer.strip():
        grade = suggest([p.made for p in points], bool(wrong), has_sentence)
    return CheckResult(tuple(points), tuple(wrong), has_sentence, grade)


def _has_words(text: str, start: int, end: int) -> bool:
    """A sentence: at least three words, one of them a function word."""
    words = _WORD.findall(text[start:end])
    return len(words) >= 3 and any(w in FUNCTION_WORDS for w in words)


def check_phrases(deck: Deck) -> None:
    """Compiles every phrase of every card, as the checker will on first use.

    Raises:
        QuizError: naming the card file, the line and the field of a phrase that
            does not compile.
    """
    for card in deck:
        compile_card(card)
