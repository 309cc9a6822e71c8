"""Textual's footer, rebuilt only when the keys it shows change, and without the keys
it leaks each time it is rebuilt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

Shown = tuple[tuple[str, str, str, bool, str], ...]


class QuizFooter(Footer):
    """The footer, rebuilt whenever the keys that work change (focus, state).

    Textual's footer rebuilds itself (a widget per key) on every binding refresh, and
    a grade asks for several (the focus moves, the state changes): six rebuilds a
    card, most of them of the same keys. Here the requests made in one refresh make
    one rebuild, and none when the keys shown are the same.

    Textual's footer also binds each key widget to its own ``compact`` reactive, and
    the watcher list that binding adds to is pruned only when ``compact`` changes,
    which it never does here: every rebuild would keep the last rebuild's key widgets
    (and their styles) alive for the life of the screen. The list is pruned after
    each rebuild instead.
    """

    _shown: Shown | None = None  # the keys of the last rebuild
    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._rebuild_pending:
            return
        if self.is_attached and screen is self.screen:
            self._rebuild_pending = True
            self.call_after_refresh(self.recompose)

    def _keys(self) -> Shown:
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    async def recompose(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        shown = self._keys() if self._bindings_ready else None
        if shown is not None and shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
        watchers: dict[str, list[tuple[object, object]]] = getattr(self, "__watchers", {})
        for bound in watchers.values():
            bound[:] = [(node, callback) for node, callback in bound if _alive(node)]


def _alive(node: object) -> bool:
    return not getattr(node, "_closing", False) and not getattr(node, "_closed", False)
