"""One path for a write that may fail: :func:`attempt` returns the result or a
:class:`Failed`, and a failure is already on screen as an error message.

The one place where the TUI turns a user-fixable problem (a read-only or full disk,
a damaged file, a database held by another ``quiz``: the store raises each as a
:class:`~quiz.errors.QuizError`, see :func:`quiz.dbfile.database_error`) into a
notification instead of a crash. Whatever was saved before stays saved; the action
that failed saved nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from textual.dom import DOMNode

from quiz.errors import QuizError
from quiz.frozen import frozen
from quiz.text import printable

P = ParamSpec("P")
T = TypeVar("T")


@frozen
class Failed:
    """A write that did not happen, and why (already shown to the person)."""

    message: str


def attempt(
    where: DOMNode, action: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> T | Failed:
    """Runs ``action(*args, **kwargs)``; a :class:`QuizError` or a database error
    becomes a "Not saved" notification on ``where``'s app and a :class:`Failed`."""
    try:
        return action(*args, **kwargs)
    except QuizError as exc:  # the store's edge turns SQLite's errors into these
        message = str(exc)
    where.app.notify(
        printable(message), title="Not saved", severity="error", timeout=10, markup=False
    )
    return Failed(message)
