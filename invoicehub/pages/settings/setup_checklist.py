"""The guided setup checklist above the settings tabs, until every step is done (issue 13, item 3).

/ sends a signed-in seller to /settings, so this is the landing page. Each step links to where
it is done; the list is read again whenever the page loads or a tab's action may have finished one.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from invoicehub.db import open_session
from invoicehub.domain.setup_steps import read_setup_facts, setup_finished, setup_steps
from invoicehub.i18n import N_
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import tr, tr_value

# Each step's label (a msgid, shown through `tr_value`) and where it is done.
STEPS = {
    "company": (N_("Complete the company details"), "/settings?tab=company"),
    "ksef": (N_("Set up KSeF"), "/settings?tab=company"),
    "allegro": (N_("Connect an Allegro account"), "/settings?tab=integrations"),
    "settings": (N_("Save the integration settings"), "/settings?tab=integrations"),
    "sync": (N_("Run the first sync"), "/settings?tab=integrations"),
}


class SetupState(rx.State):
    steps: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    finished: rx.Field[bool] = rx.field(True)  # nothing shown until the first read says otherwise

    @rx.event
    async def load(self):
        principal = (await self.get_state(AuthState)).principal()
        if principal is None or principal.is_admin:
            self.steps, self.finished = [], True
            return
        with open_session() as session:
            steps = setup_steps(read_setup_facts(session, principal.tenant_id))
        self.finished = setup_finished(steps)
        self.steps = [
            {
                "key": step.key,
                "label": STEPS[step.key][0],
                "href": STEPS[step.key][1],
                "done": "true" if step.done else "",
            }
            for step in steps
        ]


def _step(step: Any, index: Any) -> rx.Component:
    done = step["done"] != ""
    return rx.el.li(
        rx.flex(
            rx.cond(
                done,
                rx.icon("circle-check", size=18, color="var(--green-9)"),
                rx.icon("circle", size=18, color="var(--gray-9)"),
            ),
            rx.link(
                (index + 1).to_string() + ". " + tr_value(step["label"]),
                href=step["href"],
                weight=rx.cond(done, "regular", "medium"),
            ),
            rx.badge(
                rx.cond(done, tr("done"), tr("to do")),
                color_scheme=rx.cond(done, "green", "orange"),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        id="setup-step-" + step["key"],
        data_done=rx.cond(done, "true", "false"),
        list_style="none",
    )


def setup_checklist() -> rx.Component:
    return rx.cond(
        SetupState.finished,
        rx.fragment(),
        rx.card(
            rx.flex(
                rx.heading(tr("First steps"), as_="h2", size="4"),
                rx.text(
                    tr("Complete these steps and invoices for Allegro orders issue themselves."),
                    size="2",
                    color="gray",
                ),
                rx.el.ol(
                    rx.foreach(SetupState.steps, _step),
                    padding="0",
                    margin="0",
                    display="flex",
                    flex_direction="column",
                    gap="0.5em",
                ),
                direction="column",
                spacing="2",
            ),
            id="setup-checklist",
            margin_bottom="1em",
            width="100%",
        ),
    )
