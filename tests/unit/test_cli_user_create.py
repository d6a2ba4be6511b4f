"""`invoicehub user create` can script a company complete enough to invoice (art. 106e)."""

from __future__ import annotations

from sqlmodel import Session, select

from invoicehub.cli import main
from invoicehub.domain.seller_data import missing_seller_fields
from invoicehub.models import Company, User


def test_user_create_with_address_makes_a_company_that_can_invoice(session: Session, capsys):
    code = main(
        [
            "user", "create", "--email", "nowy@sklep.test", "--password", "długie-hasło-123",
            "--tenant", "Nowy Sklep", "--nip", "5252674798", "--street", "ul. Długa 5",
            "--postal-code", "80-831", "--city", "Gdańsk",
        ]
    )  # fmt: skip

    assert code == 0, capsys.readouterr().err
    user = session.exec(select(User).where(User.email == "nowy@sklep.test")).one()
    company = session.exec(select(Company).where(Company.tenant_id == user.tenant_id)).one()
    address = (company.street, company.postal_code, company.city)
    assert address == ("ul. Długa 5", "80-831", "Gdańsk")
    assert missing_seller_fields(company) == []


def test_user_create_without_address_leaves_the_company_incomplete(session: Session, capsys):
    code = main(
        ["user", "create", "--email", "bez@adresu.test", "--password", "długie-hasło-123",
         "--tenant", "Bez Adresu", "--nip", "5252674798"]
    )  # fmt: skip

    assert code == 0, capsys.readouterr().err
    user = session.exec(select(User).where(User.email == "bez@adresu.test")).one()
    company = session.exec(select(Company).where(Company.tenant_id == user.tenant_id)).one()
    assert missing_seller_fields(company) == ["street", "postal code", "city"]
