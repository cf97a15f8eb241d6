"""The Matrix shell around the engine: login, sync, rooms, commands, replies.

Data flows one way: event -> question -> engine -> answer -> template -> send. Each event is
handled in its own task so a slow handler never stalls the sync; the sync position is saved
only once every event of a batch has been handled, so a crash re-delivers, never loses, and
the `answered` markers plus send transaction ids derived from the question make sure nothing
is answered twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    JoinError,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    ReactionEvent,
    RoomMemberEvent,
    RoomMessage,
    RoomMessageNotice,
    RoomMessageText,
    RoomRedactResponse,
    RoomSendResponse,
    SyncError,
    SyncResponse,
    WhoamiResponse,
)
from nio.exceptions import EncryptionError, LocalProtocolError
from watchfiles import awatch

from bot.bounded import BoundedDict
from bot.chat import Caller, ChatCommands, describe_reload, text_reply
from bot.commands import Command, parse_choice, parse_command
from bot.config import Config, MatrixSettings
from bot.crosssign import CrossSigningError, ensure_cross_signing
from bot.engine import ANSWERED, CLARIFY, NO_MATCH, Answer, Engine
from bot.guidance import guidance_for
from bot.messages import (
    is_edit,
    mentions_user,
    notice_content,
    reply_content,
    strip_mention,
    thread_root,
)
from bot.ratelimit import RateLimiter
from bot.reload import EngineHolder
from bot.render import Reply
from bot.store import GuidanceRow, Store, event_hash

log = logging.getLogger("repere.matrix")

SYNC_FILTER = {"room": {"timeline": {"limit": 50}, "state": {"lazy_load_members": False}}}
SEND_TIMEOUT_S = 10.0
SYNC_LONGPOLL_MS = 30_000
SHUTDOWN_GRACE_S = 8.0
SEEN_CACHE = 5000
FEEDBACK = {"👍": True, "👎": False}
# Guidance posted from another process (`repere guidance add`) or expiring shows within this.
GUIDANCE_TTL_S = 30.0


def restrict_to_owner(folder: Path) -> None:
    """Every file under folder 0600, every folder 0700 (SQLite journals inherit the file's mode)."""
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def _txn_id(event_id: str, kind: str = "reply") -> str:
    """Same question, same transaction id: a resend after a crash is dropped by the homeserver."""
    return f"repere-{kind}-{hashlib.sha256(event_id.encode()).hexdigest()[:40]}"


@dataclass
class Pending:
    """A clarification waiting for the user's choice (memory only)."""

    candidates: tuple[str, ...]
    question_event_id: str
    direct: bool
    root: str | None
    asked_at: float


class ReplyBot:
    def __init__(
        self,
        config: Config,
        matrix: MatrixSettings,
        data_dir: Path,
        engine: Engine,
        store: Store,
    ) -> None:
        self.config = config
        self.matrix = matrix
        self.data_dir = data_dir
        self.holder = EngineHolder(engine, config.knowledge_dir)
        self.chat = ChatCommands(config, self.holder, store)
        self.store = store
        self.settings = config.bot
        crypto = data_dir / "crypto"
        crypto.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.client = AsyncClient(
            matrix.homeserver,
            matrix.user_id,
            store_path=str(crypto),
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
        self.limiter = RateLimiter(config.bot.rate_limit_per_minute)
        self.stopping = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._batch: list[asyncio.Task[None]] = []
        self._commits: asyncio.Queue[tuple[str, list[asyncio.Task[None]]]] = asyncio.Queue()
        self._seen: BoundedDict[str, None] = BoundedDict(SEEN_CACHE)
        # Memory only, each bounded: a long-running bot in many rooms keeps a flat footprint.
        self._pending: BoundedDict[tuple[str, str | None, str], Pending] = BoundedDict(SEEN_CACHE)
        self._pending_by_notice: BoundedDict[str, tuple[str, str | None, str]] = BoundedDict(
            SEEN_CACHE
        )
        self._last_trace: BoundedDict[tuple[str, str | None], tuple[str, ...]] = BoundedDict(
            SEEN_CACHE
        )
        self._invites_handled: set[str] = set()
        # Feedback: which entry each answer showed, and who already voted (memory only).
        self._answer_entry: BoundedDict[str, str] = BoundedDict(SEEN_CACHE)
        self._votes: BoundedDict[tuple[str, str], None] = BoundedDict(SEEN_CACHE * 4)
        self._last_purge = 0.0
        self._room_creators: dict[str, frozenset[str]] = {}
        self._watcher: asyncio.Task[None] | None = None
        self._guidance_cache: tuple[float, list[GuidanceRow]] | None = None
        self.display_name: str | None = None

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def credentials_path(self) -> Path:
        # Beside nio's store: crypto/ is the only place that holds a Matrix user ID.
        return self.data_dir / "crypto" / "credentials.json"

    async def login(self) -> None:
        """Restore the saved session, or log in once and save it (0600): one device, always."""
        await self._login()
        # nio creates its store file with the process umask (0644); it holds user ids and keys.
        restrict_to_owner(self.data_dir / "crypto")

    async def _login(self) -> None:
        creds = self.credentials_path
        if creds.exists():
            saved = json.loads(creds.read_text())
            if saved.get("user_id") != self.matrix.user_id:
                raise RuntimeError(
                    f"{creds} appartient à un autre compte : supprimez data_dir ou corrigez user_id"
                )
            self.client.restore_login(saved["user_id"], saved["device_id"], saved["access_token"])
            return
        if self.matrix.access_token:
            self.client.access_token = self.matrix.access_token
            who = await self.client.whoami()
            if not isinstance(who, WhoamiResponse) or not who.device_id:
                raise RuntimeError("le jeton d'accès (access_token) est refusé par le serveur")
            self.client.restore_login(who.user_id, who.device_id, self.matrix.access_token)
        else:
            resp = await self.client.login(
                self.matrix.password, device_name=self.matrix.device_name
            )
            if not isinstance(resp, LoginResponse):
                raise RuntimeError(
                    f"connexion refusée par le serveur : {getattr(resp, 'status_code', '')}"
                )
        payload = json.dumps(
            {
                "homeserver": self.matrix.homeserver,
                "user_id": self.client.user_id,
                "device_id": self.client.device_id,
                "access_token": self.client.access_token,
            }
        )
        fd = os.open(creds, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(payload)

    async def setup(self) -> None:
        await self.login()
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
        self.display_name = getattr(profile, "displayname", None)
        self.first_start = await self.store.get_meta("sync_token") is None
        # Watching starts before the bot reports ready, so no edit made after that is missed.
        self._watcher = asyncio.create_task(self._watch_knowledge())
        self._watcher.add_done_callback(self._watcher_done)
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
        committer = asyncio.create_task(self._committer())
        token = await self.store.get_meta("sync_token")
        first = True
        failures = 0
        while not self.stopping.is_set():
            try:
                sync = asyncio.ensure_future(
                    self.client.sync(
                        timeout=0 if first else SYNC_LONGPOLL_MS,
                        sync_filter=SYNC_FILTER,
                        since=self.client.next_batch or token,
                        full_state=True if first else None,
                    )
                )
                stop = asyncio.ensure_future(self.stopping.wait())
                done, _ = await asyncio.wait(
                    {sync, stop},
                    timeout=SYNC_LONGPOLL_MS / 1000 + 20,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                stop.cancel()
                if sync not in done:
                    sync.cancel()
                    continue
                resp = sync.result()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                log.warning("sync failed (%s), retry %d", type(exc).__name__, failures)
                await asyncio.sleep(min(2.0, 0.2 * failures))
                continue
            if isinstance(resp, SyncError) or not isinstance(resp, SyncResponse):
                failures += 1
                await asyncio.sleep(min(2.0, 0.2 * failures))
                continue
            failures = 0
            first = False
            batch, self._batch = self._batch, []
            self._commits.put_nowait((resp.next_batch, batch))
            await self._housekeeping()
        if self._watcher is not None:
            self._watcher.cancel()
        await self._shutdown(committer)

    async def _housekeeping(self) -> None:
        try:
            if self.client.outgoing_to_device_messages:
                await asyncio.wait_for(self.client.send_to_device_messages(), SEND_TIMEOUT_S)
            if self.client.should_upload_keys:
                await asyncio.wait_for(self.client.keys_upload(), SEND_TIMEOUT_S)
            if self.client.should_query_keys:
                await asyncio.wait_for(self.client.keys_query(), SEND_TIMEOUT_S)
            if self.client.should_claim_keys:
                users = self.client.get_users_for_key_claiming()
                await asyncio.wait_for(self.client.keys_claim(users), SEND_TIMEOUT_S)
        except (TimeoutError, LocalProtocolError) as exc:
            log.warning("key housekeeping postponed (%s)", type(exc).__name__)
        self.limiter.forget_idle(time.time())
        if time.time() - self._last_purge > 3600:
            self._last_purge = time.time()
            await self.store.purge(self.config.privacy.retention_days)

    async def _committer(self) -> None:
        while True:
            token, tasks = await self._commits.get()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            await self.store.set_meta("sync_token", token)
            self._commits.task_done()

    def stop(self) -> None:
        self.stopping.set()

    def _watcher_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("knowledge watcher stopped: %s", type(task.exception()).__name__)

    async def _watch_knowledge(self) -> None:
        """Reload on any change under knowledge/; a broken edit keeps the old base serving."""
        async for _changes in awatch(self.holder.knowledge_dir, stop_event=self.stopping):
            result = self.holder.reload()
            log.info("knowledge reload: %s", "ok" if not self.holder.errors else "refused")
            room = self.config.bot.admin_room
            if room and room in self.client.rooms:
                text = "Modification de knowledge/ détectée. " + describe_reload(result)
                with contextlib.suppress(Exception):
                    await self.send_notice(room, text)

    async def _shutdown(self, committer: asyncio.Task[None]) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._commits.join(), 1.0)
        committer.cancel()
        await self.client.close()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        self._batch.append(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("handler failed: %s", type(task.exception()).__name__)

    # --- filters ---------------------------------------------------------------------------

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

    def is_direct(self, room: MatrixRoom) -> bool:
        # Tchap direct rooms have exactly two members, joined or invited.
        return len(room.users) == 2

    # --- event callbacks (quick; the work goes to a task) -----------------------------------

    async def _on_message(self, room: MatrixRoom, event: RoomMessage) -> None:
        if event.sender == self.client.user_id or isinstance(event, RoomMessageNotice):
            return
        if not self._first_time(event.event_id) or not self._fresh(event.server_timestamp):
            return
        self._spawn(self._handle_message(room, event))

    async def _on_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        if event.sender == self.client.user_id:
            return
        if not self._first_time(event.event_id) or not self._fresh(event.server_timestamp):
            return
        self._spawn(self._handle_undecryptable(room, event))

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key != self.client.user_id or event.membership != "invite":
            return
        if room.room_id in self._invites_handled:
            return
        self._invites_handled.add(room.room_id)
        self._spawn(self._handle_invite(room.room_id, event.sender))

    async def _on_member(self, room: MatrixRoom, event: RoomMemberEvent) -> None:
        if event.membership in ("leave", "ban") and event.state_key != self.client.user_id:
            others = [u for u in room.users if u != self.client.user_id]
            if not others and room.room_id in self.client.rooms:
                self._spawn(self._leave(room.room_id))

    async def _on_reaction(self, room: MatrixRoom, event: ReactionEvent) -> None:
        vote = FEEDBACK.get(event.key.replace("\ufe0f", ""))
        entry_id = self._answer_entry.get(event.reacts_to)
        if vote is not None and entry_id is not None:
            ballot = (event.reacts_to, event.sender)
            if ballot not in self._votes and self._first_time(event.event_id):
                self._votes[ballot] = None
                self._spawn(self.store.count_feedback(entry_id, vote))
            return
        key = self._pending_by_notice.get(event.reacts_to)
        if key is None or event.sender != key[2] or not self._first_time(event.event_id):
            return
        pending = self._pending.get(key)
        choice = parse_choice(event.key, len(pending.candidates)) if pending else None
        if pending is not None and choice is not None:
            self._spawn(self._answer_choice(room, event.event_id, key, pending, choice))

    # --- handlers --------------------------------------------------------------------------

    async def _handle_invite(self, room_id: str, inviter: str) -> None:
        server = inviter.split(":", 1)[-1]
        allowed = self.settings.allowed_servers or (self.matrix.server_name,)
        if server in allowed:
            resp = await self.client.join(room_id)
            log.info("joined a room" if not isinstance(resp, JoinError) else "join failed")
        else:
            await self.client.room_leave(room_id)
            log.info("declined an invite from a server not allowed")

    async def _leave(self, room_id: str) -> None:
        await self.client.room_leave(room_id)
        log.info("left a room where the bot was alone")

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
        direct = self.is_direct(room)
        text = (
            "Je n'ai pas pu lire votre message : il est chiffré et la clé ne m'est pas parvenue. "
            "Pouvez-vous le renvoyer ?"
        )
        content = reply_content(
            text_reply(text), event.event_id, direct=direct,
            root=thread_root(event.source.get("content", {})), sender=event.sender,
        )  # fmt: skip
        await self._send(room.room_id, event.event_id, content)

    async def _handle_message(self, room: MatrixRoom, event: RoomMessage) -> None:
        content = event.source.get("content", {})
        if not isinstance(content, dict) or is_edit(content):
            return
        body = content.get("body")
        if not isinstance(event, RoomMessageText) or not isinstance(body, str):
            return
        if await self.store.was_answered(event.event_id):
            return
        body = body[: self.settings.max_message_chars]
        direct = self.is_direct(room)
        root = thread_root(content)
        sender = event.sender
        thread_key = root if (root or not direct) else None
        pending_key = (room.room_id, thread_key, sender)
        pending = self._pending.get(pending_key)
        command = parse_command(body)
        addressed = (
            direct
            or command is not None
            or self.settings.respond_in_groups == "all"
            or mentions_user(content, self.matrix.user_id, self.display_name)
            or pending is not None
        )
        if not addressed:
            return
        now = time.time()
        if not self.limiter.allow(sender, now):
            if self.limiter.should_warn(sender, now):
                text = "Vous envoyez beaucoup de messages : je reprendrai dans une minute."
                await self._send(
                    room.room_id, event.event_id,
                    reply_content(text_reply(text), event.event_id, direct=direct, root=root, sender=sender),
                )  # fmt: skip
            log.info("rate limited")
            return
        question = strip_mention(body, self.matrix.user_id, self.display_name)
        if pending is not None and command is None:
            choice = parse_choice(question, len(pending.candidates))
            if choice is not None:
                await self._answer_choice(room, event.event_id, pending_key, pending, choice)
                return
        # Shown only if composing is slow: an instant answer needs no typing notice, and the
        # request would otherwise compete with the answer for the connection.
        typing_started = asyncio.Event()
        typing = asyncio.ensure_future(
            self._typing_after(room.room_id, self.settings.typing_delay_seconds, typing_started)
        )
        started = time.perf_counter()
        answer: Answer | None = None
        if command is not None:
            level = await self._power_level(room, sender) if command.name == "consigne" else 0
            caller = Caller(sender, room.room_id, direct, level)
            reply = await self.chat.handle(command, caller) or self._command_reply(
                command, room.room_id, thread_key
            )
        else:
            answer = self.holder.engine.answer(question)
            reply = await self._render(answer)
        sent = await self._send(
            room.room_id,
            event.event_id,
            reply_content(reply, event.event_id, direct=direct, root=root, sender=sender),
        )
        if typing_started.is_set():
            self._spawn(self._typing_off_after(typing, room.room_id))
        else:
            typing.cancel()
        if command is not None and command.name in ("consigne", "consignes"):
            self._guidance_cache = None
        if answer is not None:
            reply_root = root or (None if direct else event.event_id)
            key = reply_root if (reply_root or not direct) else None
            self._last_trace[(room.room_id, key)] = answer.trace
            if answer.status == CLARIFY and sent is not None:
                self._pending.pop(pending_key, None)
                new_key = (room.room_id, key, sender)
                self._pending[new_key] = Pending(
                    tuple(c.entry_id for c in answer.candidates),
                    event.event_id,
                    direct,
                    reply_root,
                    now,
                )
                self._pending_by_notice[sent] = new_key
            else:
                self._pending.pop(pending_key, None)
            await self._after_answer(room, event.event_id, answer, question, sent)
            log.info(
                "answered status=%s entry=%s escalate=%s ms=%.0f",
                answer.status, answer.entry_id, answer.escalate, (time.perf_counter() - started) * 1000,
            )  # fmt: skip

    async def _after_answer(
        self, room: MatrixRoom, question_id: str, answer: Answer, question: str, sent: str | None
    ) -> None:
        await self.store.count_answer(
            answer.entry_id if answer.status != NO_MATCH else None, answer.status
        )
        if answer.status == NO_MATCH and self.config.privacy.record_unanswered:
            scrub = getattr(self.holder.engine.scanner, "scrub", None)
            if scrub is not None:
                await self.store.record_unanswered(scrub(question))
        if sent is not None and answer.status == ANSWERED and answer.entry_id:
            self._answer_entry[sent] = answer.entry_id
        if answer.personal_data and self.config.privacy.redact_messages:
            await self._redact(room, question_id)

    async def _redact(self, room: MatrixRoom, event_id: str) -> None:
        me = str(self.client.user_id)
        if not room.power_levels.can_user_redact(me):
            return
        resp = await self.client.room_redact(room.room_id, event_id, reason="données personnelles")
        if isinstance(resp, RoomRedactResponse):
            text = (
                "J'ai masqué votre message parce qu'il contenait des données personnelles ; "
                "la réponse reste valable."
            )
            await self.client.room_send(
                room.room_id, "m.room.message", notice_content(text), ignore_unverified_devices=True
            )

    async def _answer_choice(
        self,
        room: MatrixRoom,
        trigger_event_id: str,
        key: tuple[str, str | None, str],
        pending: Pending,
        choice: int,
    ) -> None:
        entry_id = pending.candidates[choice - 1]
        answer = self.holder.engine.answer_entry(entry_id)
        reply = await self._render(answer)
        self._pending.pop(key, None)
        self._last_trace[(room.room_id, key[1])] = answer.trace
        await self.store.count_answer(entry_id, ANSWERED)
        await self._send(
            room.room_id,
            trigger_event_id,
            reply_content(
                reply, trigger_event_id, direct=pending.direct, root=pending.root, sender=key[2]
            ),
        )
        log.info("clarification answered entry=%s", entry_id)

    def _command_reply(self, command: Command, room_id: str, thread_key: str | None) -> Reply:
        renderer = self.holder.renderer
        if command.name == "sources":
            return renderer.render_sources(command.argument)
        if command.name == "pourquoi":
            return renderer.render_trace(self._last_trace.get((room_id, thread_key)))
        return renderer.render_help()

    async def _render(self, answer: Answer) -> Reply:
        """The answer with the service's guidance for its entry, if any."""
        guidance = []
        entry = self.holder.engine.kb.entries.get(answer.entry_id or "")
        if answer.status == ANSWERED and entry is not None:
            guidance = guidance_for(entry, await self._active_guidance())
        return self.holder.renderer.render(answer, guidance)

    async def _power_level(self, room: MatrixRoom, user_id: str) -> int:
        version = str(room.room_version or "")
        # From room version 12 (MSC4289) creators outrank everyone and are not listed in users.
        if (
            version.isdigit()
            and int(version) >= 12
            and user_id in await self._creators(room.room_id)
        ):
            return 1_000_000
        try:
            return int(room.power_levels.get_user_level(user_id))
        except (AttributeError, TypeError, ValueError):
            return 0

    async def _creators(self, room_id: str) -> frozenset[str]:
        if room_id not in self._room_creators:
            resp = await self.client.room_get_state(room_id)
            creators: set[str] = set()
            for event in getattr(resp, "events", []):
                if isinstance(event, dict) and event.get("type") == "m.room.create":
                    creators.add(str(event.get("sender")))
                    extra = event.get("content", {}).get("additional_creators", [])
                    creators.update(str(c) for c in extra if isinstance(c, str))
            self._room_creators[room_id] = frozenset(creators)
        return self._room_creators[room_id]

    # --- sending ---------------------------------------------------------------------------

    async def _typing_after(self, room_id: str, delay: float, started: asyncio.Event) -> None:
        await asyncio.sleep(delay)
        started.set()
        await self._typing(room_id, True)

    async def _typing_off_after(self, typing_on: asyncio.Future[None], room_id: str) -> None:
        with contextlib.suppress(Exception):
            await typing_on
        await self._typing(room_id, False)

    async def _active_guidance(self) -> list[GuidanceRow]:
        """Guidance rows, re-read at most every GUIDANCE_TTL_S or right after a change here."""
        now = time.monotonic()
        if self._guidance_cache is None or now - self._guidance_cache[0] > GUIDANCE_TTL_S:
            self._guidance_cache = (now, await self.store.active_guidance())
        return self._guidance_cache[1]

    async def _typing(self, room_id: str, on: bool) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.room_typing(room_id, on, timeout=10_000), 2.0)

    async def _send(
        self, room_id: str, question_event_id: str, content: dict[str, Any]
    ) -> str | None:
        """Send with a transaction id derived from the question, retrying through outages."""
        txn = _txn_id(question_event_id)
        deadline = time.time() + max(self.settings.catch_up_minutes * 60, 60)
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

    async def send_notice(self, room_id: str, text: str, html: str | None = None) -> None:
        await self.client.room_send(
            room_id, "m.room.message", notice_content(text, html), ignore_unverified_devices=True
        )
