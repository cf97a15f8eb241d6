"""Sending: replies with a transaction id derived from the question, notices, typing."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from typing import Any

from nio import AsyncClient, RoomSendResponse
from nio.exceptions import LocalProtocolError

from bot.matrix.content import notice_content
from bot.storage.store import Store, event_hash

log = logging.getLogger("repere.matrix")

SEND_TIMEOUT_S = 10.0


def txn_id(event_id: str, kind: str = "reply") -> str:
    """Same question, same transaction id: a resend after a crash is dropped by the homeserver."""
    return f"repere-{kind}-{hashlib.sha256(event_id.encode()).hexdigest()[:40]}"


class Sender:
    def __init__(
        self,
        client: AsyncClient,
        store: Store,
        catch_up_minutes: float,
        stopping: asyncio.Event,
    ) -> None:
        self.client = client
        self.store = store
        self.catch_up_minutes = catch_up_minutes
        self.stopping = stopping

    async def reply(
        self, room_id: str, question_event_id: str, content: dict[str, Any]
    ) -> str | None:
        """Send, retrying through outages; the question is marked answered once it is sent."""
        txn = txn_id(question_event_id)
        deadline = time.time() + max(self.catch_up_minutes * 60, 60)
        attempt = 0
        while time.time() < deadline:
            attempt += 1
            try:
                resp = await asyncio.wait_for(
                    self.client.room_send(
                        room_id,
                        "m.room.message",
                        content,
                        tx_id=txn,
                        ignore_unverified_devices=True,
                    ),
                    SEND_TIMEOUT_S,
                )
            except (TimeoutError, OSError) as exc:
                log.warning("send attempt %d failed (%s)", attempt, type(exc).__name__)
            except LocalProtocolError:
                log.warning("send failed: room unknown to the client")
                return None
            else:
                if isinstance(resp, RoomSendResponse):
                    await self.store.mark_answered(question_event_id)
                    log.debug("sent reply to %s", event_hash(question_event_id)[:12])
                    return resp.event_id
                log.warning(
                    "send attempt %d refused (%s)", attempt, getattr(resp, "status_code", "?")
                )
            if self.stopping.is_set() and attempt >= 3:
                return None
            await asyncio.sleep(min(2.0, 0.25 * attempt))
        return None

    async def notice(self, room_id: str, text: str, html: str | None = None) -> None:
        await self.client.room_send(
            room_id, "m.room.message", notice_content(text, html), ignore_unverified_devices=True
        )

    async def typing_after(self, room_id: str, delay: float, started: asyncio.Event) -> None:
        await asyncio.sleep(delay)
        started.set()
        await self.typing(room_id, True)

    async def typing_off_after(self, typing_on: asyncio.Future[None], room_id: str) -> None:
        with contextlib.suppress(Exception):
            await typing_on
        await self.typing(room_id, False)

    async def typing(self, room_id: str, on: bool) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.room_typing(room_id, on, timeout=10_000), 2.0)
