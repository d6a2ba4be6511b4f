"""The admin dashboard refreshes itself every REFRESH_SECONDS while it is open (issue 13, item 9).

One background loop per browser tab: `start` (on page load) begins a new generation and any older
loop of the tab stops at its next tick. A loop also stops when the tab has left the dashboard,
when the admin is no longer signed in, or after MAX_LIFETIME (a tab closed without leaving the
page would otherwise keep reading forever); the next page load starts it again.
"""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from invoicehub.pages.admin.access import ADMIN_PATH, admin_principal
from invoicehub.pages.admin.panels import AdminPanelsState
from invoicehub.pages.admin.state import AdminAllegroState

REFRESH_SECONDS = 30
MAX_LIFETIME_SECONDS = 4 * 60 * 60


class AdminAutoRefreshState(rx.State):
    # a counter shown to assistive tech and tests: the last refresh ran
    refreshed: rx.Field[str] = rx.field("")
    _generation: str = ""

    @rx.event
    async def start(self):
        if await admin_principal(self) is None:
            return None
        self._generation = uuid.uuid4().hex
        return AdminAutoRefreshState.run

    @rx.event(background=True)
    async def run(self):
        async with self:
            generation = self._generation
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_LIFETIME_SECONDS
        ticks = 0
        while loop.time() < deadline:
            await asyncio.sleep(REFRESH_SECONDS)
            async with self:
                on_page = self.router.url.path.rstrip("/") == ADMIN_PATH
                if self._generation != generation or not on_page:
                    return
                if await admin_principal(self) is None:
                    return
                table = await self.get_state(AdminAllegroState)
                await table._reload(summary=True)
                panels = await self.get_state(AdminPanelsState)
                await panels._reload()
                ticks += 1
                self.refreshed = str(ticks)
