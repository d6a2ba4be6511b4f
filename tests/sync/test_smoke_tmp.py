import os, time
from invoicehub.integrations.allegro.runs import request_sync
from tests.sync.helpers import connect_seller, drain, run_of


def test_smoke(session, control):
    n = int(os.environ.get("N", "10000"))
    seller = connect_seller(session, control, "smoke", orders=n)
    run = request_sync(session, seller.principal, seller.integration_id)
    t = time.perf_counter()
    drain()
    el = time.perf_counter() - t
    run = run_of(session, run.id)
    print(
        "\nRESULT",
        run.status,
        run.orders_fetched,
        run.invoices_created,
        round(el, 2),
        round(run.orders_fetched / el),
    )
