"""Small pieces of text handling shared by the command line and the TUI: plurals, and
text made safe to show on a terminal."""

from __future__ import annotations

import functools
import re
import stat


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``count`` and ``noun``, the noun agreeing with the count.

    ``plural(1, "day")`` is "1 day", ``plural(2, "day")`` "2 days" and ``plural(0,
    "day")`` "0 days"; an irregular noun gives its plural:
    ``plural(3, "mouse", "mice")`` is "3 mice".

    Args:
        count: how many; -1 and 1 take the singular.
        noun: the singular form.
        plural_form: the plural, when it is not ``noun`` + "s".
    """
    many = plural_form if plural_form is not None else f"{noun}s"
    return f"{count} {noun if abs(count) == 1 else many}"


# What a terminal acts on rather than shows: control characters (C0, DEL and C1),
# line and paragraph separators, bidi embeddings, overrides and isolates (each
# reorders what follows it on the line: "Trojan Source"), and lone surrogates
# (which cannot be written out at all).
_ACTIVE = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"


@functools.cache
def _active(newlines: bool) -> re.Pattern[str]:
    """The characters to escape, line feeds and tabs kept or not; compiled when
    first needed (1.5 ms that a start does without)."""
    return re.compile(f"[{_ACTIVE}]" if newlines else rf"[\t\n{_ACTIVE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every character a terminal would act on, rather than show,
    written out as an escape: ``"\\x1b[2J"`` for the sequence that clears the screen.

    Escaped: control characters (escape sequences, bell, backspace, carriage return,
    NUL), line and paragraph separators, bidi overrides and isolates, and lone
    surrogates. Everything else is kept as it is (wide, combined and right-to-left
    letters, emoji with their joiners, backslashes), so text without such
    characters comes back unchanged.

    Args:
        text: text from a card, a typed answer, a file name or an error message.
        newlines: keep line feeds and tabs (for a view of several lines); else they
            are escaped too, so that the text stays on one line.
    """
    return _active(newlines).sub(_escape, text)


# One visible character for each active one: the C0 controls' own pictures (␛ for
# escape), ␡ for DEL, and the replacement character for the rest.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}


def control_pictures(text: str) -> str:
    """``text`` with each character :func:`printable` escapes replaced by one visible
    character (``␛`` for escape), tabs kept: for a text box, where the cursor counts
    characters and an escape of several would move it off its place."""
    return _active(True).sub(lambda m: _PICTURES.get(ord(m.group()), "\ufffd"), text)


def file_kind(mode: int) -> str | None:
    """None for a regular file; else what the file is, in words ("a named pipe")."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
