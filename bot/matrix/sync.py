"""The sync loop and its handler tasks.

Each event is handled in its own task so a slow handler never stalls the sync; the sync
position is saved only once every event of a batch has been handled, so a crash re-delivers,
never loses, and the `answered` markers make sure nothing is answered twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from nio import AsyncClient, SyncError, SyncResponse
from nio.exceptions import LocalProtocolError

from bot.matrix.sender import SEND_TIMEOUT_S
from bot.storage.store import Store

log = logging.getLogger("repere.matrix")

SYNC_FILTER = {"room": {"timeline": {"limit": 50}, "state": {"lazy_load_members": False}}}
SYNC_LONGPOLL_MS = 30_000
SHUTDOWN_GRACE_S = 8.0


class HandlerTasks:
    """Handler tasks, grouped by the sync batch that delivered their events."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._batch: list[asyncio.Task[None]] = []
        self._commits: asyncio.Queue[tuple[str, list[asyncio.Task[None]]]] = asyncio.Queue()

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        self._batch.append(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("handler failed: %s", type(task.exception()).__name__)

    def end_batch(self, next_batch: str) -> None:
        batch, self._batch = self._batch, []
        self._commits.put_nowait((next_batch, batch))

    async def committer(self, store: Store) -> None:
        """Saves each batch's position once all its handlers are done."""
        while True:
            token, tasks = await self._commits.get()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            await store.set_meta("sync_token", token)
            self._commits.task_done()

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._commits.join(), 1.0)


async def sync_until_stopped(
    client: AsyncClient,
    store: Store,
    tasks: HandlerTasks,
    stopping: asyncio.Event,
    after_each: Callable[[], Awaitable[None]],
) -> None:
    """Sync until `stopping`; then finish in-flight answers and save the position."""
    committer = asyncio.create_task(tasks.committer(store))
    token = await store.get_meta("sync_token")
    first = True
    failures = 0
    while not stopping.is_set():
        try:
            sync = asyncio.ensure_future(
                client.sync(
                    timeout=0 if first else SYNC_LONGPOLL_MS,
                    sync_filter=SYNC_FILTER,
                    since=client.next_batch or token,
                    full_state=True if first else None,
                )
            )
            stop = asyncio.ensure_future(stopping.wait())
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
        tasks.end_batch(resp.next_batch)
        await after_each()
    await tasks.drain()
    committer.cancel()
    await client.close()


async def key_housekeeping(client: AsyncClient) -> None:
    try:
        if client.outgoing_to_device_messages:
            await asyncio.wait_for(client.send_to_device_messages(), SEND_TIMEOUT_S)
        if client.should_upload_keys:
            await asyncio.wait_for(client.keys_upload(), SEND_TIMEOUT_S)
        if client.should_query_keys:
            await asyncio.wait_for(client.keys_query(), SEND_TIMEOUT_S)
        if client.should_claim_keys:
            users = client.get_users_for_key_claiming()
            await asyncio.wait_for(client.keys_claim(users), SEND_TIMEOUT_S)
    except (TimeoutError, LocalProtocolError) as exc:
        log.warning("key housekeeping postponed (%s)", type(exc).__name__)
