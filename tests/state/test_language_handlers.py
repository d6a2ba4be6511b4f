"""The interface language: saved per user from the Profile tab, applied on every page load."""

from __future__ import annotations

from sqlmodel import Session

from invoicehub.domain.plain_errors import PLAIN_ERRORS, FailureKind
from invoicehub.models import User
from invoicehub.pages.settings.state import SettingsState
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import I18nState
from tests.factories import make_user
from tests.state.conftest import call, session_token, state_for


def test_a_new_user_reads_polish_and_choosing_english_is_saved_and_applied(session: Session):
    user = make_user(session)
    assert user.language == "pl"
    token = session_token(session, user)
    settings = state_for(SettingsState, token, "/settings")
    call(settings, "load")
    assert settings.profile_language == "pl"

    call(settings, "save_language", "en")
    tab = state_for(AuthState, token, "/settings")  # a fresh tab of the same user
    call(tab, "open_page", "Settings")
    i18n = tab.parent_state.get_substate(I18nState.get_full_name().split("."))  # type: ignore[union-attr]
    session.expire_all()
    assert session.get(User, user.id).language == "en"  # type: ignore[union-attr]
    assert settings.language_message == "Language saved."
    assert i18n.lang == "en" and i18n.t["Invoices"] == "Invoices"


def test_an_unsupported_language_is_refused_and_nothing_changes(session: Session):
    user = make_user(session)
    settings = state_for(SettingsState, session_token(session, user), "/settings")
    call(settings, "load")
    assert call(settings, "save_language", "de") == []
    session.expire_all()
    assert session.get(User, user.id).language == "pl"  # type: ignore[union-attr]
    assert settings.profile_language == "pl" and settings.language_message == ""


def test_a_polish_user_gets_polish_messages_and_plain_validation_errors(session: Session):
    user = make_user(session)
    settings = state_for(SettingsState, session_token(session, user), "/settings")
    call(settings, "load")
    settings.company["postal_code"] = "12345"
    settings.company["name"] = ""
    call(settings, "save_company")
    assert settings.company_errors == {
        "name": "To pole jest wymagane.",
        "postal_code": "Kod pocztowy musi mieć postać 00-950.",
    }
    call(settings, "save_password", {"new_password": "a", "confirm_password": "b"})
    assert settings.password_error == "Nowe hasła nie są takie same."


def test_the_page_marks_html_lang_and_title_of_a_signed_out_visitor_in_polish(session: Session):
    tab = state_for(AuthState, None, "/login")
    events = call(tab, "open_page", "Sign in")
    script = str(events[0])
    assert "document.documentElement.lang" in script and "Zaloguj się · Invoice-HUB" in script


def test_notifications_the_sync_writes_in_english_read_polish_in_the_bell(session: Session):
    from invoicehub.components.notifications import NotificationsState
    from invoicehub.domain.seller_data import notify_seller_data_missing
    from invoicehub.integrations.allegro.connection.refresh import mark_needs_reauth
    from invoicehub.integrations.allegro.runs.outcomes import _notify_held
    from tests.factories import make_integration

    user = make_user(session, complete_company=False)
    integration = make_integration(session, user)
    login = integration.allegro_login
    _notify_held(session, integration, 3)
    notify_seller_data_missing(session, user.tenant_id, user.id)
    mark_needs_reauth(session, integration, "invalid_token")
    session.commit()

    bell = state_for(NotificationsState, session_token(session, user), "/settings")
    call(bell, "load")
    shown = {(item["title"], item["body"]) for item in bell.items}
    assert shown == {
        (
            f"Zamówienia z konta {login} czekające na sprawdzenie: 3",
            "Ustawienia → Integracje pokazują je wraz z przyczyną. Usuń przyczynę, a potem "
            "uruchom ręczną synchronizację: ponowi próbę.",
        ),
        (
            "Fakturowanie jest wstrzymane, dopóki dane firmy nie będą kompletne",
            "Brakuje: ulica, kod pocztowy, miejscowość. Uzupełnij je w Ustawienia → Firma, "
            "a potem uruchom ręczną synchronizację: zamówienia czekające na sprawdzenie "
            "zostaną zafakturowane.",
        ),
        # Issue 13: the seller reads the plain sentence, never the raw "invalid_token".
        (
            f"Konto Allegro {login} trzeba połączyć ponownie",
            PLAIN_ERRORS[FailureKind.AUTH_REVOKED].text,
        ),
    }
