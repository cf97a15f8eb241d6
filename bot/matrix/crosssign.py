"""Cross-signing for the bot's own device, on top of signedjson (nio has none).

Clients that follow MSC4153 hide messages from devices their owner has not cross-signed, so on
first start the bot creates master, self-signing and user-signing keys, uploads them, and signs
its device with the self-signing key. The private keys stay in data_dir (mode 0600).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import aiohttp
from signedjson.key import (
    decode_signing_key_base64,
    encode_signing_key_base64,
    generate_signing_key,
)
from signedjson.sign import sign_json
from unpaddedbase64 import encode_base64

log = logging.getLogger("repere.crosssign")
USAGES = ("master", "self_signing", "user_signing")


class CrossSigningError(RuntimeError):
    pass


def _key_id(key: Any) -> str:
    return f"ed25519:{encode_base64(key.verify_key.encode())}"


def _load_or_create(path: Path) -> dict[str, Any]:
    """The three signing keys, created once and kept 0600."""
    if path.exists():
        data = json.loads(path.read_text())
        keys = {}
        for usage in USAGES:
            key = decode_signing_key_base64("ed25519", "0", data[usage])
            key.version = encode_base64(key.verify_key.encode())
            keys[usage] = key
        return keys
    keys = {}
    for usage in USAGES:
        key = generate_signing_key("0")
        key.version = encode_base64(key.verify_key.encode())
        keys[usage] = key
    payload = json.dumps({u: encode_signing_key_base64(k) for u, k in keys.items()})
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(payload)
    return keys


def _public(user_id: str, usage: str, key: Any) -> dict[str, Any]:
    pub = encode_base64(key.verify_key.encode())
    return {"user_id": user_id, "usage": [usage], "keys": {f"ed25519:{pub}": pub}}


class _Api:
    def __init__(self, session: aiohttp.ClientSession, homeserver: str, token: str) -> None:
        self.session, self.base, self.token = session, homeserver, token

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        async with self.session.post(
            f"{self.base}/_matrix/client/v3{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=aiohttp.ClientTimeout(total=30),
        ) as resp:
            return resp.status, await resp.json(content_type=None)


async def ensure_cross_signing(
    homeserver: str,
    user_id: str,
    device_id: str,
    access_token: str,
    password: str | None,
    key_file: Path,
) -> bool:
    """Publish cross-signing keys and sign our device if the server lacks either; True if work done."""
    keys = _load_or_create(key_file)
    master_id = _key_id(keys["master"])
    ssk_id = _key_id(keys["self_signing"])
    async with aiohttp.ClientSession() as session:
        api = _Api(session, homeserver, access_token)
        status, query = await api.post("/keys/query", {"device_keys": {user_id: [device_id]}})
        if status != 200:
            raise CrossSigningError(f"/keys/query a répondu {status}")
        master = query.get("master_keys", {}).get(user_id, {})
        device = query.get("device_keys", {}).get(user_id, {}).get(device_id)
        if device is None:
            raise CrossSigningError("les clés de l'appareil ne sont pas encore publiées")
        did_work = False
        if master_id not in master.get("keys", {}):
            await _upload_keys(api, user_id, keys, password)
            did_work = True
        if ssk_id not in device.get("signatures", {}).get(user_id, {}):
            signed = sign_json(dict(device), user_id, keys["self_signing"])
            status, body = await api.post("/keys/signatures/upload", {user_id: {device_id: signed}})
            if status != 200 or body.get("failures"):
                raise CrossSigningError(f"signature de l'appareil refusée ({status})")
            did_work = True
        return did_work


async def _upload_keys(api: _Api, user_id: str, keys: dict[str, Any], password: str | None) -> None:
    master = _public(user_id, "master", keys["master"])
    ssk = sign_json(_public(user_id, "self_signing", keys["self_signing"]), user_id, keys["master"])
    usk = sign_json(_public(user_id, "user_signing", keys["user_signing"]), user_id, keys["master"])
    body: dict[str, Any] = {"master_key": master, "self_signing_key": ssk, "user_signing_key": usk}
    status, resp = await api.post("/keys/device_signing/upload", body)
    if status == 401 and password:
        # Replacing existing keys needs user-interactive auth; the first upload usually does not.
        body["auth"] = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user_id},
            "password": password,
            "session": resp.get("session"),
        }
        status, resp = await api.post("/keys/device_signing/upload", body)
    if status != 200:
        raise CrossSigningError(
            f"envoi des clés de signature croisée refusé ({status}) ; "
            "mot de passe nécessaire si des clés existent déjà"
        )
    log.info("cross-signing keys uploaded")
