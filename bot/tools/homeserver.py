"""A throwaway Synapse on 127.0.0.1 (SQLite, temp dir) for the test suite and the `make run` demo."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SERVER_NAME = "localhost"
_BIG = {"per_second": 10_000, "burst_count": 100_000}
LOG_CONFIG = """\
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: {path}
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HomeserverError(RuntimeError):
    pass


@dataclass
class Registered:
    user_id: str
    password: str
    access_token: str
    device_id: str


class Homeserver:
    """Start, register users on, restart and stop a local Synapse."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_path = directory / "homeserver.yaml"
        self.process: subprocess.Popen[bytes] | None = None
        self.secret = ""

    def generate(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable, "-m", "synapse.app.homeserver",
                "--server-name", SERVER_NAME,
                "--config-path", str(self.config_path),
                "--data-directory", str(self.directory),
                "--generate-config", "--report-stats=no",
            ],
            check=True, capture_output=True, cwd=self.directory,
        )  # fmt: skip
        config: dict[str, Any] = yaml.safe_load(self.config_path.read_text())
        log_config = self.directory / "log.config"
        log_config.write_text(LOG_CONFIG.format(path=self.directory / "homeserver.log"))
        config.update(
            {
                "listeners": [
                    {
                        "port": self.port,
                        "bind_addresses": ["127.0.0.1"],
                        "type": "http",
                        "tls": False,
                        "x_forwarded": False,
                        "resources": [{"names": ["client"], "compress": False}],
                    }
                ],
                "log_config": str(log_config),
                "trusted_key_servers": [],
                "suppress_key_server_warning": True,
                "presence": {"enabled": False},
                # Restart tests need every /sync answered afresh, not from a 2-minute cache.
                "caches": {"sync_response_cache_duration": 0},
                "enable_registration": False,
                "encryption_enabled_by_default_for_room_type": "all",
                "rc_message": _BIG,
                "rc_login": {"address": _BIG, "account": _BIG, "failed_attempts": _BIG},
                "rc_joins": {"local": _BIG, "remote": _BIG},
                "rc_joins_per_room": _BIG,
                "rc_invites": {"per_room": _BIG, "per_user": _BIG, "per_issuer": _BIG},
                "rc_registration": _BIG,
                "rc_room_creation": _BIG,
                "rc_key_requests": _BIG,
                "rc_admin_redaction": _BIG,
                "rc_3pid_validation": _BIG,
                "rc_delayed_event_mgmt": _BIG,
                "rc_profile": _BIG,
            }
        )
        self.secret = str(config["registration_shared_secret"])
        self.config_path.write_text(yaml.safe_dump(config))

    def start(self, timeout: float = 60.0) -> None:
        if not self.config_path.exists():
            self.generate()
        else:
            config = yaml.safe_load(self.config_path.read_text())
            self.secret = str(config["registration_shared_secret"])
        log = (self.directory / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HomeserverError(
                    f"Synapse s'est arrêté au démarrage (code {self.process.returncode}) : "
                    f"voir {self.directory / 'stdout.log'}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=1):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise HomeserverError(f"Synapse n'a pas répondu en {timeout:.0f} s")

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def register(self, localpart: str, password: str, admin: bool = False) -> Registered:
        """Create a user through the shared-secret admin API."""
        nonce = self._request("GET", "/_synapse/admin/v1/register")["nonce"]
        digest = _mac(self.secret, nonce, localpart, password, admin)
        out = self._request(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": digest,
            },
        )
        return Registered(out["user_id"], password, out["access_token"], out["device_id"])


def _mac(secret: str, nonce: str, user: str, password: str, admin: bool) -> str:
    msg = b"\x00".join(
        [nonce.encode(), user.encode(), password.encode(), b"admin" if admin else b"notadmin"]
    )
    return hmac.new(secret.encode(), msg, hashlib.sha1).hexdigest()
