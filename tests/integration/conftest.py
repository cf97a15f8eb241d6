"""A real Synapse for the whole session, and real bot processes (real SQLite, real spaCy model)."""

from __future__ import annotations

import asyncio
import itertools
import secrets
import subprocess
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.tools.demo import ChatUser, start_bot, stop_process
from bot.tools.homeserver import Homeserver, Registered

T = TypeVar("T")
_counter = itertools.count()


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    hs = Homeserver(tmp_path_factory.mktemp("synapse"))
    hs.start()  # a missing or broken Synapse fails here: never a skip
    yield hs
    hs.stop()


@dataclass
class BotProcess:
    homeserver: Homeserver
    account: Registered
    directory: Path
    config: Path
    proc: subprocess.Popen[str] | None = None
    logs: list[Path] = field(default_factory=list)

    def start(self) -> None:
        log = self.directory / f"bot-{len(self.logs)}.log"
        self.logs.append(log)
        self.proc = start_bot(self.config, log)

    def stop(self) -> int | None:
        assert self.proc is not None
        return stop_process(self.proc)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def log_text(self) -> str:
        return "\n".join(p.read_text() for p in self.logs if p.exists())

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"


def write_config(path: Path, hs: Homeserver, bot: Registered, data_dir: Path, extra: str) -> None:
    path.write_text(
        f'[matrix]\nhomeserver = "{hs.url}"\nuser_id = "{bot.user_id}"\npassword = "{bot.password}"\n'
        f'\n[bot]\ndata_dir = "{data_dir}"\n{extra}',
        encoding="utf-8",
    )


@pytest.fixture
def make_bot(homeserver: Homeserver, tmp_path: Path) -> Iterator[Any]:
    bots: list[BotProcess] = []

    def factory(extra: str = 'allowed_servers = ["localhost"]\n', start: bool = True) -> BotProcess:
        n = next(_counter)
        account = homeserver.register(f"repere{n}", secrets.token_urlsafe(12))
        directory = tmp_path / f"bot{n}"
        directory.mkdir()
        config = directory / "config.toml"
        write_config(config, homeserver, account, directory / "data", extra)
        bot = BotProcess(homeserver, account, directory, config)
        if start:
            bot.start()
        bots.append(bot)
        return bot

    yield factory
    for bot in bots:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.stop()


@pytest.fixture
def make_user(homeserver: Homeserver, tmp_path: Path) -> Any:
    def factory() -> tuple[Registered, Path]:
        n = next(_counter)
        account = homeserver.register(f"agent{n}", secrets.token_urlsafe(12))
        return account, tmp_path / f"user{n}-store"

    return factory


async def started_user(homeserver: Homeserver, account: Registered, store: Path) -> ChatUser:
    user = ChatUser(homeserver.url, account, store)
    await user.start()
    return user


def replies_to(user: ChatUser, question: str) -> list[dict[str, Any]]:
    """Every notice the user received in reply to one of their messages."""
    return [
        n for n in user.notices
        if n.get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id") == question
    ]  # fmt: skip
