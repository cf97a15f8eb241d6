"""The bot's own SQLite database (WAL). Schema and rules: docs/storage.md.

Nothing here links a person or a room to a question: event ids are hashed, statistics are
per-day aggregates, guidance is stored without its author, and unanswered questions (only if
the operator enables it) are scrubbed of personal data and dated, nothing more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path
from types import TracebackType

import aiosqlite

from bot.conversation.records import FeedbackRow, GuidanceRow, StatRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answered (event_hash TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS guidance (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    text TEXT NOT NULL,
    posted TEXT NOT NULL,
    expires TEXT,
    withdrawn INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS stats_daily (
    day TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, entry_id, status)
);
CREATE TABLE IF NOT EXISTS feedback_daily (
    day TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    up INTEGER NOT NULL DEFAULT 0,
    down INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, entry_id)
);
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    day TEXT NOT NULL,
    text TEXT NOT NULL
);
"""
# Markers older than this are useless: catch-up never looks further back than a day.
ANSWERED_RETENTION_S = 7 * 24 * 3600


def _today() -> str:
    return dt.date.today().isoformat()


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

    async def purge(self, unanswered_retention_days: int = 30) -> None:
        cutoff = (dt.date.today() - dt.timedelta(days=unanswered_retention_days)).isoformat()
        await self.db.execute(
            "DELETE FROM answered WHERE at < ?", (int(time.time()) - ANSWERED_RETENTION_S,)
        )
        await self.db.execute("DELETE FROM unanswered WHERE day < ?", (cutoff,))
        await self.db.commit()

    # --- guidance: one transaction per change, so a crash leaves it whole or absent ---------

    async def add_guidance(self, target: str, text: str, expires: dt.date | None) -> int:
        async with self.db.execute(
            "INSERT INTO guidance (target, text, posted, expires) VALUES (?, ?, ?, ?)",
            (target, text, _today(), expires.isoformat() if expires else None),
        ) as cur:
            number = cur.lastrowid
        await self.db.commit()
        assert number is not None
        return number

    async def withdraw_guidance(self, number: int) -> bool:
        async with self.db.execute(
            "UPDATE guidance SET withdrawn = 1 WHERE number = ? AND withdrawn = 0", (number,)
        ) as cur:
            changed = cur.rowcount
        await self.db.commit()
        return changed > 0

    async def edit_guidance(self, number: int, text: str) -> bool:
        async with self.db.execute(
            "UPDATE guidance SET text = ? WHERE number = ? AND withdrawn = 0", (text, number)
        ) as cur:
            changed = cur.rowcount
        await self.db.commit()
        return changed > 0

    async def get_guidance(self, number: int) -> GuidanceRow | None:
        rows = await self._guidance("WHERE number = ? AND withdrawn = 0", (number,))
        return rows[0] if rows else None

    async def active_guidance(self, today: dt.date | None = None) -> list[GuidanceRow]:
        """Guidance not withdrawn and not expired: expired guidance disappears by itself."""
        day = (today or dt.date.today()).isoformat()
        return await self._guidance(
            "WHERE withdrawn = 0 AND (expires IS NULL OR expires >= ?) ORDER BY number", (day,)
        )

    async def _guidance(self, where: str, args: tuple[object, ...]) -> list[GuidanceRow]:
        async with self.db.execute(
            f"SELECT number, target, text, posted, expires FROM guidance {where}", args
        ) as cur:
            rows = await cur.fetchall()
        return [
            GuidanceRow(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                dt.date.fromisoformat(r[3]),
                dt.date.fromisoformat(r[4]) if r[4] else None,
            )
            for r in rows
        ]

    # --- anonymous aggregates ---------------------------------------------------------------

    async def count_answer(self, entry_id: str | None, status: str) -> None:
        await self.db.execute(
            "INSERT INTO stats_daily (day, entry_id, status, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT(day, entry_id, status) DO UPDATE SET count = count + 1",
            (_today(), entry_id or "", status),
        )
        await self.db.commit()

    async def count_feedback(self, entry_id: str, up: bool) -> None:
        column = "up" if up else "down"
        await self.db.execute(
            f"INSERT INTO feedback_daily (day, entry_id, {column}) VALUES (?, ?, 1) "
            f"ON CONFLICT(day, entry_id) DO UPDATE SET {column} = {column} + 1",
            (_today(), entry_id),
        )
        await self.db.commit()

    async def stats(self, since: dt.date) -> tuple[list[StatRow], list[FeedbackRow]]:
        async with self.db.execute(
            "SELECT entry_id, status, SUM(count) FROM stats_daily WHERE day >= ? "
            "GROUP BY entry_id, status ORDER BY SUM(count) DESC",
            (since.isoformat(),),
        ) as cur:
            stats = [StatRow(str(r[0]), str(r[1]), int(r[2])) for r in await cur.fetchall()]
        async with self.db.execute(
            "SELECT entry_id, SUM(up), SUM(down) FROM feedback_daily WHERE day >= ? "
            "GROUP BY entry_id ORDER BY entry_id",
            (since.isoformat(),),
        ) as cur:
            feedback = [FeedbackRow(str(r[0]), int(r[1]), int(r[2])) for r in await cur.fetchall()]
        return stats, feedback

    # --- unanswered questions: only when enabled, scrubbed, dated, purged --------------------

    async def record_unanswered(self, scrubbed_text: str) -> None:
        await self.db.execute(
            "INSERT INTO unanswered (day, text) VALUES (?, ?)", (_today(), scrubbed_text)
        )
        await self.db.commit()

    async def unanswered(self, limit: int = 50) -> list[tuple[dt.date, str]]:
        async with self.db.execute(
            "SELECT day, text FROM unanswered ORDER BY id DESC LIMIT ?", (limit,)
        ) as cur:
            return [(dt.date.fromisoformat(r[0]), str(r[1])) for r in await cur.fetchall()]
