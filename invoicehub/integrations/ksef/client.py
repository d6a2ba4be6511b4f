"""KSeF 2.0 client (httpx + cryptography), typed, sync: token authentication, online and batch
sessions, statuses and UPO. Paths and shapes follow docs/open-api.json; give it the API root that
ends in `/v2` (`environments.api_base_url`). Errors are the classes of `errors.py`.

One instance may serve many contexts: the bearer tokens travel in `KsefAuth`, never in the client.
"""

from __future__ import annotations

import base64
import time
from types import TracebackType
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from invoicehub.integrations.ksef import transport
from invoicehub.integrations.ksef.batch_package import MAX_PART_BYTES, build_package
from invoicehub.integrations.ksef.crypto import (
    SymmetricKey,
    encrypt_ksef_token,
    load_certificate_b64,
    public_key_of,
    sha256_b64,
)
from invoicehub.integrations.ksef.errors import KsefAuthError, KsefRateLimited, KsefTransientError
from invoicehub.integrations.ksef.models import (
    BatchPart,
    BatchSession,
    KsefAuth,
    OnlineSession,
    SessionInvoice,
    SessionStatus,
    parse_time,
)

FORM_CODE = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}

__all__ = [
    "BatchSession",
    "KsefAuth",
    "KsefClient",
    "OnlineSession",
    "SessionInvoice",
    "SessionStatus",
]


class KsefClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        http: httpx.Client | None = None,
        poll_interval: float = 0.25,
        poll_timeout: float = 60.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._own_http = http is None
        self._http = http or httpx.Client(timeout=timeout)
        self._timeout = timeout
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self._keys: dict[str, rsa.RSAPublicKey] = {}

    def __enter__(self) -> KsefClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    # -- plumbing -------------------------------------------------------------------------------
    def _call(
        self, method: str, path: str, *, bearer: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        return transport.send(
            self._http,
            method,
            f"{self.base_url}{path}",
            headers=headers,
            timeout=self._timeout,
            **kwargs,
        )

    def public_key(self, usage: str) -> rsa.RSAPublicKey:
        """The KSeF public key for `usage` (KsefTokenEncryption|SymmetricKeyEncryption), cached."""
        if usage not in self._keys:
            for item in self._call("GET", "/security/public-key-certificates").json():
                key = public_key_of(load_certificate_b64(item["certificate"]))
                for item_usage in item.get("usage") or []:
                    self._keys.setdefault(item_usage, key)
        if usage not in self._keys:
            raise KsefAuthError(f"KSeF publishes no certificate for {usage}")
        return self._keys[usage]

    def _poll(self, probe: Any, done: Any) -> Any:
        """Ask until `done(answer)`; a 429 while polling waits its Retry-After (within deadline)."""
        deadline = time.monotonic() + self.poll_timeout
        while True:
            pause = self.poll_interval
            try:
                value = probe()
                if done(value):
                    return value
            except KsefRateLimited as exc:
                pause = max(pause, exc.retry_after)
            if time.monotonic() + pause > deadline:
                raise KsefTransientError("KSeF is still processing; ask again later")
            time.sleep(pause)

    # -- authentication -------------------------------------------------------------------------
    def authenticate(self, nip: str, ksef_token: str) -> KsefAuth:
        """challenge -> ksef-token (RSA-OAEP of `token|timestampMs`) -> poll -> redeem."""
        challenge = self._call("POST", "/auth/challenge").json()
        encrypted = encrypt_ksef_token(
            self.public_key("KsefTokenEncryption"), ksef_token, int(challenge["timestampMs"])
        )
        body = {
            "challenge": challenge["challenge"],
            "contextIdentifier": {"type": "Nip", "value": nip},
            "encryptedToken": encrypted,
        }
        init = self._call("POST", "/auth/ksef-token", json=body).json()
        reference, auth_token = init["referenceNumber"], init["authenticationToken"]["token"]
        status = self._poll(
            lambda: self._call("GET", f"/auth/{reference}", bearer=auth_token).json()["status"],
            lambda s: s.get("code") != 100,
        )
        if status.get("code") != 200:
            details = "; ".join(status.get("details") or [])
            raise KsefAuthError(f"KSeF authentication {status.get('code')}: {details or status}")
        tokens = self._call("POST", "/auth/token/redeem", bearer=auth_token).json()
        return KsefAuth(
            nip=nip,
            reference_number=reference,
            access_token=tokens["accessToken"]["token"],
            access_valid_until=parse_time(tokens["accessToken"]["validUntil"]),
            refresh_token=tokens["refreshToken"]["token"],
            refresh_valid_until=parse_time(tokens["refreshToken"]["validUntil"]),
        )

    def refresh(self, auth: KsefAuth) -> KsefAuth:
        body = self._call("POST", "/auth/token/refresh", bearer=auth.refresh_token).json()
        access = body["accessToken"]
        return KsefAuth(
            nip=auth.nip,
            reference_number=auth.reference_number,
            access_token=access["token"],
            access_valid_until=parse_time(access["validUntil"]),
            refresh_token=auth.refresh_token,
            refresh_valid_until=auth.refresh_valid_until,
        )

    # -- online sessions ------------------------------------------------------------------------
    def open_online_session(self, auth: KsefAuth) -> OnlineSession:
        key = SymmetricKey.generate()
        body = {
            "formCode": FORM_CODE,
            "encryption": key.encryption_info(self.public_key("SymmetricKeyEncryption")),
        }
        answer = self._call("POST", "/sessions/online", bearer=auth.access_token, json=body).json()
        return OnlineSession(answer["referenceNumber"], key, parse_time(answer.get("validUntil")))

    def send_invoice(
        self, auth: KsefAuth, session: OnlineSession, xml: bytes, *, offline: bool = False
    ) -> str:
        """Send one FA(3) XML; returns the invoice reference number (status comes later)."""
        encrypted = session.key.encrypt(xml)
        body = {
            "invoiceHash": sha256_b64(xml),
            "invoiceSize": len(xml),
            "encryptedInvoiceHash": sha256_b64(encrypted),
            "encryptedInvoiceSize": len(encrypted),
            "encryptedInvoiceContent": base64.b64encode(encrypted).decode("ascii"),
            "offlineMode": offline,
        }
        path = f"/sessions/online/{session.reference_number}/invoices"
        return str(
            self._call("POST", path, bearer=auth.access_token, json=body).json()["referenceNumber"]
        )

    def close_online_session(self, auth: KsefAuth, session: OnlineSession) -> None:
        path = f"/sessions/online/{session.reference_number}/close"
        self._call("POST", path, bearer=auth.access_token)

    # -- batch sessions -------------------------------------------------------------------------
    def open_batch_session(
        self,
        auth: KsefAuth,
        invoices: list[tuple[str, bytes]],
        *,
        offline: bool = False,
        max_part_bytes: int = MAX_PART_BYTES,
    ) -> BatchSession:
        """Declare a package of (file name, XML) and get the upload address of each part."""
        key = SymmetricKey.generate()
        package = build_package(invoices, key, max_part_bytes)
        body = {
            "formCode": FORM_CODE,
            "batchFile": package.declaration,
            "encryption": key.encryption_info(self.public_key("SymmetricKeyEncryption")),
            "offlineMode": offline,
        }
        answer = self._call("POST", "/sessions/batch", bearer=auth.access_token, json=body).json()
        uploads = {u["ordinalNumber"]: u for u in answer["partUploadRequests"]}
        parts = tuple(
            BatchPart(
                ordinal_number=i,
                data=data,
                method=uploads[i]["method"],
                url=uploads[i]["url"],
                headers={k: v for k, v in (uploads[i].get("headers") or {}).items() if v},
            )
            for i, data in enumerate(package.encrypted_parts, start=1)
        )
        return BatchSession(answer["referenceNumber"], key, parts, package.invoice_hashes)

    def upload_batch_parts(self, session: BatchSession) -> None:
        """PUT each part to its pre-signed address, without the access token (as the docs say)."""
        for part in session.parts:
            transport.send(
                self._http,
                part.method,
                part.url,
                content=part.data,
                headers=part.headers,
                timeout=max(self._timeout, 60.0),
            )

    def close_batch_session(self, auth: KsefAuth, session: BatchSession) -> None:
        path = f"/sessions/batch/{session.reference_number}/close"
        self._call("POST", path, bearer=auth.access_token)

    def send_batch(self, auth: KsefAuth, invoices: list[tuple[str, bytes]]) -> BatchSession:
        """open + upload + close: the package is then processed by KSeF."""
        session = self.open_batch_session(auth, invoices)
        self.upload_batch_parts(session)
        self.close_batch_session(auth, session)
        return session

    # -- statuses and UPO -----------------------------------------------------------------------
    def get_session_status(self, auth: KsefAuth, session_ref: str) -> SessionStatus:
        body = self._call("GET", f"/sessions/{session_ref}", bearer=auth.access_token).json()
        return SessionStatus.from_json(body)

    def wait_for_session(self, auth: KsefAuth, session_ref: str) -> SessionStatus:
        """Poll until the session leaves 100/150/170 (only after it was closed)."""
        result: SessionStatus = self._poll(
            lambda: self.get_session_status(auth, session_ref), lambda s: not s.processing
        )
        return result

    def list_session_invoices(self, auth: KsefAuth, session_ref: str) -> list[SessionInvoice]:
        found: list[SessionInvoice] = []
        token: str | None = None
        while True:
            headers = {"x-continuation-token": token} if token else {}
            body = self._call(
                "GET",
                f"/sessions/{session_ref}/invoices",
                bearer=auth.access_token,
                params={"pageSize": 1000},
                headers=headers,
            ).json()
            found += [SessionInvoice.from_json(item) for item in body.get("invoices") or []]
            token = body.get("continuationToken")
            if not token:
                return found

    def get_invoice_status(
        self, auth: KsefAuth, session_ref: str, invoice_ref: str
    ) -> SessionInvoice:
        path = f"/sessions/{session_ref}/invoices/{invoice_ref}"
        return SessionInvoice.from_json(self._call("GET", path, bearer=auth.access_token).json())

    def wait_for_invoice(
        self, auth: KsefAuth, session_ref: str, invoice_ref: str
    ) -> SessionInvoice:
        """Poll until the invoice leaves 100/150; check `.accepted` or `.raise_for_status()`."""
        result: SessionInvoice = self._poll(
            lambda: self.get_invoice_status(auth, session_ref, invoice_ref),
            lambda invoice: not invoice.processing,
        )
        return result

    def get_invoice_upo(self, auth: KsefAuth, session_ref: str, ksef_number: str) -> bytes:
        path = f"/sessions/{session_ref}/invoices/ksef/{ksef_number}/upo"
        headers = {"Accept": "application/xml"}
        return self._call("GET", path, bearer=auth.access_token, headers=headers).content

    def get_session_upo(self, auth: KsefAuth, session_ref: str, upo_ref: str) -> bytes:
        path = f"/sessions/{session_ref}/upo/{upo_ref}"
        headers = {"Accept": "application/xml"}
        return self._call("GET", path, bearer=auth.access_token, headers=headers).content
