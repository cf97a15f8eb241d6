"""One device, always: restore the saved session, or log in once and save it (0600)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from nio import AsyncClient, LoginResponse, WhoamiResponse

from bot.config import MatrixSettings


def credentials_path(data_dir: Path) -> Path:
    # Beside nio's store: crypto/ is the only place that holds a Matrix user ID.
    return data_dir / "crypto" / "credentials.json"


def restrict_to_owner(folder: Path) -> None:
    """Every file under folder 0600, every folder 0700 (SQLite journals inherit the file's mode)."""
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


async def log_in(client: AsyncClient, matrix: MatrixSettings, data_dir: Path) -> None:
    await _log_in(client, matrix, credentials_path(data_dir))
    # nio creates its store file with the process umask (0644); it holds user ids and keys.
    restrict_to_owner(data_dir / "crypto")


async def _log_in(client: AsyncClient, matrix: MatrixSettings, creds: Path) -> None:
    if creds.exists():
        saved = json.loads(creds.read_text())
        if saved.get("user_id") != matrix.user_id:
            raise RuntimeError(
                f"{creds} appartient à un autre compte : supprimez data_dir ou corrigez user_id"
            )
        client.restore_login(saved["user_id"], saved["device_id"], saved["access_token"])
        return
    if matrix.access_token:
        client.access_token = matrix.access_token
        who = await client.whoami()
        if not isinstance(who, WhoamiResponse) or not who.device_id:
            raise RuntimeError("le jeton d'accès (access_token) est refusé par le serveur")
        client.restore_login(who.user_id, who.device_id, matrix.access_token)
    else:
        resp = await client.login(matrix.password, device_name=matrix.device_name)
        if not isinstance(resp, LoginResponse):
            raise RuntimeError(
                f"connexion refusée par le serveur : {getattr(resp, 'status_code', '')}"
            )
    payload = json.dumps(
        {
            "homeserver": matrix.homeserver,
            "user_id": client.user_id,
            "device_id": client.device_id,
            "access_token": client.access_token,
        }
    )
    fd = os.open(creds, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(payload)
