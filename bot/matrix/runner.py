"""`repere run`: start the Matrix bot from a validated config and stop cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from bot.config import Config, MatrixSettings, require_matrix
from bot.engine.answer import Engine
from bot.matrix.bot import ReplyBot
from bot.storage.store import Store

log = logging.getLogger("repere")
READY = "Repère est prêt."


async def run_bot(config: Config) -> int:
    matrix, data_dir = _settings(config)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = Engine.load(config.knowledge_dir, settings=config.engine)
    store = await Store(data_dir / "repere.db").open()
    bot = ReplyBot(config, matrix, data_dir, engine, store)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, bot.stop)
    try:
        await bot.setup()
        log.info("ready: %d entries", len(engine.kb.entries))
        print(READY, flush=True)
        await bot.run()
    finally:
        await store.close()
    log.info("stopped")
    return 0


def _settings(config: Config) -> tuple[MatrixSettings, Path]:
    """Password or token are only needed until the first login has been saved."""
    data_dir = config.bot.data_dir
    if (
        config.matrix is not None
        and data_dir is not None
        and (data_dir / "crypto" / "credentials.json").exists()
    ):
        return config.matrix, data_dir
    return require_matrix(config)
