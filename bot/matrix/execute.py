"""Carrying out the policy's decisions: reply (running a stored command first if asked),
remember what needs the reply's event id, count, record, redact. Nothing is decided here."""

from __future__ import annotations

import asyncio
import logging
import time

from nio import AsyncClient, MatrixRoom, RoomRedactResponse

from bot.conversation.decision import Decision
from bot.conversation.records import GuidanceRow
from bot.conversation.state import ConversationState
from bot.conversation.texts import REDACTED, text_reply
from bot.matrix.command_runner import ChatCommands
from bot.matrix.content import notice_content, reply_content
from bot.matrix.sender import Sender
from bot.matrix.sync import HandlerTasks
from bot.storage.store import Store

log = logging.getLogger("repere.matrix")

# Guidance posted from another process (`repere guidance add`) or expiring shows within this.
GUIDANCE_TTL_S = 30.0


class GuidanceCache:
    """Guidance rows, re-read at most every GUIDANCE_TTL_S or right after a change here."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: tuple[float, tuple[GuidanceRow, ...]] | None = None

    async def rows(self) -> tuple[GuidanceRow, ...]:
        now = time.monotonic()
        if self._cache is None or now - self._cache[0] > GUIDANCE_TTL_S:
            self._cache = (now, tuple(await self.store.active_guidance()))
        return self._cache[1]

    def forget(self) -> None:
        self._cache = None


class Executor:
    def __init__(
        self,
        client: AsyncClient,
        sender: Sender,
        chat: ChatCommands,
        state: ConversationState,
        guidance: GuidanceCache,
        tasks: HandlerTasks,
        store: Store,
        typing_delay: float,
    ) -> None:
        self.client, self.sender, self.chat, self.state = client, sender, chat, state
        self.guidance, self.tasks, self.store = guidance, tasks, store
        self.typing_delay = typing_delay

    async def run(self, room: MatrixRoom, decision: Decision) -> None:
        """Carry out a decision in a fixed order: reply, remember, count, record, redact."""
        started = time.perf_counter()
        sent = None
        if decision.to is not None:
            sent = await self._reply(room.room_id, decision)
        if decision.guidance_changed:
            self.guidance.forget()
        if sent is not None and decision.on_sent is not None:
            on_sent = decision.on_sent
            self.state.after_sent(sent, on_sent.pending, on_sent.answer_entry, on_sent.last_answer)
        if decision.count is not None:
            await self.store.count_answer(decision.count.entry_id, decision.count.status)
        if decision.vote is not None:
            await self.store.count_feedback(decision.vote.entry_id, decision.vote.up)
        if decision.unanswered is not None:
            await self.store.record_unanswered(decision.unanswered)
        if decision.redact is not None:
            await self._redact(room, decision.redact)
        if decision.log:
            log.info("%s ms=%.0f", decision.log, (time.perf_counter() - started) * 1000)

    async def _reply(self, room_id: str, decision: Decision) -> str | None:
        to = decision.to
        assert to is not None
        # Shown only if composing is slow: an instant answer needs no typing notice, and the
        # request would otherwise compete with the answer for the connection.
        typing_started = asyncio.Event()
        typing = None
        if decision.typing:
            typing = asyncio.ensure_future(
                self.sender.typing_after(room_id, self.typing_delay, typing_started)
            )
        reply = decision.reply
        if decision.action is not None:
            reply = text_reply(await self.chat.run(decision.action))
        assert reply is not None
        content = reply_content(
            reply, to.in_reply_to, direct=to.direct, root=to.root, sender=to.sender
        )
        sent = await self.sender.reply(room_id, to.in_reply_to, content)
        if typing is not None:
            if typing_started.is_set():
                self.tasks.spawn(self.sender.typing_off_after(typing, room_id))
            else:
                typing.cancel()
        return sent

    async def _redact(self, room: MatrixRoom, event_id: str) -> None:
        me = str(self.client.user_id)
        if not room.power_levels.can_user_redact(me):
            return
        resp = await self.client.room_redact(room.room_id, event_id, reason="données personnelles")
        if isinstance(resp, RoomRedactResponse):
            await self.client.room_send(
                room.room_id,
                "m.room.message",
                notice_content(REDACTED),
                ignore_unverified_devices=True,
            )
