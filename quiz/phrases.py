"""The phrase syntax of key points and misconceptions, and its translation to regexes.

A phrase is written the way a person would say the idea, with a few marks:

- words match whole words, case-insensitively, in their inflected forms: plural and
  verb forms (``update`` matches updates, updated, updating), British and American
  spelling (``normalise`` matches normalize, ``regularisation`` regularization);
- spaces and hyphens between words are interchangeable and optional: ``mini-batch``
  matches "mini batch" and "minibatch";
- ``(a|b)`` is either alternative, ``(...)?`` an optional part;
- ``word*`` is any word starting with ``word``; ``=word`` is exactly that word;
- ``...`` (or ``…``) stands for up to five words within one sentence;
- any other character is a symbol matched as itself, with any spacing around it;
  the minus signs (``−``, ``–``, ``-``) are one symbol, and brackets in an answer
  are ignored, so ``1/(1 - p)`` matches "1/(1−p)" and "1 / (1 - p)";
- ``\\`` makes the next character a plain symbol (``\\?``, ``\\|``).

:func:`syntax_error` checks a phrase without building a regex (cheap enough to run
on every card at load); :func:`to_regex` builds the regex, which the checker compiles
per card on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One character each way, so that spans in normalised text are spans in the original.
_CHAR_MAP = str.maketrans(
    {
        "\u2212": "-",  # minus sign
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
    }
)
_ANSWER_BRACKETS = str.maketrans({c: " " for c in "()[]{}"})
_OPERATORS = "()|?"
_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "neither",
        "nor",
        "without",
        "cannot",
        "nothing",
        "nobody",
        "nowhere",
    ]
)


def normalise(text: str) -> str:
    """Lower case, one kind of dash and quote: same length as ``text``, so a span in the
    result is a span in ``text``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lowers to two characters: keep such ones as they are
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_CHAR_MAP)


def normalise_answer(text: str) -> str:
    """:func:`normalise`, and brackets read as spaces (phrases use them for grouping)."""
    return normalise(text).translate(_ANSWER_BRACKETS)


def is_negator(word: str) -> bool:
    """True for a word that negates what follows it ("not", "doesn't", "without")."""
    return word in _NEGATORS or word.endswith("n't")


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "symbol", "op", "gap", "sep"
    text: str
    exact: bool = False
    prefix: bool = False


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def _tokens(phrase: str) -> list[_Token]:
    """Splits a normalised phrase into words, symbols, operators, gaps and separators.

    Raises:
        ValueError: a mark is misplaced (the message says which and where).
    """
    out: list[_Token] = []
    i, n = 0, len(phrase)
    while i < n:
        c = phrase[i]
        if c.isspace():
            out.append(_Token("sep", " "))
            i += 1
        elif phrase.startswith("...", i) or c == "…":
            out.append(_Token("gap", "..."))
            i += 1 if c == "…" else 3
        elif c == "\\":
            if i + 1 >= n:
                raise ValueError("ends with a lone '\\'")
            out.append(_Token("symbol", phrase[i + 1]))
            i += 2
        elif _is_word_char(c) or (c == "=" and i + 1 < n and _is_word_char(phrase[i + 1])):
            exact = c == "="
            j = i + 1 if exact else i
            while j < n and (
                _is_word_char(phrase[j])
                or (phrase[j] == "'" and j + 1 < n and _is_word_char(phrase[j + 1]) and j > i)
            ):
                j += 1
            prefix = j < n and phrase[j] == "*"
            if prefix and exact:
                raise ValueError(f"'{phrase[i : j + 1]}' cannot be both exact (=) and a prefix (*)")
            out.append(_Token("word", phrase[i + exact : j], exact=exact, prefix=prefix))
            i = j + prefix
        elif (
            c == "-"
            and out
            and out[-1].kind == "word"
            and i + 1 < n
            and _is_word_char(phrase[i + 1])
        ):
            out.append(_Token("sep", "-"))  # a hyphen inside a compound: a separator
            i += 1
        elif c in _OPERATORS:
            out.append(_Token("op", c))
            i += 1
        else:
            out.append(_Token("symbol", c))
            i += 1
    return out


_MARKS = frozenset("()|?*[]{}\\=")
_EMPTY_ALTERNATIVE = re.compile(r"[(|][|)]")
_LOOSE_OPTIONAL = re.compile(r"(?<!\))\?")
_NOT_GROUPING = re.compile(r"[^()|]")


def syntax_error(phrase: str) -> str | None:
    """What is wrong with ``phrase`` as a phrase, or None if it is well formed.

    Cheap, with no regex built: the deck checks every phrase of every card at load,
    before the first card is shown. Most phrases have no marks and pass at a glance.
    """
    if not phrase.strip():
        return "is empty"
    if _MARKS.isdisjoint(phrase):
        return None  # words, spaces and plain symbols: always well formed
    text = phrase
    if "\\" in text:
        if text.endswith("\\") and (len(text) - len(text.rstrip("\\"))) % 2:
            return "ends with a lone '\\'"
        text = re.sub(r"\\.", "x", text)  # an escaped character is a plain symbol
    for bracket in "[]{}":
        if bracket in text:
            return f"has '{bracket}': brackets in answers are ignored; group with ( )"
    if ")*" in text.replace(" ", ""):
        return "has '*' after ')': put it on each word, (clash*|conflict*)"
    if re.search(r"=[^\W_][\w']*\*", text):
        return "has a word that cannot be both exact (=) and a prefix (*)"
    compact = "".join(text.split())
    if _EMPTY_ALTERNATIVE.search(compact):
        return "has an empty alternative"
    if _LOOSE_OPTIONAL.search(compact):
        return "has a '?' that does not follow ')': write (words)? for an optional part"
    depth = 0
    for c in _NOT_GROUPING.sub("", compact):  # only ( ) | left: a few characters
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return "has a ')' with no '(' before it"
            depth -= 1
        elif depth == 0:
            return "has '|' outside brackets: write (a|b)"
    if depth:
        return "has a '(' that is never closed"
    if not re.sub(r"[\s()|?]", "", text):
        return "has no words or symbols"
    return None


