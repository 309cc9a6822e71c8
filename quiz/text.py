"""Small pieces of English shared by the command line and the TUI."""

from __future__ import annotations


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
