"""Interface texts added for issue 13 (items 3-9), in Polish, the default language.

Kept in one module so the message catalogue (item 2) can take them over in one move. Elsewhere:
failure sentences in domain/plain_errors.py, skip reasons in domain/order_reasons.py, the
reconnect refusal in integrations/allegro/reconnect.py and the admin-hold reason prefix in
integrations/allegro/admin_hold.py (messages raised below the UI).
"""

from __future__ import annotations

# Orders to review (item 5)
REVIEW_OPEN_ON_ALLEGRO = "Otwórz na Allegro"
REVIEW_RETRY = "Ponów"
REVIEW_RETRY_QUEUED = "Zamówienie {order} zostanie pobrane i sprawdzone ponownie."
REVIEW_NOT_HELD = "To zamówienie nie czeka już na sprawdzenie."
REVIEW_RETRY_LIMIT = "Zbyt wiele ponowień naraz. Spróbuj za {wait} s."
REVIEW_CANNOT_SYNC = "To konto nie może teraz synchronizować: najpierw połącz je ponownie."

# Reconnect (item 6)
SETTINGS_BELONG_TO = "Te ustawienia dotyczą tylko konta Allegro: "

# Admin disable (item 9)
DISABLE_TITLE = "Wyłączyć synchronizację tego konta?"
DISABLE_DESCRIPTION = (
    "Synchronizacja konta {login} zatrzyma się, dopóki administrator jej nie włączy. "
    "Sprzedawca zobaczy podany powód."
)
DISABLE_REASON_LABEL = "Powód (widoczny dla sprzedawcy)"
DISABLE_REASON_REQUIRED = "Podaj powód wyłączenia."
DISABLE_CONFIRM = "Wyłącz"
CANCEL = "Anuluj"
BACK_TO_APP = "← Wróć do Invoice-HUB"
AUTO_REFRESH = "Odświeżane automatycznie co {seconds} s."

# Guided setup (item 3)
SETUP_TITLE = "Pierwsze kroki"
SETUP_INTRO = "Wykonaj te kroki, aby faktury z Allegro wystawiały się same."
SETUP_DONE = "gotowe"
SETUP_TODO = "do zrobienia"
SETUP_STEPS = {
    "company": ("Uzupełnij dane firmy", "/settings?tab=company"),
    "ksef": ("Skonfiguruj KSeF", "/settings?tab=company"),
    "allegro": ("Połącz konto Allegro", "/settings?tab=integrations"),
    "settings": ("Zapisz ustawienia integracji", "/settings?tab=integrations"),
    "sync": ("Wykonaj pierwszą synchronizację", "/settings?tab=integrations"),
}

# URLs and state (item 7)
NOT_FOUND_TEXT = "Ta strona nie istnieje albo została przeniesiona."
NOT_FOUND_HOME = "Przejdź do ustawień"
UNSAVED_LEAVE = "Masz niezapisane zmiany. Opuścić kartę bez zapisywania?"
NAME_REQUIRED = "Podaj imię i nazwisko."

# Phone layout (item 8)
MENU = "Menu"
OPEN = "Otwórz"
