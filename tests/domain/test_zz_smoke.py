from tests.domain.factories import *
from invoicehub.domain.invoices import *
from invoicehub.domain.customers import *
from invoicehub.domain.products import *

def test_smoke(session):
    c = make_company(session)
    inv = issue_invoice(session, c)
    print(inv.number, inv.total_gross, inv.total_net, inv.template_id, inv.buyer)
    lines = get_invoice_lines(session, inv.id)
    print([(l.net, l.vat, l.gross) for l in lines])
    inv2 = issue_invoice(session, c)
    print(inv2.number)
    cu, created = upsert_customer(session, c.tenant_id, CustomerDraft(name="A", nip="7740001454", kind="company"))
    cu2, created2 = upsert_customer(session, c.tenant_id, CustomerDraft(name="B", nip="7740001454", kind="company"))
    print(cu is cu2, created, created2, cu2.name)
    p, cr = upsert_product(session, c.tenant_id, ProductDraft(name="X", sku="S1", source="allegro", external_id="1"))
    p2, cr2 = upsert_product(session, c.tenant_id, ProductDraft(name="Y", sku="S1", source="allegro", external_id="2"))
    p3, cr3 = upsert_product(session, c.tenant_id, ProductDraft(name="X2", sku="S1", source="allegro", external_id="1", vat_rate="8"))
    print(p.id, cr, p2.id, p2.sku, cr2, p3 is p, cr3, p3.name, p3.vat_rate)
    session.commit()
    d = allegro_draft(c, uuid.uuid4(), "o1", customer_id=cu.id)
    a = create_invoice(session, d)
    try:
        create_invoice(session, d)
    except DuplicateInvoice as e:
        print("dup", e, e.existing_id == a.id)
    session.commit()
    print(list_invoices(session, c.tenant_id, search="zażółć"))
