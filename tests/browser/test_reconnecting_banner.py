"""A page whose websocket drops says so ("reconnecting") until the socket is back."""

from __future__ import annotations

import time

from playwright.sync_api import Page, WebSocketRoute, expect
from sqlmodel import Session

from invoicehub.components.connection import BANNER_ID
from tests.browser.conftest import screenshot
from tests.factories import make_user

# engine.io's handshake, as a server sends it when a websocket opens
ENGINE_OPEN = (
    '0{"sid":"cut","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'
)


class CuttableEventSocket:
    """Relays the page's Reflex event socket; once cut, it drops it and answers every reconnect
    as a server that refuses the connection would (socket.io CONNECT_ERROR), until restored."""

    def __init__(self) -> None:
        self.cut = False
        self.open: list[WebSocketRoute] = []
        self.refusing: list[WebSocketRoute] = []

    def attach(self, ws: WebSocketRoute) -> None:
        if self.cut:
            self.refusing.append(ws)
            ws.on_message(lambda message: self._refuse(ws, message))
            ws.send(ENGINE_OPEN)
            return
        self.open.append(ws)
        ws.connect_to_server()

    @staticmethod
    def _refuse(ws: WebSocketRoute, message: str | bytes) -> None:
        text = message if isinstance(message, str) else message.decode()
        if text.startswith("40"):  # socket.io CONNECT [namespace,]{auth}
            rest = text[2:]
            namespace = rest.split(",", 1)[0] + "," if rest.startswith("/") else ""
            ws.send(f'44{namespace}{{"message":"the server is unreachable"}}')
        elif text == "2":  # engine.io ping
            ws.send("3")

    def drop(self) -> None:
        self.cut = True
        while self.open:
            self.open.pop().close()

    def restore(self) -> None:
        self.cut = False
        while self.refusing:
            self.refusing.pop().close()


def test_a_page_shows_reconnecting_while_its_socket_is_down_and_works_once_it_is_back(
    page: Page, session: Session
):
    user = make_user(session)
    socket = CuttableEventSocket()
    page.route_web_socket("**/_event/**", socket.attach)
    page.goto("/login")
    sign_in = page.locator("#sign-in")  # /login is in Polish until the user's language is known
    expect(sign_in).to_be_enabled()  # hydrated over the socket
    banner = page.locator(f"#{BANNER_ID}")
    expect(banner).to_have_count(0)

    socket.drop()
    expect(banner).to_be_visible()
    expect(banner.get_by_role("status")).to_contain_text("Łączenie ponownie")
    # Reflex's own English overlay is gone: its toast ("Cannot connect to server: …") showed
    # from the second failed attempt, its pulsing icon from the first.
    deadline = time.monotonic() + 20
    while len(socket.refusing) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert len(socket.refusing) >= 3, "the page stopped trying to reconnect"
    page.wait_for_timeout(500)
    expect(page.get_by_text("Cannot connect")).to_have_count(0)
    expect(page.locator("[data-sonner-toast]")).to_have_count(0)
    expect(page.locator("[title^='Connection Error']")).to_have_count(0)
    expect(banner).to_be_visible()
    screenshot(page, "reconnecting-banner")

    socket.restore()
    expect(banner).to_have_count(0, timeout=20_000)
    page.locator("#email").fill(user.email)
    page.locator("#password").fill("wrong-password")
    sign_in.click()
    expect(page.get_by_text("Nieprawidłowy e-mail lub hasło.")).to_be_visible()
