"""The Matrix shell around the policy: events in, the policy's decisions carried out.

Data flows one way: event -> `Incoming` (events.py) -> `Decision` (bot.conversation) ->
send, count, redact (here). Login is in session.py, the sync loop in sync.py, sending in
sender.py, rooms and power levels in rooms.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from dataclasses import replace as dataclasses_replace
from pathlib import Path

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    MatrixRoom,
    MegolmEvent,
    ReactionEvent,
    RoomMemberEvent,
    RoomMessage,
)
from nio.exceptions import EncryptionError, LocalProtocolError
from watchfiles import awatch

from bot.config import Config, MatrixSettings
from bot.conversation import policy
from bot.conversation.bounded import BoundedDict
from bot.conversation.incoming import Identity
from bot.conversation.reports import describe_reload
from bot.conversation.state import SEEN_CACHE, ConversationState
from bot.engine.answer import Engine
from bot.engine.reload import EngineHolder
from bot.matrix.command_runner import ChatCommands
from bot.matrix.content import thread_root
from bot.matrix.crosssign import CrossSigningError, ensure_cross_signing
from bot.matrix.events import to_incoming, to_reaction
from bot.matrix.execute import Executor, GuidanceCache
from bot.matrix.rooms import Rooms, is_direct
from bot.matrix.sender import Sender
from bot.matrix.session import log_in
from bot.matrix.sync import HandlerTasks, key_housekeeping, sync_until_stopped
from bot.storage.store import Store

log = logging.getLogger("repere.matrix")


class ReplyBot:
    def __init__(
        self, config: Config, matrix: MatrixSettings, data_dir: Path, engine: Engine, store: Store
    ) -> None:
        self.config, self.matrix, self.data_dir, self.store = config, matrix, data_dir, store
        self.settings = config.bot
        self.holder = EngineHolder(engine, config.knowledge_dir)
        self.chat = ChatCommands(config, self.holder, store)
        (data_dir / "crypto").mkdir(parents=True, exist_ok=True, mode=0o700)
        self.client = AsyncClient(
            matrix.homeserver,
            matrix.user_id,
            store_path=str(data_dir / "crypto"),
            config=AsyncClientConfig(
                encryption_enabled=True,
                store_sync_tokens=False,
                # nio retries a failed request after up to this long; answers resume only then.
                max_timeout_retry_wait_time=2.0,
                request_timeout=45,
            ),
        )
        self.started_at = time.time()
        self.first_start = False
        self.stopping = asyncio.Event()
        self.state = ConversationState.new(config.bot.rate_limit_per_minute)
        self.tasks = HandlerTasks()
        self.sender = Sender(self.client, store, config.bot.catch_up_minutes, self.stopping)
        allowed = config.bot.allowed_servers or (matrix.server_name,)
        self.rooms = Rooms(self.client, allowed)
        self.guidance = GuidanceCache(store)
        self.executor = Executor(
            self.client, self.sender, self.chat, self.state, self.guidance, self.tasks, store,
            config.bot.typing_delay_seconds,
        )  # fmt: skip
        self.identity = Identity(matrix.user_id)
        self._seen: BoundedDict[str, None] = BoundedDict(SEEN_CACHE)
        self._last_purge = 0.0
        self._watcher: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def setup(self) -> None:
        await log_in(self.client, self.matrix, self.data_dir)
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        try:
            await ensure_cross_signing(
                self.matrix.homeserver,
                self.matrix.user_id,
                str(self.client.device_id),
                str(self.client.access_token),
                self.matrix.password,
                self.data_dir / "crypto" / "cross_signing_keys.json",
            )
        except CrossSigningError as exc:
            # Still usable: clients show the device as unverified until this succeeds.
            log.warning("cross-signing not done: %s", exc)
        profile = await self.client.get_displayname(self.matrix.user_id)
        self.identity = Identity(self.matrix.user_id, getattr(profile, "displayname", None))
        self.first_start = await self.store.get_meta("sync_token") is None
        # Watching starts before the bot reports ready, so no edit made after that is missed.
        self._watcher = asyncio.create_task(self._watch_knowledge())
        self._watcher.add_done_callback(_watcher_done)
        for cls, cb in (
            (RoomMessage, self._on_message),
            (MegolmEvent, self._on_undecryptable),
            (InviteMemberEvent, self._on_invite),
            (RoomMemberEvent, self._on_member),
            (ReactionEvent, self._on_reaction),
        ):
            self.client.add_event_callback(cb, cls)

    async def run(self) -> None:
        """Sync until `stop()`; then finish in-flight answers and save the position."""
        await sync_until_stopped(
            self.client, self.store, self.tasks, self.stopping, self._housekeeping
        )
        if self._watcher is not None:
            self._watcher.cancel()

    def stop(self) -> None:
        self.stopping.set()

    async def _housekeeping(self) -> None:
        await key_housekeeping(self.client)
        self.state.limiter.forget_idle(time.time())
        if time.time() - self._last_purge > 3600:
            self._last_purge = time.time()
            await self.store.purge(self.config.privacy.retention_days)

    async def _watch_knowledge(self) -> None:
        """Reload on any change under knowledge/; a broken edit keeps the old base serving."""
        async for _changes in awatch(self.holder.knowledge_dir, stop_event=self.stopping):
            result = self.holder.reload()
            log.info("knowledge reload: %s", "ok" if not self.holder.errors else "refused")
            room = self.config.bot.admin_room
            if room and room in self.client.rooms:
                text = "Modification de knowledge/ détectée. " + describe_reload(result)
                with contextlib.suppress(Exception):
                    await self.sender.notice(room, text)

    # --- filters and event callbacks (quick; the work goes to a task) -----------------------

    def _first_time(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        return True

    def _fresh(self, server_ts_ms: int) -> bool:
        """Young enough to answer: never history on a first start, else within catch-up."""
        ts = server_ts_ms / 1000
        if self.first_start and ts < self.started_at - 2:
            return False
        return time.time() - ts <= self.settings.catch_up_minutes * 60

    async def _on_message(self, room: MatrixRoom, event: RoomMessage) -> None:
        incoming = to_incoming(room, event, self.identity)
        if incoming is None or not policy.answerable(incoming, self.identity):
            return
        if not self._first_time(event.event_id) or not self._fresh(event.server_timestamp):
            return
        self.tasks.spawn(self._handle_message(room, event))

    async def _on_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        if event.sender == self.client.user_id:
            return
        if not self._first_time(event.event_id) or not self._fresh(event.server_timestamp):
            return
        self.tasks.spawn(self._handle_undecryptable(room, event))

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key != self.client.user_id or event.membership != "invite":
            return
        if room.room_id in self.rooms.invites_handled:
            return
        self.rooms.invites_handled.add(room.room_id)
        self.tasks.spawn(self.rooms.handle_invite(room.room_id, event.sender))

    async def _on_member(self, room: MatrixRoom, event: RoomMemberEvent) -> None:
        if event.membership in ("leave", "ban") and event.state_key != self.client.user_id:
            others = [u for u in room.users if u != self.client.user_id]
            if not others and room.room_id in self.client.rooms:
                self.tasks.spawn(self.rooms.leave(room.room_id))

    async def _on_reaction(self, room: MatrixRoom, event: ReactionEvent) -> None:
        if self._first_time(event.event_id):
            self.tasks.spawn(self._handle_reaction(room, event))

    # --- handlers --------------------------------------------------------------------------

    async def _context(self) -> policy.Context:
        return policy.Context(
            engine=self.holder.engine,
            renderer=self.holder.renderer,
            identity=self.identity,
            bot=self.settings,
            privacy=self.config.privacy,
            roles=self.config.roles,
            now=time.time(),
            today=dt.date.today(),
            guidance=await self.guidance.rows(),
        )

    async def _handle_message(self, room: MatrixRoom, event: RoomMessage) -> None:
        incoming = to_incoming(room, event, self.identity)
        if incoming is None or await self.store.was_answered(event.event_id):
            return
        if policy.wants_power_level(incoming.body):
            level = await self.rooms.power_level(room, incoming.sender)
            incoming = dataclasses_replace(incoming, power_level=level)
        decision = policy.on_message(incoming, await self._context(), self.state)
        await self.executor.run(room, decision)

    async def _handle_reaction(self, room: MatrixRoom, event: ReactionEvent) -> None:
        decision = policy.on_reaction(to_reaction(room, event), await self._context(), self.state)
        await self.executor.run(room, decision)

    async def _handle_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        if await self.store.was_answered(event.event_id):
            return
        # LocalProtocolError: the key for this session was already requested.
        with contextlib.suppress(LocalProtocolError):
            await self.client.request_room_key(event)
        deadline = time.monotonic() + self.settings.decrypt_grace_seconds
        while time.monotonic() < deadline and not self.stopping.is_set():
            await asyncio.sleep(1.0)
            try:
                decrypted = self.client.decrypt_event(event)
            except EncryptionError:
                continue
            if isinstance(decrypted, RoomMessage):
                await self._handle_message(room, decrypted)
            return
        if not self._fresh(event.server_timestamp):
            return
        root = thread_root(event.source.get("content", {}))
        decision = policy.undecryptable(event.event_id, event.sender, is_direct(room), root)
        await self.executor.run(room, decision)


def _watcher_done(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("knowledge watcher stopped: %s", type(task.exception()).__name__)
