"""Restarts, outages, invites and loops, on the real homeserver."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.tools.homeserver import Homeserver
from tests.integration.conftest import replies_to, run, started_user


def test_sigterm_exits_cleanly_and_catches_up(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> tuple[int | None, float, list[Any], list[Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            first = await user.send(room, "que puis-je dire en CLSPD ?")
            await user.reply_to(first)
            t0 = time.monotonic()
            code = await asyncio.to_thread(bot.stop)
            stop_s = time.monotonic() - t0
            missed = await user.send(room, "un enfant est en danger, puis-je lever le secret ?")
            await asyncio.sleep(1)
            await asyncio.to_thread(bot.start)
            await user.reply_to(missed, timeout=60)
            await asyncio.sleep(4)  # room for a duplicate to show up
            return code, stop_s, replies_to(user, first), replies_to(user, missed)
        finally:
            await user.stop()

    code, stop_s, first_replies, missed_replies = run(scenario())
    assert code == 0 and stop_s < 10
    assert len(first_replies) == 1, "the first start's question was answered again"
    assert len(missed_replies) == 1


def test_sigkill_restart_never_answers_twice(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> tuple[list[Any], list[Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            questions = []
            for q in ("secret pro c quoi", "que risque-t-on en violant le secret ?"):
                questions.append(await user.send(room, q))
            for q in questions:
                await user.reply_to(q)
            await asyncio.to_thread(bot.kill)
            await asyncio.to_thread(bot.start)
            after = await user.ask(room, "c'est quoi une information préoccupante ?")
            assert after["msgtype"] == "m.notice"
            await asyncio.sleep(4)
            return replies_to(user, questions[0]), replies_to(user, questions[1])
        finally:
            await user.stop()

    a, b = run(scenario())
    assert len(a) == 1 and len(b) == 1


def test_first_start_ignores_history(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot(start=False)
    account, store = make_user()

    async def scenario() -> list[Any]:
        user = await started_user(homeserver, account, store)
        try:
            resp = await user.client.room_create(is_direct=True, invite=[bot.account.user_id])
            room = resp.room_id
            old = await user.send(room, "secret pro ?")
            await asyncio.sleep(3)
            await asyncio.to_thread(bot.start)
            await user.wait_member(room, bot.account.user_id)
            fresh = await user.ask(room, "que puis-je dire en CLSPD ?")
            assert fresh["msgtype"] == "m.notice"
            await asyncio.sleep(3)
            return replies_to(user, old)
        finally:
            await user.stop()

    assert run(scenario()) == []


def test_homeserver_restart(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> float:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            await user.ask(room, "secret pro c quoi")
            await asyncio.to_thread(homeserver.stop)
            await asyncio.sleep(5)
            await asyncio.to_thread(homeserver.start)
            await asyncio.sleep(1)
            t0 = time.monotonic()
            await user.ask(room, "que puis-je dire en CLSPD ?", timeout=30)
            return time.monotonic() - t0
        finally:
            await user.stop()

    assert run(scenario()) < 10


def test_invite_from_disallowed_server_is_declined(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot('allowed_servers = ["agent.tchap.gouv.fr"]\n')
    account, store = make_user()

    async def scenario() -> str | None:
        user = await started_user(homeserver, account, store)
        try:
            resp = await user.client.room_create(is_direct=True, invite=[bot.account.user_id])
            room = resp.room_id
            for _ in range(100):
                r = user.client.rooms.get(room)
                if r is not None and bot.account.user_id not in r.users:
                    return "declined"
                await asyncio.sleep(0.2)
            return None
        finally:
            await user.stop()

    assert run(scenario()) == "declined"


def test_bot_leaves_when_alone(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> bool:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            await user.ask(room, "secret pro c quoi")
            await user.client.room_leave(room)
        finally:
            await user.stop()
        await asyncio.sleep(5)
        return "left a room where the bot was alone" in bot.log_text()

    assert run(scenario())


def test_bot_fed_its_own_output_does_not_loop(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> tuple[int, int]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            first = await user.ask(room, "que puis-je dire en CLSPD ?")

            def from_bot() -> int:
                return len([n for n in user.notices if n["sender"] == bot.account.user_id])

            before = from_bot()
            # Its own answer sent back as a notice (another bot) is never answered ...
            await user.client.room_send(
                room, "m.room.message",
                {"msgtype": "m.notice", "body": first["body"], "m.mentions": {}},
                ignore_unverified_devices=True,
            )  # fmt: skip
            # ... and as text it gets one answer, which starts nothing further.
            await user.send(room, first["body"])
            await asyncio.sleep(8)
            return before, from_bot()
        finally:
            await user.stop()

    before, after = run(scenario())
    assert after - before == 1  # the text copy's answer, and nothing after it


def test_data_dir_is_private_after_a_run(homeserver: Homeserver, make_bot, make_user):
    """Everything the bot writes (nio's store included) is readable by its owner only."""
    import stat

    bot = make_bot()
    account, store = make_user()

    async def scenario() -> None:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            await user.ask(room, "que puis-je dire en CLSPD ?")
        finally:
            await user.stop()

    run(scenario())
    assert bot.stop() == 0
    paths = [bot.data_dir, *bot.data_dir.rglob("*")]
    assert any(p.suffix == ".db" and p.parent.name == "crypto" for p in paths)
    modes = {str(p.relative_to(bot.data_dir)): stat.S_IMODE(p.stat().st_mode) for p in paths}
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (bot.data_dir / name).is_dir() else 0o600)
    }
    assert wrong == {}
