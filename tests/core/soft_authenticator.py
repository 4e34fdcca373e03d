"""A software authenticator: answers WebAuthn registrations and logins the way a browser's
authenticator does (ES256 keys, "none" attestation, a signature counter), so the server's passkey
views can be driven, and attacked, over plain HTTP. It is the outsider's tool, not a stand-in for
any part of Klynge: the answers go through django-otp-webauthn and py_webauthn unchanged."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

USER_PRESENT, USER_VERIFIED, ATTESTED = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    def __init__(self, origin: str = "http://localhost:8000", rp_id: str = "localhost"):
        self.origin = origin
        self.rp_id = rp_id
        self.keys: dict[bytes, ec.EllipticCurvePrivateKey] = {}
        self.counts: dict[bytes, int] = {}

    def _authenticator_data(self, flags: int, count: int, attested: bytes = b"") -> bytes:
        return (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([flags])
            + struct.pack(">I", count)
            + attested
        )

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict) -> dict:
        """The answer to navigator.credentials.create() for the server's registration options."""
        key = ec.generate_private_key(ec.SECP256R1())
        credential_id = os.urandom(32)
        point = key.public_key().public_numbers()
        cose_key = {1: 2, 3: -7, -1: 1, -2: point.x.to_bytes(32, "big"), -3: point.y.to_bytes(32, "big")}
        attested = bytes(16) + struct.pack(">H", len(credential_id)) + credential_id + cbor2.dumps(cose_key)
        data = self._authenticator_data(USER_PRESENT | USER_VERIFIED | ATTESTED, 0, attested)
        self.keys[credential_id] = key
        self.counts[credential_id] = 0
        client_data = self._client_data("webauthn.create", options["challenge"], None)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": data})
        return {
            "id": b64url(credential_id),
            "rawId": b64url(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
            "authenticatorAttachment": "platform",
        }

    def get(
        self,
        options: dict,
        *,
        credential_id: bytes | None = None,
        origin: str | None = None,
        signing_key: ec.EllipticCurvePrivateKey | None = None,
    ) -> dict:
        """The answer to navigator.credentials.get(): by default with the first offered credential this
        authenticator holds; an attacker may name any credential id, origin or key."""
        if credential_id is None:
            offered = [unb64url(c["id"]) for c in options.get("allowCredentials", [])]
            credential_id = next(c for c in offered if c in self.keys)
        self.counts[credential_id] = self.counts.get(credential_id, 0) + 1
        data = self._authenticator_data(USER_PRESENT | USER_VERIFIED, self.counts[credential_id])
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        key = signing_key or self.keys.get(credential_id) or ec.generate_private_key(ec.SECP256R1())
        signature = key.sign(data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(credential_id),
            "rawId": b64url(credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64url(data),
                "clientDataJSON": b64url(client_data),
                "signature": b64url(signature),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }
