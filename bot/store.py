"""The bot's own SQLite database (WAL): sync position and answered-question markers, nothing personal.

Event ids are stored hashed, with no room, sender or text: enough to never answer twice.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from types import TracebackType

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answered (event_hash TEXT PRIMARY KEY, at INTEGER NOT NULL);
"""
# Markers older than this are useless: catch-up never looks further back than a day.
ANSWERED_RETENTION_S = 7 * 24 * 3600


def event_hash(event_id: str) -> str:
    return hashlib.sha256(event_id.encode()).hexdigest()[:32]


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    async def open(self) -> Store:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path)
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA synchronous=NORMAL")
        await self._db.executescript(SCHEMA)
        await self._db.commit()
        self.path.chmod(0o600)
        return self

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def __aenter__(self) -> Store:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("store not open")
        return self._db

    async def get_meta(self, key: str) -> str | None:
        async with self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
        await self.db.commit()

    async def was_answered(self, event_id: str) -> bool:
        async with self.db.execute(
            "SELECT 1 FROM answered WHERE event_hash = ?", (event_hash(event_id),)
        ) as cur:
            return await cur.fetchone() is not None

    async def mark_answered(self, event_id: str) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO answered (event_hash, at) VALUES (?, ?)",
            (event_hash(event_id), int(time.time())),
        )
        await self.db.commit()

    async def purge(self) -> None:
        await self.db.execute(
            "DELETE FROM answered WHERE at < ?", (int(time.time()) - ANSWERED_RETENTION_S,)
        )
        await self.db.commit()
