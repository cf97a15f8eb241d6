"""Runs the stored commands the policy plans (guidance, admin, stats) against the store.

What a command may do, and for whom, is decided in `bot.conversation.admin`; this only does
the reads and writes it is handed and words the result with `bot.conversation.reports`.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from bot.config import Config
from bot.conversation.admin import (
    Action,
    AddGuidance,
    EditGuidance,
    ExportGuidance,
    KbStatus,
    ListGuidance,
    ListUnanswered,
    ReloadKb,
    RemoveGuidance,
    Stats,
    plan_command,
)
from bot.conversation.commands import Command
from bot.conversation.reports import (
    describe_reload,
    guidance_added,
    guidance_list,
    guidance_toml,
    kb_status,
    stats_period_days,
    stats_text,
    unanswered_list,
)
from bot.conversation.rights import Caller
from bot.conversation.texts import no_such_guidance, text_reply
from bot.engine.reload import EngineHolder
from bot.engine.render import Reply
from bot.storage.store import Store


class ChatCommands:
    def __init__(self, config: Config, holder: EngineHolder, store: Store) -> None:
        self.config = config
        self.holder = holder
        self.store = store
        self.started = time.time()

    async def handle(self, command: Command, caller: Caller) -> Reply | None:
        """A reply for guidance, admin and stats commands; None for the others."""
        planned = plan_command(
            command,
            caller,
            self.holder.engine,
            self.config.roles,
            self.config.bot.admin_room,
            dt.date.today(),
        )
        if planned is None or isinstance(planned, Reply):
            return planned
        return text_reply(await self.run(planned))

    async def run(self, action: Action) -> str:
        store = self.store
        match action:
            case ListGuidance():
                return guidance_list(await store.active_guidance())
            case RemoveGuidance(number):
                done = await store.withdraw_guidance(number)
                return f"Consigne n° {number} retirée." if done else no_such_guidance(number)
            case EditGuidance(number, text):
                row = await store.get_guidance(number)
                if row is None or not await store.edit_guidance(number, text):
                    return no_such_guidance(number)
                return f"Consigne n° {number} modifiée."
            case AddGuidance(target, text, expires, titles):
                number = await store.add_guidance(target, text, expires)
                return guidance_added(number, titles, expires)
            case ReloadKb():
                return describe_reload(self.holder.reload())
            case KbStatus():
                holder = self.holder
                uptime = time.time() - self.started
                return kb_status(holder.engine.kb, holder.loaded_at, holder.errors, uptime)
            case ListUnanswered():
                recording = self.config.privacy.record_unanswered
                return unanswered_list(recording, await store.unanswered() if recording else [])
            case ExportGuidance():
                path = await export_guidance(store, self.holder.knowledge_dir)
                return f"Consignes exportées dans {path.name} (dossier knowledge/), à relire."
            case Stats(period):
                return await format_stats(store, period)
        raise AssertionError(action)


async def format_stats(store: Store, period: str) -> str:
    days = stats_period_days(period)
    since = dt.date.today() - dt.timedelta(days=days - 1)
    stats, feedback = await store.stats(since)
    return stats_text(days, stats, feedback)


async def export_guidance(store: Store, knowledge_dir: Path) -> Path:
    """Active guidance as TOML in knowledge/, to review and commit as permanent content."""
    rows = await store.active_guidance()
    path = knowledge_dir / f"consignes-export-{dt.date.today():%Y-%m-%d}.toml"
    path.write_text(guidance_toml(rows), encoding="utf-8")
    return path
