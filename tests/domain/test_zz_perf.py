import time, uuid
from decimal import Decimal
from sqlmodel import Session
from invoicehub.db import get_engine
from tests.domain.factories import make_company, allegro_draft
from invoicehub.domain.invoices import create_invoice, LineDraft
from invoicehub.domain.customers import upsert_customer, CustomerDraft
from invoicehub.domain.products import upsert_products, ProductDraft

def run(c, N, commit_every=1, offers=100, buyers=500):
    integ = uuid.uuid4()
    t0 = time.perf_counter()
    with Session(get_engine(), expire_on_commit=False) as s:
        for i in range(N):
            cu, _ = upsert_customer(s, c.tenant_id, CustomerDraft(name=f"Buyer {i%buyers}", source="allegro", external_id=f"b{i%buyers}", city="Łódź"))
            drafts = [ProductDraft(name=f"Offer {(i+k)%offers}", sku=f"S{(i+k)%offers}", source="allegro", external_id=f"o{(i+k)%offers}", gross_price=Decimal("19.99"), vat_rate="23") for k in range(3)]
            prods = upsert_products(s, c.tenant_id, drafts)
            lines = [LineDraft(p.name, Decimal(1), Decimal("19.99"), "23", product_id=p.id) for p, _ in prods]
            create_invoice(s, allegro_draft(c, integ, f"ord-{i}", lines=lines, customer_id=cu.id))
            if i % commit_every == 0:
                s.commit()
        s.commit()
    dt = time.perf_counter() - t0
    return N/dt, dt*1000/N

def test_perf(session):
    c = make_company(session)
    run(c, 200)
    for ce in (1, 50):
        r, ms = run(c, 2000, ce)
        print(f"\ncommit every {ce}: {r:.0f} invoices/s ({ms:.2f} ms each)")

def test_profile(session):
    import cProfile, pstats
    c = make_company(session)
    run(c, 200)
    pr = cProfile.Profile(); pr.enable()
    run(c, 500)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(40)
