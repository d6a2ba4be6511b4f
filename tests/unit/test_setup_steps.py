"""The guided setup's steps in order, each done or to do (issue 13, item 3)."""

from __future__ import annotations

from invoicehub.domain.setup_steps import SetupFacts, setup_finished, setup_steps


def _facts(**changes: object) -> SetupFacts:
    values: dict[str, object] = {
        "company_complete": False,
        "ksef_configured": None,
        "allegro_connected": False,
        "settings_saved": False,
        "first_sync_done": False,
    }
    values.update(changes)
    return SetupFacts(**values)  # type: ignore[arg-type]


def test_a_new_account_has_every_step_to_do_in_order():
    steps = setup_steps(_facts())
    assert [s.key for s in steps] == ["company", "allegro", "settings", "sync"]
    assert not any(s.done for s in steps) and not setup_finished(steps)


def test_ksef_is_a_step_only_where_the_company_has_ksef_settings():
    steps = setup_steps(_facts(ksef_configured=False))
    assert [s.key for s in steps] == ["company", "ksef", "allegro", "settings", "sync"]


def test_setup_is_finished_when_every_step_is_done():
    done = _facts(
        company_complete=True, allegro_connected=True, settings_saved=True, first_sync_done=True
    )
    assert setup_finished(setup_steps(done))
    assert not setup_finished(setup_steps(_facts(company_complete=True)))
