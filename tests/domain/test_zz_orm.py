import time
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from invoicehub.models import Customer
from tests.domain.factories import *


def test_orm_upsert(session):
    c = make_company(session)
    T = Customer.__table__

    def vals(name):
        return {
            "id": uuid.uuid4(),
            "tenant_id": c.tenant_id,
            "kind": "person",
            "name": name,
            "nip": None,
            "email": "",
            "street": "",
            "city": "",
            "postal_code": "",
            "country_code": "PL",
            "source": "allegro",
            "external_id": "b1",
        }

    cstmt = insert(T)
    cstmt = cstmt.on_conflict_do_update(
        index_elements=["tenant_id", "source", "external_id"],
        index_where=sa.text("external_id IS NOT NULL"),
        set_={"name": cstmt.excluded.name, "updated_at": sa.func.now()},
    ).returning(*T.c, sa.literal_column("(xmax = 0)").label("created"))
    st = (
        sa.select(Customer, sa.column("created", sa.Boolean))
        .from_statement(cstmt)
        .execution_options(populate_existing=True)
    )
    r = session.execute(st, vals("A")).one()
    print(r)
    t = time.perf_counter()
    for i in range(1000):
        session.execute(st, vals(f"M{i}")).one()
    print("from_statement", (time.perf_counter() - t))
