"""A form built from a demo's parameter declarations, validated field by field."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from quiz.tui.text import literal
from quiz.tui.widgets.text_input import TextInput
from solvers.params import Param, ParamError, format_value


class ParamValidator(Validator):
    """Checks a field with the parameter's own parser, so the form refuses exactly
    what ``quiz demo --set`` would refuse, with the same reason."""

    def __init__(self, param: Param) -> None:
        super().__init__()
        self.param = param

    def validate(self, value: str) -> ValidationResult:
        try:
            self.param.parse(value)
        except ParamError as exc:
            return self.failure(str(exc))
        return self.success()


class ParamInput(TextInput):
    """An input whose own keys (backspace, arrows, home, enter...) act in the order typed.

    Textual runs a focused widget's bindings only once the key has bubbled up to the
    app, by which time the field has already taken the characters queued behind it:
    typed fast (or sent at once, as tmux does), "x", backspace, "5", "0" gave "x5",
    not "50". Here the field runs its own bindings as each key comes out of its queue.
    """

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if await self.app.run_action(binding.action, self):
                event.stop()  # handled: the app must not run it again
                event.prevent_default()
                return
        await super()._on_key(event)


class ParamForm(Vertical):
    """One labelled input per parameter, with its range and help as a tooltip."""

    DEFAULT_CSS = """
    ParamForm { height: auto; }
    ParamForm .row { height: auto; }
    ParamForm .field { width: 1fr; height: auto; }
    ParamForm Label { color: $text-muted; padding: 0 1; }
    ParamForm Input { width: 1fr; }
    ParamForm Input.-textual-compact { padding: 0 1; }  /* values under their labels */
    ParamForm #form-error { color: $error; padding: 0 1; height: auto; }
    """

    PER_ROW = 3
    MAIN_SHOWN = 2  # parameters a run at the defaults is labelled with

    def __init__(
        self,
        params: Sequence[Param],
        id: str | None = None,  # noqa: A002
        preset: Mapping[str, str] | None = None,
    ) -> None:
        """
        Args:
            params: the demo's declared parameters.
            preset: values the fields start with instead of the defaults (a card's
                ``demo_params``, as ``--set`` texts); a value its parameter refuses is
                left at the default.
        """
        super().__init__(id=id)
        self.params = list(params)
        self.start: dict[str, str] = {}
        for param in self.params:
            text = (preset or {}).get(param.name)
            if text is None:
                continue
            # The deck's tests check every card's preset; a refused one stays the default.
            with contextlib.suppress(ParamError):
                self.start[param.name] = format_value(param, param.parse(text))

    def compose(self) -> ComposeResult:
        for start in range(0, len(self.params), self.PER_ROW):
            with Horizontal(classes="row"):
                for param in self.params[start : start + self.PER_ROW]:
                    with Vertical(classes="field"):
                        yield Label(param.name)
                        field = ParamInput(
                            self.start.get(param.name, format_value(param, param.default)),
                            id=f"param-{param.name}",
                            validators=[ParamValidator(param)],
                            compact=True,
                        )
                        extra = param.describe_range()
                        field.tooltip = param.help + (f" ({extra})" if extra else "")
                        yield field
        yield Static(id="form-error")

    def field(self, param: Param) -> Input:
        """The input of ``param``."""
        return self.query_one(f"#param-{param.name}", Input)

    def errors(self) -> list[str]:
        """Why each invalid field is refused (empty when all are valid)."""
        errors = []
        for param in self.params:
            try:
                param.parse(self.field(param).value)
            except ParamError as exc:
                errors.append(str(exc))
        return errors

    def settings(self) -> dict[str, str]:
        """The fields that differ from their defaults, as ``--set`` values."""
        changed = {}
        for param in self.params:
            value = param.parse(self.field(param).value)
            if value != param.default:
                changed[param.name] = format_value(param, value)
        return changed

    def invalid_fields(self) -> list[Input]:
        """The inputs whose values are refused, in the form's order."""
        invalid = []
        for param in self.params:
            field = self.field(param)
            try:
                param.parse(field.value)
            except ParamError:
                invalid.append(field)
        return invalid

    def run_label(self) -> str:
        """What tells a run with these values apart from the others on the plot.

        The changed parameters (``lr=1.9``); when none changed, the values of the
        first parameters the demo is about (the data's seed is not one) marked as
        the defaults (``lr=0.5, steps=50 (defaults)``), so that a run at the default
        values is never shown as a bare "defaults" that a reader must look up.
        """
        changed = self.settings()
        if changed:
            return ", ".join(f"{key}={value}" for key, value in changed.items())
        about = [param for param in self.params if param.name != "seed"] or self.params
        shown = ", ".join(
            f"{param.name}={format_value(param, param.default)}"
            for param in about[: self.MAIN_SHOWN]
        )
        return f"{shown} (defaults)" if shown else "defaults"

    def show_errors(self) -> bool:
        """Shows the reasons of invalid fields under the form; True if there were any."""
        errors = self.errors()
        self.query_one("#form-error", Static).update(literal("\n".join(f"✗ {e}" for e in errors)))
        return bool(errors)

    def on_input_changed(self) -> None:
        self.show_errors()
