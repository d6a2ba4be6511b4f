"""I18nState: the signed-in user's interface language and its catalogue, for every page.

Reflex compiles the pages once, so no text can be chosen at compile time: components read
`I18nState.t[msgid]` (through `tr`) and the browser re-renders when the language changes.
Handlers translate the messages they set with `invoicehub.i18n.gettext(principal.language, …)`.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.event import EventSpec
from reflex.vars.function import FunctionStringVar

from invoicehub.i18n import DEFAULT_LANGUAGE, catalog, has_message, normalize_language

BRAND = "Invoice-HUB"
# A value as the replacement text of `replaceAll`: 0 stays "0" (Reflex's `toString` helper
# turns falsy values into ""), and "$" is doubled, or "$&" in a buyer's name would expand.
_AS_TEXT: FunctionStringVar = FunctionStringVar.create(
    "((value) => String(value ?? '').replaceAll('$', '$$$$'))"
)


class I18nState(rx.State):
    lang: str = DEFAULT_LANGUAGE
    t: dict[str, str] = catalog(DEFAULT_LANGUAGE)
    # The page's own title msgid, so a language change can retitle the open page.
    _title: str = ""

    def use_language(self, language: str, title_msgid: str | None = None) -> EventSpec:
        """Switch the catalogue (only when it changes: the dict is sent to the browser whole)
        and mark the document with its language and title (a new page's, when given)."""
        if title_msgid is not None:
            self._title = title_msgid
        language = normalize_language(language)
        if language != self.lang:
            self.lang, self.t = language, catalog(language)
        return self.document_script()

    def document_script(self) -> EventSpec:
        title = f"{self.t[self._title]} · {BRAND}" if self._title in self.t else BRAND
        return rx.call_script(
            f"document.documentElement.lang = {json.dumps(self.lang)};"
            f"document.title = {json.dumps(title, ensure_ascii=False)};"
        )

    @rx.event
    def choose(self, language: str) -> EventSpec:
        """The signed-out language switch (login page); a signed-in user's choice is saved."""
        return self.use_language(language)


def tr_value(value: rx.Var) -> rx.Var:
    """A state value that is itself a msgid (a status, a kind), translated in the browser;
    shown as it is when the catalogue does not know it."""
    return I18nState.t.get(value, value).to(str)


def tr(msgid: str, **values: rx.Var | str | int) -> rx.Var:
    """The text of `msgid` in the user's language, `{name}` placeholders filled in the browser.

    Fails at compile time for a msgid missing from either catalogue, so a page never shows a
    blank where a text should be.
    """
    if not has_message(msgid):
        msg = f"message {msgid!r} is missing from a catalogue (invoicehub/i18n/locales)"
        raise KeyError(msg)
    text = I18nState.t[msgid].to(str)
    for name, value in values.items():
        replacement = _AS_TEXT.call(value).to(str) if isinstance(value, rx.Var) else str(value)
        text = text.replace("{" + name + "}", replacement)
    return text
