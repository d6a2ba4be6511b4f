"""The edit dialog of a product or customer row: its state mixin, the dialog and its fields."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components.layout import field, notice, page_loading
from invoicehub.components.listing import PagedListState
from invoicehub.db import open_session
from invoicehub.domain.edits import EditRefused, RowNotFound
from invoicehub.i18n import N_, gettext
from invoicehub.i18n.validation import own_message, plain_errors
from invoicehub.state.auth import AuthState
from invoicehub.state.denials import record_denial
from invoicehub.state.i18n import tr

REFUSED = N_("Nothing was saved: please correct the marked fields.")
GONE = N_("This row does not exist any more.")


def refusal_messages(language: str, exc: EditRefused) -> dict[str, str]:
    """Each refused field's sentence in the user's language (never pydantic's wording)."""
    if exc.details:
        return plain_errors(language, exc.details)
    return {key: own_message(language, message) for key, message in exc.errors.items()}


class EditDialogState(rx.State, mixin=True):
    """Edit one row of a tenant-scoped list in a dialog; subclasses implement `_form_of`,
    `_save` and `_list_state`.

    Every handler reads the principal again and the domain scopes by its tenant, so a row id
    sent over the websocket by hand reaches nothing of another tenant.
    """

    open: rx.Field[bool] = rx.field(False)
    row_id: rx.Field[str] = rx.field("")
    form: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    saving: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    success: rx.Field[str] = rx.field("")

    def _form_of(self, session: Session, principal: Principal, row_id: str) -> dict[str, str]:
        """The row's editable values as text; raises RowNotFound."""
        raise NotImplementedError

    def _save(
        self, session: Session, principal: Principal, row_id: str, form: dict[str, str], ip: str
    ) -> dict[str, str]:
        """Store the edit and answer the row as the list shows it; raises EditRefused."""
        raise NotImplementedError

    def _list_state(self) -> type[PagedListState]:
        raise NotImplementedError

    async def _principal(self) -> Principal | None:
        return (await self.get_state(AuthState)).principal()

    def _login(self) -> EventSpec:
        return rx.redirect(f"/login?next={self.router.url.path or '/'}")

    @rx.event
    async def open_for(self, row_id: str):
        principal = await self._principal()
        if principal is None:
            return self._login()
        self.error = self.success = ""
        self.field_errors = {}
        try:
            with open_session() as session:
                self.form, self.row_id = self._form_of(session, principal, row_id), row_id
        except RowNotFound:
            record_denial(self, principal, row_id)
            self.form, self.row_id, self.error = {}, "", gettext(principal.language, GONE)
        self.open = True
        return None

    @rx.event
    async def set_open(self, open_: bool):
        if await self._principal() is None:
            return self._login()
        self.open = bool(open_)
        return None

    @rx.event
    async def set_field(self, key: str, value: str):
        if await self._principal() is None:
            return self._login()
        if key in self.form:
            self.form[key] = value
            self.field_errors.pop(key, None)
            self.success = ""
        return None

    @rx.event
    async def save(self):
        principal = await self._principal()
        if principal is None:
            yield self._login()
            return
        self.saving, self.error, self.success = True, "", ""
        yield
        try:
            with open_session() as session:
                ip = self.router.session.client_ip
                row = self._save(session, principal, self.row_id, dict(self.form), ip)
        except EditRefused as exc:
            self.field_errors = refusal_messages(principal.language, exc)
            self.error = gettext(principal.language, REFUSED)
        except RowNotFound:
            record_denial(self, principal, self.row_id)
            self.error = gettext(principal.language, GONE)
        else:
            self.field_errors, self.success = {}, gettext(principal.language, "Saved.")
            listing = await self.get_state(self._list_state())
            listing.items = [row if item["id"] == row["id"] else item for item in listing.items]
        finally:
            self.saving = False


def edit_button(state: Any, row: Any) -> rx.Component:
    return rx.button(
        rx.icon("pencil", size=14),
        tr("Edit"),
        size="1",
        variant="soft",
        aria_label=tr("Edit {name}", name=row["name"]),
        on_click=state.open_for(row["id"]),
    )


def text_input(state: Any, key: str, label: str, prefix: str, **props: Any) -> rx.Component:
    return field(
        label,
        rx.input(
            id=f"{prefix}-{key}",
            value=state.form.get(key, ""),
            on_change=lambda value: state.set_field(key, value),
            disabled=state.saving,
            **props,
        ),
        state.field_errors.get(key, ""),
    )


def choice_input(
    state: Any,
    key: str,
    label: str,
    prefix: str,
    options: list[tuple[str, str]],
    *,
    translate: bool = True,
) -> rx.Component:
    """A select; option texts are msgids unless `translate` is off (VAT rates, codes)."""
    return field(
        label,
        rx.select.root(
            rx.select.trigger(id=f"{prefix}-{key}", width="100%"),
            rx.select.content(
                *[
                    rx.select.item(tr(text) if translate else text, value=value)
                    for value, text in options
                ]
            ),
            value=state.form.get(key, ""),
            on_change=lambda value: state.set_field(key, value),
            disabled=state.saving,
        ),
        state.field_errors.get(key, ""),
    )


def flag_input(state: Any, key: str, label: str, prefix: str) -> rx.Component:
    """A yes/no field; the form holds "true" or "false", which the edit model reads as a bool."""
    return choice_input(state, key, label, prefix, [("false", N_("No")), ("true", N_("Yes"))])


def edit_dialog(
    state: Any, *, title: str, help_text: str, fields: list[rx.Component], save_id: str
) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr(title)),
            rx.dialog.description(tr(help_text), size="2", color="gray"),
            rx.flex(
                notice(state.success, "green"),
                notice(state.error, "red"),
                rx.grid(
                    *fields,
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.flex(
                    rx.dialog.close(rx.button(tr("Close"), variant="soft", color_scheme="gray")),
                    rx.button(
                        tr("Save"),
                        id=save_id,
                        on_click=state.save,
                        loading=state.saving,
                        disabled=state.saving | page_loading() | (state.row_id == ""),
                    ),
                    spacing="3",
                    justify="end",
                ),
                direction="column",
                spacing="3",
                margin_top="1em",
            ),
            max_width="640px",
        ),
        open=state.open,
        on_open_change=state.set_open,
    )
