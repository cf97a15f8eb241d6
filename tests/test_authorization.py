"""Who may run which command, where: every cell of the matrix."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import BotSettings, Config, Roles
from bot.conversation.commands import parse_command
from bot.conversation.rights import Caller
from bot.engine.answer import Engine
from bot.engine.reload import EngineHolder
from bot.matrix.command_runner import ChatCommands
from bot.storage.store import Store

WORKER, SUP, ADMIN = "@as:localhost", "@cadre:localhost", "@admin:localhost"
ADMIN_ROOM = "!admins:localhost"
COMMANDS = {
    "consigne": "!consigne cddf Passer par le cadre",
    "consigne retirer": "!consigne retirer 1",
    "kb etat": "!kb etat",
    "kb recharger": "!kb recharger",
    "kb test": "!kb test secret pro",
    "stats": "!stats",
}
REFUSED = ("cadres désignés", "réservée aux administrateurs", "salon d'administration")
# (command, role, place) -> allowed?
EXPECTED = {
    ("consigne", "worker"): False, ("consigne", "supervisor"): True, ("consigne", "admin"): False,
    ("consigne retirer", "worker"): False, ("consigne retirer", "supervisor"): True,
    ("consigne retirer", "admin"): False,
}  # fmt: skip
for cmd in ("kb etat", "kb recharger", "kb test", "stats"):
    EXPECTED.update({(cmd, "worker"): False, (cmd, "supervisor"): False, (cmd, "admin"): True})
USERS = {"worker": WORKER, "supervisor": SUP, "admin": ADMIN}
PLACES = {
    "dm": ("!dm:localhost", True),
    "group": ("!equipe:localhost", False),
    "admin room": (ADMIN_ROOM, False),
}


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("name", list(COMMANDS))
def test_authorization_matrix(engine: Engine, tmp_path: Path, name: str, role: str, place: str):
    room_id, direct = PLACES[place]
    config = Config(
        roles=Roles(frozenset({SUP}), frozenset({ADMIN})), bot=BotSettings(admin_room=ADMIN_ROOM)
    )

    async def scenario() -> str:
        async with Store(tmp_path / "db.sqlite") as store:
            await store.add_guidance("cddf", "consigne existante", None)
            chat = ChatCommands(config, EngineHolder(engine, Path(engine.kb.directory)), store)
            command = parse_command(COMMANDS[name])
            assert command is not None
            reply = await chat.handle(command, Caller(USERS[role], room_id, direct, 100))
            assert reply is not None
            return reply.text

    text = asyncio.run(scenario())
    allowed = EXPECTED[(name, role)]
    if name.startswith(("kb", "stats")) and allowed and place == "group":
        allowed = False  # admin commands: admin room or direct conversation only
    refused = any(marker in text for marker in REFUSED)
    assert refused is not allowed, text


def test_power_level_alone_gives_no_right_by_default(engine: Engine, tmp_path: Path):
    async def scenario() -> str:
        async with Store(tmp_path / "db.sqlite") as store:
            chat = ChatCommands(Config(), EngineHolder(engine, None), store)
            command = parse_command(COMMANDS["consigne"])
            assert command is not None
            reply = await chat.handle(command, Caller(WORKER, "!r:localhost", False, 100))
            assert reply is not None
            return reply.text

    assert "cadres désignés" in asyncio.run(scenario())
