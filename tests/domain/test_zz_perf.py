import time
import uuid
from decimal import Decimal

from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.domain.customers import *
from invoicehub.domain.invoices import *
from invoicehub.domain.products import *
from tests.domain.factories import *


def test_perf(session):
    c = make_company(session)
    integ = uuid.uuid4()
    N = 500
    t0 = time.perf_counter()
    with Session(get_engine(), expire_on_commit=False) as s:
        for i in range(N):
            cu, _ = upsert_customer(
                s,
                c.tenant_id,
                CustomerDraft(
                    name=f"Buyer {i % 500}",
                    source="allegro",
                    external_id=f"b{i % 500}",
                    city="Łódź",
                ),
            )
            lines = []
            for k in range(3):
                p, _ = upsert_product(
                    s,
                    c.tenant_id,
                    ProductDraft(
                        name=f"Offer {(i + k) % 100}",
                        sku=f"S{(i + k) % 100}",
                        source="allegro",
                        external_id=f"o{(i + k) % 100}",
                        gross_price=Decimal("19.99"),
                        vat_rate="23",
                    ),
                )
                lines.append(LineDraft(p.name, Decimal(1), Decimal("19.99"), "23", product_id=p.id))
            create_invoice(s, allegro_draft(c, integ, f"ord-{i}", lines=lines, customer_id=cu.id))
            s.commit()
    dt = time.perf_counter() - t0
    print(f"\n{N / dt:.0f} invoices/s ({dt * 1000 / N:.2f} ms each)")


def test_profile(session):
    import cProfile
    import pstats

    pr = cProfile.Profile()
    pr.enable()
    test_perf(session)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(45)