# --- translation -----------------------------------------------------------------

_WORD_JOIN = r"[\s\-]*"
_SYMBOL_JOIN = r"\s*"
# Up to five words, never past the end of a sentence.
_GAP = r"(?:[^\w.;!?\n]+[\w']+){0,5}?[^\w.;!?\n]+"
_VOWELS = set("aeiou")
# Words whose inflected form is another word: "mean" must not match "meaning".
_FALSE_FRIENDS = {"mean": "(?:s)?"}


def _spelling(stem: str) -> str:
    """Escapes ``stem`` with British and American spellings both allowed."""
    out = re.escape(stem)
    # -ise/-ize, -isation/-ization, -iser/-izer, -yse/-yze; escape leaves letters alone.
    out = re.sub(r"(?<=i)[sz](?=(?:e|ation|ations|er|ers|able|ing|ed)?$)", "[sz]", out)
    out = re.sub(r"(?<=y)[sz](?=e?$)", "[sz]", out)
    return out


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


def _word_regex(token: _Token) -> str:
    word = token.text
    if token.exact:
        return re.escape(word)
    if token.prefix:
        return _spelling(word) + r"[\w']*"
    if len(word) <= 2 or not word.isalpha() or "'" in word:
        return re.escape(word)
    base = _singular(word)
    if len(base) <= 3 and not base.endswith("e"):
        return re.escape(base) + "(?:s|es)?"
    if base in _FALSE_FRIENDS:
        return re.escape(base) + _FALSE_FRIENDS[base]
    if base.endswith(("ise", "ize", "yse", "yze")):
        return _spelling(base[:-1]) + "(?:e|es|ed|ing|ation|ations)"
    if base.endswith("e") and not base.endswith("ee"):
        return _spelling(base[:-1]) + "(?:e|es|ed|ing)"
    if base.endswith("y") and base[-2] not in _VOWELS:
        return _spelling(base[:-1]) + "(?:y|ies|ied|ying)"
    if base.endswith(("s", "x", "z", "ch", "sh")):
        return _spelling(base) + "(?:es|ed|ing)?"
    forms = "s|es|ed|ing"
    last = base[-1]
    if last not in _VOWELS and last not in "wxy" and base[-2] in _VOWELS:
        # stop -> stopped, label -> labelled: the final consonant may double.
        forms += f"|{last}ed|{last}ing"
    return _spelling(base) + f"(?:{forms})?"


def to_regex(phrase: str) -> str:
    """The regex (for normalised answer text) of a phrase that passed :func:`syntax_error`."""
    parts: list[str] = []
    previous: str | None = None  # kind of the last atom: "word" or "symbol"
    pending_sep = False
    for token in _tokens(normalise(phrase)):
        if token.kind == "sep":
            pending_sep = True
            continue
        if token.kind == "gap":
            parts.append(_GAP)
            previous, pending_sep = None, False
            continue
        if token.kind == "op":
            if token.text == "(":
                if previous is not None:
                    parts.append(_WORD_JOIN if previous == "word" else _SYMBOL_JOIN)
                parts.append("(?:")
                previous = None
            elif token.text == ")":
                parts.append(")")
                previous = "word"
            elif token.text == "|":
                parts.append("|")
                previous = None
            else:
                parts.append("?")
            pending_sep = False
            continue
        if previous is not None:
            both_words = previous == "word" and token.kind == "word"
            parts.append(_WORD_JOIN if both_words else _SYMBOL_JOIN)
        elif pending_sep and parts and parts[-1] not in ("(?:", "|", _GAP):
            parts.append(_WORD_JOIN)
        atom = _word_regex(token) if token.kind == "word" else re.escape(token.text)
        parts.append(f"(?:{atom})")
        previous, pending_sep = token.kind, False
    body = "".join(parts)
    return rf"(?<![^\W_])(?:{body})(?![^\W_])"


def keyword_regex(keyword: str) -> str:
    """The regex of a first-version keyword: its text as written, from the start of a
    word, its last word open at the end ("probabilit" matches probability)."""
    words = re.split(r"[\s\-]+", normalise(keyword).strip())
    body = _WORD_JOIN.join(re.escape(w) for w in words if w)
    return rf"(?<![^\W_]){body}"


def is_negative(phrase: str) -> bool:
    """True if the phrase itself says "not": its matches are taken as written."""
    words = re.findall(r"[^\W_]+(?:'[^\W_]+)*", normalise(phrase))
    return any(is_negator(w) for w in words)
