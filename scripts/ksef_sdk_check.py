"""Evaluate the `ksef-client` SDK against the project's KSeF 2.0 emulator (issue #11, item 4).

Run with the interpreter of a throwaway venv that has the SDK (not the project's venv):

    python3.11 -m venv /tmp/sdkvenv && /tmp/sdkvenv/bin/pip install ksef-client
    /tmp/sdkvenv/bin/python scripts/ksef_sdk_check.py --emulator-url http://127.0.0.1:8391

Prints one line per step (`OK`, `FAIL` or `NOTE`); exits 1 when a step failed. Uses only the SDK,
httpx (an SDK dependency) and the emulator's control API (`/__emulator/tokens`, `/faults`).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import socket
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from ksef_client import KsefClient, KsefClientOptions, KsefRateLimitError
from ksef_client.openapi_models import FormCode
from ksef_client.services import workflows as wf
from ksef_client.services.verification_link import VerificationLinkService
from ksef_client.utils.zip_utils import build_zip

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "ksef" / "fixtures" / "fa3_vat_b2b.xml"  # valid FA(3), seller below
SELLER_NIP = "5252674798"
FORM = FormCode(system_code="FA (3)", schema_version="1-0E", value="FA")
TEST_API = "https://api-test.ksef.mf.gov.pl"
# docs/kody-qr.md, KOD I example (TE environment)
QR_EXAMPLE = ("1111111111", "01-02-2026", "UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE")
QR_EXPECTED = "https://qr-test.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/" + QR_EXAMPLE[2]
failed = False


def report(step: str, ok: bool | None, detail: str) -> None:
    global failed
    failed = failed or ok is False
    word = "NOTE" if ok is None else "OK" if ok else "FAIL"
    print(f"{step:<12} {word:<4} {detail}", flush=True)


def invoice(number: str) -> bytes:
    xml = FIXTURE.read_bytes()
    return xml.replace(b"<P_2>FV/1/02/2026</P_2>", f"<P_2>{number}</P_2>".encode())


def poll(read: Any, busy: set[int], tries: int = 100) -> Any:
    for _ in range(tries):
        answer = read()
        if answer.status.code not in busy:
            return answer
        time.sleep(0.2)
    return answer


def sdk_facts() -> str:
    meta = metadata.metadata("ksef-client")
    deps = [d for d in meta.get_all("Requires-Dist") or [] if "extra ==" not in d]
    license_ = meta["License-Expression"] or meta["License"]
    python = meta["Requires-Python"]
    return f"ksef-client {meta['Version']}, {license_}, Python {python}, deps: {', '.join(deps)}"


def authenticate(client: KsefClient, control: httpx.Client, nip: str) -> wf.AuthResult:
    token = control.post("/__emulator/tokens", json={"nip": nip}).raise_for_status().json()["token"]
    cert = client.security.get_public_key_certificate("KsefTokenEncryption")
    return wf.AuthCoordinator(client.auth).authenticate_with_ksef_token(
        token=token,
        public_certificate=cert.certificate,
        public_key_id=cert.public_key_id,
        context_identifier_type="nip",
        context_identifier_value=nip,
        poll_interval_seconds=0.2,
    )


def step_certs(client: KsefClient) -> None:
    certs = client.security.get_public_key_certificates()
    usages = sorted(u.value for c in certs for u in c.usage)
    both = {"KsefTokenEncryption", "SymmetricKeyEncryption"} <= set(usages)
    report("1 certs", both, f"{len(certs)} certificate(s), usages {usages}")


def step_auth(client: KsefClient, control: httpx.Client, nip: str) -> str:
    result = authenticate(client, control, nip)
    refreshed = client.auth.refresh_access_token(result.refresh_token)
    ok = bool(result.access_token and refreshed.access_token.token)
    report(
        "2 auth", ok, f"challenge, ksef-token, poll, redeem, refresh ({result.reference_number})"
    )
    return result.access_token


def step_online(client: KsefClient, access: str, base: str) -> tuple[bytes, str]:
    cert = client.security.get_public_key_certificate("SymmetricKeyEncryption")
    session = wf.OnlineSessionWorkflow(client.sessions).open_session(
        form_code=FORM,
        public_certificate=cert.certificate,
        public_key_id=cert.public_key_id,
        access_token=access,
        upo_v43=True,
    )
    xml = invoice(f"SDK/{time.time_ns()}")
    sent = session.send_invoice(xml)
    status = poll(lambda: session.get_invoice_status(sent.reference_number), {100, 150})
    ksef_number = status.ksef_number or ""
    upo = session.get_invoice_upo_by_ref(sent.reference_number)
    detail = f"status {status.status.code}, KSeF number {ksef_number}, UPO {len(upo)} bytes"
    report("3 online", status.status.code == 200 and ksef_number.encode() in upo, detail)
    dup = session.send_invoice(xml)
    dup_status = poll(lambda: session.get_invoice_status(dup.reference_number), {100, 150})
    original = (dup_status.status.extensions or {}).get("originalKsefNumber")
    detail = f"status {dup_status.status.code}, originalKsefNumber {original}"
    report("3 duplicate", dup_status.status.code == 440 and original == ksef_number, detail)
    session.close()
    closed = poll(session.get_status, {100, 170})
    pages = closed.upo.pages if closed.upo else []
    session_upo = session.get_upo(pages[0].reference_number) if pages else b""
    detail = f"session status {closed.status.code}, session UPO {len(session_upo)} bytes"
    report("3 close", closed.status.code == 200 and ksef_number.encode() in session_upo, detail)
    # Not an SDK call: the documented pre-signed UPO link must work without the access token.
    page = httpx.get(status.upo_download_url or base, timeout=10)
    hashed = "with" if "x-ms-meta-hash" in page.headers else "without"
    detail = f"GET upoDownloadUrl with no token (as open-api.json says) -> HTTP {page.status_code}"
    report("3 upo-link", page.status_code == 200 or None, f"{detail} {hashed} x-ms-meta-hash")
    return xml, ksef_number


def batch_round_trip(options: KsefClientOptions, control: httpx.Client, nip: str) -> str:
    with KsefClient(options) as client:
        access = authenticate(client, control, nip).access_token
        cert = client.security.get_public_key_certificate("SymmetricKeyEncryption")
        files = {f"fa{i}.xml": invoice(f"SDKB/{time.time_ns()}/{i}") for i in range(3)}
        session = wf.BatchSessionWorkflow(client.sessions, client.http_client).open_session(
            form_code=FORM,
            zip_bytes=build_zip(files),
            public_certificate=cert.certificate,
            public_key_id=cert.public_key_id,
            access_token=access,
            upo_v43=True,
        )
        session.upload_parts()
        session.close()
        status = poll(session.get_status, {100, 150, 170})
        listed = session.list_invoices().invoices
        accepted = [i for i in listed if i.status.code == 200 and i.ksef_number]
        if status.status.code != 200 or len(accepted) != len(files):
            raise RuntimeError(f"session {status.status.code}, accepted {len(accepted)}/3")
        return f"3/3 accepted, session status {status.status.code}"


def alias_host(given: str | None) -> str | None:
    """A host name for the emulator that is not `localhost` nor an IP (the SDK refuses those)."""
    if given:
        return given
    name = socket.gethostname()
    try:
        loopback = socket.gethostbyname(name).startswith("127.")
    except OSError:
        return None
    return name if loopback and name != "localhost" else None


def step_batch(url: str, control: httpx.Client, nip: str, alias: str | None) -> None:
    """Default options, then relaxed ones, then relaxed ones on a host-name alias."""
    relaxed = {"strict_presigned_url_validation": False}
    private = {**relaxed, "allow_private_network_presigned_urls": True}
    variants = [("default options", url, {}), ("http + private network allowed", url, private)]
    if alias:
        aliased = str(httpx.URL(url).copy_with(host=alias))
        variants.append((f"host alias {alias!r} + http", aliased, relaxed))
    for label, base, extra in variants:
        try:
            detail = batch_round_trip(KsefClientOptions(base_url=base, **extra), control, nip)
            report("4 batch", True, f"{label}: {detail}")
            return
        except ValueError as exc:  # the SDK's pre-signed URL check
            report("4 batch", None, f"{label}: upload URL refused: {exc}")
    report("4 batch", False, "no variant worked (give --batch-host, a name for 127.0.0.1)")


def step_qr(url: str, xml: bytes, ksef_number: str) -> None:
    official = VerificationLinkService(KsefClientOptions(base_url=TEST_API))
    link = official.build_invoice_verification_url(*QR_EXAMPLE)
    report("5 qr-doc", link == QR_EXPECTED, f"docs/kody-qr.md example -> {link}")
    bare = VerificationLinkService(KsefClientOptions(base_url=url))
    try:
        bare.build_invoice_verification_url(*QR_EXAMPLE)
    except ValueError as exc:
        report("5 qr-base", None, f"custom base_url needs base_qr_url: {exc}")
    service = VerificationLinkService(KsefClientOptions(base_url=url, base_qr_url=f"{url}/qr"))
    digest = base64.b64encode(hashlib.sha256(xml).digest()).decode()
    link = service.build_invoice_verification_url(SELLER_NIP, "2026-02-02", digest)
    page = httpx.get(link, timeout=10)
    found = page.status_code == 200 and ksef_number in page.text
    report("5 qr-emu", found, f"{link} -> HTTP {page.status_code}")


def step_rate_limit(client: KsefClient, control: httpx.Client) -> None:
    fault = {"pathPattern": "/v2/security/public-key-certificates", "status": 429}
    control.post("/__emulator/faults", json={**fault, "retryAfter": 7}).raise_for_status()
    try:
        client.security.get_public_key_certificates()
        report("6 429", False, "no error raised")
    except KsefRateLimitError as exc:
        report("6 429", exc.retry_after == 7, f"KsefRateLimitError, retry_after={exc.retry_after}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emulator-url", required=True, help="e.g. http://127.0.0.1:8391")
    parser.add_argument("--batch-host", help="a name for the emulator host that is not an IP")
    args = parser.parse_args(argv)
    url = args.emulator_url.rstrip("/")
    report("0 sdk", None, sdk_facts())
    state: dict[str, Any] = {"sent": (invoice("none"), "-")}
    with (
        httpx.Client(base_url=url, timeout=10) as control,
        KsefClient(KsefClientOptions(base_url=url)) as client,
    ):
        steps = [
            ("1 certs", lambda: step_certs(client)),
            ("2 auth", lambda: state.update(access=step_auth(client, control, SELLER_NIP))),
            ("3 online", lambda: state.update(sent=step_online(client, state["access"], url))),
            ("4 batch", lambda: step_batch(url, control, SELLER_NIP, alias_host(args.batch_host))),
            ("5 qr", lambda: step_qr(url, *state["sent"])),
            ("6 429", lambda: step_rate_limit(client, control)),
        ]
        for name, run in steps:
            try:
                run()
            except Exception as exc:
                report(name, False, f"{type(exc).__name__}: {exc}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
