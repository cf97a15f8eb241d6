"""`make run` with no config: a throwaway Synapse, the bot, and a terminal chat in an encrypted DM.

Everything typed goes through the real homeserver, encrypted, to the real bot; the answer is
printed as plain text. End of input stops everything that was started.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    MatrixRoom,
    RoomMessageNotice,
    RoomSendResponse,
    TypingNoticeEvent,
)

from bot.matrix.runner import READY
from bot.tools.homeserver import Homeserver, Registered

ANSWER_TIMEOUT_S = 60.0
ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


def write_bot_config(
    path: Path, homeserver: str, bot: Registered, data_dir: Path, extra: str = ""
) -> None:
    path.write_text(
        "[matrix]\n"
        f'homeserver = "{homeserver}"\n'
        f'user_id = "{bot.user_id}"\n'
        f'password = "{bot.password}"\n'
        "\n[bot]\n"
        f'data_dir = "{data_dir}"\n'
        'allowed_servers = ["localhost"]\n' + extra,
        encoding="utf-8",
    )
    path.chmod(0o600)


def start_bot(config: Path, log_path: Path, timeout: float = 120.0) -> subprocess.Popen[str]:
    """Start `repere run` and wait for its ready line."""
    log = log_path.open("a")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(config), "run"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if READY not in line:
        proc.kill()
        raise RuntimeError(f"le robot n'a pas démarré : voir {log_path}")
    return proc


def stop_process(proc: subprocess.Popen[str], timeout: float = 15.0) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    return proc.returncode


class ChatUser:
    """A real encrypted client, for the demo and for the integration tests."""

    def __init__(self, homeserver: str, user: Registered, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        self.user = user
        self.client = AsyncClient(
            homeserver,
            user.user_id,
            store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=True, max_timeout_retry_wait_time=2),
        )
        self.replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.notices: list[dict[str, Any]] = []
        self.typing_seen: set[str] = set()
        self._sync: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.client.restore_login(self.user.user_id, self.user.device_id, self.user.access_token)
        self.client.add_event_callback(self._on_notice, RoomMessageNotice)
        self.client.add_ephemeral_callback(self._on_typing, TypingNoticeEvent)
        await self.client.sync(timeout=0, full_state=True)
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        self._sync = asyncio.create_task(self.client.sync_forever(timeout=10_000))

    async def stop(self) -> None:
        if self._sync is not None:
            self._sync.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._sync
        await self.client.close()

    async def _on_typing(self, room: MatrixRoom, event: TypingNoticeEvent) -> None:
        self.typing_seen.update(event.users)

    async def _on_notice(self, room: MatrixRoom, event: RoomMessageNotice) -> None:
        content = event.source.get("content", {})
        notice = {
            "room_id": room.room_id,
            "event_id": event.event_id,
            "sender": event.sender,
            "encrypted": event.decrypted,
            **content,
        }
        self.notices.append(notice)
        rel = content.get("m.relates_to", {})
        target = rel.get("m.in_reply_to", {}).get("event_id")
        fut = self.replies.get(target) if target else None
        if fut is not None and not fut.done():
            fut.set_result(notice)

    async def open_dm(self, bot_user_id: str, timeout: float = 60.0) -> str:
        resp = await self.client.room_create(
            is_direct=True, invite=[bot_user_id], initial_state=[ENCRYPTION]
        )
        room_id: str = resp.room_id
        await self.wait_member(room_id, bot_user_id, timeout)
        return room_id

    async def wait_member(self, room_id: str, user_id: str, timeout: float = 60.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            room = self.client.rooms.get(room_id)
            if room is not None and user_id in room.users and user_id not in room.invited_users:
                return
            await asyncio.sleep(0.2)
        raise TimeoutError("le robot n'a pas rejoint le salon")

    async def send(self, room_id: str, body: str, extra: dict[str, Any] | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": body, **(extra or {})}
        resp = await self.client.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        if not isinstance(resp, RoomSendResponse):
            raise RuntimeError(f"envoi refusé : {resp}")
        self.replies[resp.event_id] = asyncio.get_running_loop().create_future()
        return resp.event_id

    async def reply_to(self, event_id: str, timeout: float = ANSWER_TIMEOUT_S) -> dict[str, Any]:
        fut = self.replies.setdefault(event_id, asyncio.get_running_loop().create_future())
        return await asyncio.wait_for(asyncio.shield(fut), timeout)

    async def ask(
        self, room_id: str, body: str, timeout: float = ANSWER_TIMEOUT_S
    ) -> dict[str, Any]:
        return await self.reply_to(await self.send(room_id, body), timeout)


async def _chat(homeserver: str, demo: Registered, bot_user_id: str, store: Path) -> None:
    user = ChatUser(homeserver, demo, store)
    await user.start()
    try:
        room_id = await user.open_dm(bot_user_id)
        interactive = sys.stdin.isatty()
        if interactive:
            print(
                "Salon chiffré ouvert avec Repère. Posez votre question (Ctrl-D pour quitter).\n",
                flush=True,
            )
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                print("Vous > ", end="", flush=True)
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            question = line.strip()
            if not question:
                continue
            try:
                reply = await user.ask(room_id, question)
            except TimeoutError:
                print("(pas de réponse du robot dans le délai)", flush=True)
                continue
            print(f"\nRepère > {reply.get('body', '')}\n", flush=True)
    finally:
        await user.stop()


@dataclass
class LocalStack:
    """A throwaway Synapse with the bot running on it, and accounts for the people."""

    root: Path
    homeserver: Homeserver
    bot: Registered
    users: list[Registered]
    bot_process: subprocess.Popen[str]


@contextlib.contextmanager
def local_stack(prefix: str, users: list[str], bot_extra: str = "") -> Iterator[LocalStack]:
    """Start Synapse and `repere run` in a temp dir; stop both and delete it on exit."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        root = Path(tmp)
        hs = Homeserver(root / "synapse")
        hs.start()
        proc: subprocess.Popen[str] | None = None
        try:
            bot = hs.register("repere", secrets.token_urlsafe(16))
            accounts = [hs.register(name, secrets.token_urlsafe(16)) for name in users]
            config = root / "config.toml"
            write_bot_config(config, hs.url, bot, root / "data", bot_extra)
            proc = start_bot(config, root / "bot.log")
            yield LocalStack(root, hs, bot, accounts, proc)
        finally:
            if proc is not None:
                stop_process(proc)
            hs.stop()


def run_demo() -> int:
    print("Démarrage d'un serveur Matrix local (Synapse) et du robot…", file=sys.stderr, flush=True)
    with local_stack("repere-demo-", ["demo"]) as stack:
        demo = stack.users[0]
        asyncio.run(
            _chat(stack.homeserver.url, demo, stack.bot.user_id, stack.root / "demo-crypto")
        )
    return 0
