"""Textual's parsed CSS, kept between runs, so that a start does not parse it again.

Textual parses the app's stylesheet and the default CSS of every widget it shows at
each start: about 16 ms of Python on the way to the first card, most of what the start
spends on CSS. What a parse gives depends only on the CSS text, where it was read from
(Textual's cache key) and the theme's variables, so the rule sets are kept in a file
of the deck cache's private folder (:mod:`quiz.deckcache`: the same folder, the same
checks before a pickle is read) and read back in about 2 ms.

- :class:`KeptRules`: the rule sets read from the file, and those parsed since.
- :class:`KeptStylesheet`: Textual's ``Stylesheet``, asking :class:`KeptRules` before
  it parses a source. Sources parsed with errors are never kept (Textual reports them
  on every start, as before).

The file's key is quiz's version, Python's, and the files of Textual's CSS parser (a
changed Textual is another key). A file that cannot be read, written or trusted is
passed over: the CSS is parsed as Textual always does. Only the rule sets of the
theme last used are written back (the next start uses that theme).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from textual.css import model, parse, styles, tokenize
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

from quiz import __version__, deckcache

FILE = "css.pickle"
FORMAT = 1  # bump when what is kept changes shape

# Textual's own cache key for a parse: (css, read from, default CSS?, tie breaker, scope).
SourceKey = tuple[str, CSSLocation, bool, int, str]


def file_key() -> str:
    """What the kept rule sets depend on besides their own keys: quiz, Python, and the
    Textual modules that make rule sets (their size, time and inode)."""
    hashed = deckcache.digest(f"{FORMAT}\0{__version__}\0{sys.version}".encode())
    for module in (model, parse, styles, tokenize):
        path = module.__file__ or ""
        try:
            info = os.stat(path)
        except OSError:
            info = None
        stamp = "-" if info is None else f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"
        hashed.update(f"\0{path}\0{stamp}".encode())
    return hashed.hexdigest()


def variables_key(variables: dict[str, str]) -> str:
    """The theme's CSS variables, as a digest (a parse substitutes them)."""
    return deckcache.digest(repr(sorted(variables.items())).encode()).hexdigest()


class KeptRules:
    """Parsed rule sets by (theme variables, source), from the cache file and since."""

    def __init__(self, rules: dict[tuple[str, SourceKey], list[RuleSet]] | None = None) -> None:
        self._rules = rules if rules is not None else {}
        self._added = False  # something parsed here that the file does not have

    @classmethod
    def read(cls) -> KeptRules:
        """The rule sets in the cache file (none when there is no usable file)."""
        value: Any = deckcache.read(file_key(), FILE)
        return cls(value if isinstance(value, dict) else None)

    def get(self, variables: str, source: SourceKey) -> list[RuleSet] | None:
        return self._rules.get((variables, source))

    def add(self, variables: str, source: SourceKey, rules: list[RuleSet]) -> None:
        self._rules[(variables, source)] = rules
        self._added = True

    def write(self, variables: str) -> None:
        """Writes the rule sets parsed under ``variables`` (the theme the next start
        uses), if any was parsed since the file was read or last written."""
        if not self._added:
            return
        self._added = False
        kept = {key: rules for key, rules in self._rules.items() if key[0] == variables}
        deckcache.write(file_key(), kept, FILE)


class KeptStylesheet(Stylesheet):
    """A Stylesheet that takes a source's rule sets from :class:`KeptRules` when they
    are there, and parses (and keeps) them when not."""

    def __init__(self, *, variables: dict[str, str] | None = None, kept: KeptRules) -> None:
        super().__init__(variables=variables)
        self.kept = kept
        self.variables_key = variables_key(self._variables)

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self.variables_key = variables_key(self._variables)

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        source: SourceKey = (css, read_from, is_default_rules, tie_breaker, scope)
        rules = self.kept.get(self.variables_key, source)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):
                self.kept.add(self.variables_key, source, rules)
        return rules

    def reparse(self) -> None:
        # Textual's reparse (a theme set or changed) parses in a new plain Stylesheet,
        # which would not look at the kept rules: the same steps, in one of ours.
        stylesheet = KeptStylesheet(variables=self._variables, kept=self.kept)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(
                css,
                read_from=read_from,
                is_default_css=is_defaults,
                tie_breaker=tie_breaker,
                scope=scope,
            )
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        self._rules = stylesheet.rules
        self._rules_map = None
        self.source = stylesheet.source
        self._require_parse = False

    def keep(self) -> None:
        """Writes what was parsed so far under the current theme to the cache file."""
        self.kept.write(self.variables_key)
