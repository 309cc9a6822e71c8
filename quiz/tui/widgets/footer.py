"""Textual's footer, without the keys it leaks each time it is rebuilt."""

from __future__ import annotations

from textual.widgets import Footer


class QuizFooter(Footer):
    """The footer, rebuilt whenever the keys that work change (focus, state).

    Textual's footer binds each key widget to its own ``compact`` reactive, and the
    watcher list that binding adds to is pruned only when ``compact`` changes, which
    it never does here: every rebuild would keep the last rebuild's key widgets (and
    their styles) alive for the life of the screen. The list is pruned after each
    rebuild instead.
    """

    async def recompose(self) -> None:
        await super().recompose()
        watchers: dict[str, list[tuple[object, object]]] = getattr(self, "__watchers", {})
        for bound in watchers.values():
            bound[:] = [(node, callback) for node, callback in bound if _alive(node)]


def _alive(node: object) -> bool:
    return not getattr(node, "_closing", False) and not getattr(node, "_closed", False)
