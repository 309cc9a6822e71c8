"""The footer, without the leak of its keys at each refresh of the bindings."""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class StableFooter(Footer):
    """Textual's Footer, minus a leak: use it on a screen that refreshes its bindings.

    The Footer rebuilds its keys whenever the screen's bindings are refreshed (a
    state change that shows or hides a key, every focus change), and each new key
    ``data_bind``s the footer's ``compact``, which leaves a watcher holding that key
    on the footer. Textual drops such watchers only when ``compact`` changes, which
    it never does here, so every refresh kept a footer's worth of dead keys alive
    (Textual issue #6666, open in 8.2.8). The watchers of removed keys go here.
    """

    async def recompose(self) -> None:
        await super().recompose()
        # Where Textual keeps the watchers of this node's reactives (reactive._watch).
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for name, entries in watchers.items():
            watchers[name] = [(node, call) for node, call in entries if not node._closing]
