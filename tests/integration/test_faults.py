"""Hardening on the real homeserver: outages, kills, floods, hostile events, changing rights."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.tools.homeserver import Homeserver
from tests.integration.conftest import replies_to, run, started_user


@pytest.mark.parametrize("outage_s", [5, 60])
def test_homeserver_outage(homeserver: Homeserver, make_bot, make_user, outage_s: int):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> tuple[float, int]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            await user.ask(room, "secret pro c quoi")
            await asyncio.to_thread(homeserver.stop)
            # Queued by the user's client during the outage, delivered when the server is back.
            during = asyncio.create_task(user.send(room, "que puis-je dire en CLSPD ?"))
            await asyncio.sleep(outage_s)
            await asyncio.to_thread(homeserver.start)
            question = await during
            t0 = time.monotonic()
            await user.reply_to(question, timeout=30)
            elapsed = time.monotonic() - t0
            after = await user.send(room, "un enfant est en danger, puis-je lever le secret ?")
            await user.reply_to(after, timeout=10)
            await asyncio.sleep(3)
            return elapsed, len(replies_to(user, question))
        finally:
            await user.stop()

    elapsed, count = run(scenario())
    assert elapsed < 10 and count == 1


def test_sigkill_around_answering_answers_exactly_once(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> list[int]:
        user = await started_user(homeserver, account, store)
        counts = []
        try:
            room = await user.open_dm(bot.account.user_id)
            await user.ask(room, "secret pro c quoi")
            for delay in (0.0, 0.03, 0.08, 0.2):
                question = await user.send(
                    room, f"que risque-t-on en violant le secret ? ({delay})"
                )
                await asyncio.sleep(delay)
                await asyncio.to_thread(bot.kill)
                await asyncio.to_thread(bot.start)
                await user.reply_to(question, timeout=60)
                await asyncio.sleep(2)
                counts.append(len(replies_to(user, question)))
            return counts
        finally:
            await user.stop()

    assert run(scenario()) == [1, 1, 1, 1]


def test_sigkill_while_writing_guidance(homeserver: Homeserver, make_bot, make_user):
    account, store = make_user()
    bot = make_bot(
        f'allowed_servers = ["localhost"]\n\n[roles]\nsupervisors = ["{account.user_id}"]\n'
    )

    async def scenario() -> None:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            await user.ask(room, "!consigne requisition-opj Consigne témoin conservée")
            rng = random.Random(4)
            for i in range(5):
                await user.send(
                    room, f"!consigne cddf Consigne numéro {i} écrite pendant un arrêt brutal"
                )
                await asyncio.sleep(rng.uniform(0.0, 0.15))
                await asyncio.to_thread(bot.kill)
                db = sqlite3.connect(bot.data_dir / "repere.db")
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                rows = db.execute("SELECT target, text FROM guidance").fetchall()
                db.close()
                assert ("requisition-opj", "Consigne témoin conservée") in rows
                for target, text in rows:
                    assert target in ("requisition-opj", "cddf")
                    assert text == "Consigne témoin conservée" or text.endswith(
                        "pendant un arrêt brutal"
                    )
                await asyncio.to_thread(bot.start)
        finally:
            await user.stop()

    run(scenario())


def test_supervisor_rights_follow_config_and_power_levels(
    homeserver: Homeserver, make_bot, make_user
):
    (creator, c_store), (mod, m_store), (sup, s_store) = make_user(), make_user(), make_user()
    extra = (
        f'allowed_servers = ["localhost"]\n\n[roles]\nsupervisors = ["{sup.user_id}"]\n'
        "moderators_are_supervisors = true\n"
    )
    bot = make_bot(extra)

    async def set_level(c: Any, room: str, user_id: str, level: int) -> None:
        levels = await c.client.room_get_state_event(room, "m.room.power_levels")
        content = dict(levels.content)
        content["users"] = {**content.get("users", {}), user_id: level}
        await c.client.room_put_state(room, "m.room.power_levels", content)
        await asyncio.sleep(1.5)

    async def scenario() -> dict[str, str]:
        c = await started_user(homeserver, creator, c_store)
        m = await started_user(homeserver, mod, m_store)
        s = await started_user(homeserver, sup, s_store)
        out = {}
        try:
            resp = await c.client.room_create(
                name="équipe", invite=[bot.account.user_id, mod.user_id, sup.user_id]
            )
            room = resp.room_id
            await c.wait_member(room, bot.account.user_id)
            for u in (m, s):
                await u.client.join(room)
                await u.wait_member(room, u.user.user_id)
            cmd = "!consigne cddf Passer par le cadre"
            out["plain_member"] = (await m.ask(room, cmd))["body"]
            await set_level(c, room, mod.user_id, 50)
            out["moderator"] = (await m.ask(room, cmd))["body"]
            await set_level(c, room, mod.user_id, 0)
            out["demoted"] = (await m.ask(room, cmd))["body"]
            out["configured"] = (await s.ask(room, cmd))["body"]
            # Removed from the config: the right goes with the next start.
            await asyncio.to_thread(bot.stop)
            bot.config.write_text(
                bot.config.read_text().replace(sup.user_id, "@personne:localhost")
            )
            await asyncio.to_thread(bot.start)
            out["removed"] = (await s.ask(room, cmd))["body"]
            return out
        finally:
            for u in (c, m, s):
                await u.stop()

    out = run(scenario())
    assert "cadres désignés" in out["plain_member"]
    assert "enregistrée" in out["moderator"]
    assert "cadres désignés" in out["demoted"]
    assert "enregistrée" in out["configured"]
    assert "cadres désignés" in out["removed"]


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_flood_from_one_user(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    (flooder, f_store), (other, o_store) = make_user(), make_user()

    async def scenario() -> tuple[int, float, int, int]:
        f = await started_user(homeserver, flooder, f_store)
        o = await started_user(homeserver, other, o_store)
        try:
            f_room = await f.open_dm(bot.account.user_id)
            o_room = await o.open_dm(bot.account.user_id)
            await o.ask(o_room, "secret pro c quoi")
            assert bot.proc is not None
            rss_before = _rss_kb(bot.proc.pid)
            start = time.monotonic()

            async def flood() -> None:
                for i in range(200):
                    await f.client.room_send(
                        f_room, "m.room.message", {"msgtype": "m.text", "body": f"secret pro {i}"},
                        ignore_unverified_devices=True,
                    )  # fmt: skip
                    await asyncio.sleep(max(0.0, start + (i + 1) * 0.05 - time.monotonic()))

            flooding = asyncio.create_task(flood())
            await asyncio.sleep(3)
            t0 = time.monotonic()
            await o.ask(o_room, "que puis-je dire en CLSPD ?", timeout=10)
            other_latency = time.monotonic() - t0
            await flooding
            await asyncio.sleep(3)
            warnings = [n for n in f.notices if "beaucoup de messages" in n.get("body", "")]
            return len(warnings), other_latency, rss_before, _rss_kb(bot.proc.pid) - rss_before
        finally:
            await f.stop()
            await o.stop()

    warnings, latency, rss_before, growth_kb = run(scenario())
    assert warnings == 1
    assert latency < 2.0
    assert growth_kb < 0.10 * rss_before


def test_twenty_users_ten_questions_each(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    accounts = [make_user() for _ in range(20)]
    questions = [
        "puis-je donner l'adresse d'un usager à l'OPJ ?", "que puis-je dire en CLSPD ?",
        "un enfant est en danger, puis-je lever le secret ?", "c'est quoi une IP",
        "le maire veut des infos", "je suis convoquée comme témoin", "secret pro c quoi",
        "que risque-t-on en violant le secret", "le bailleur veut l'adresse", "cddf c quoi",
    ]  # fmt: skip

    async def one(account: Any, store: Path) -> list[float]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            latencies = []
            for q in questions:
                t0 = time.monotonic()
                await user.ask(room, q, timeout=60)
                latencies.append(time.monotonic() - t0)
            return latencies
        finally:
            await user.stop()

    async def scenario() -> list[float]:
        results = await asyncio.gather(*(one(a, s) for a, s in accounts))
        return [x for r in results for x in r]

    latencies = run(scenario())
    assert len(latencies) == 200
    p95 = statistics.quantiles(latencies, n=20)[18]
    print(
        f"\n20 users x 10 questions: p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )


def test_malformed_events_do_not_crash_the_bot(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    (a, a_store), (b, b_store) = make_user(), make_user()

    async def scenario() -> tuple[dict[str, Any], int]:
        user = await started_user(homeserver, a, a_store)
        other = await started_user(homeserver, b, b_store)
        try:
            room = await user.open_dm(bot.account.user_id)
            target = await user.send(room, "secret pro c quoi")
            await user.reply_to(target)
            before = len([n for n in user.notices if n["sender"] == bot.account.user_id])
            weird: list[dict[str, Any]] = [
                {"msgtype": "m.text"},
                {"msgtype": "m.text", "body": 42},
                {"msgtype": "m.text", "body": ["liste"]},
                {"msgtype": "m.text", "body": None},
                {"msgtype": "m.text", "body": "x", "m.relates_to": {"rel_type": "m.inconnu", "event_id": target}},
                {"msgtype": "m.text", "body": "* edit", "m.new_content": {"msgtype": "m.text", "body": "edit"},
                 "m.relates_to": {"rel_type": "m.replace", "event_id": target}},
                {"msgtype": "m.text", "body": "<script>alert(1)</script>{{ 7*7 }}\x00\u202e"},
                {"msgtype": "m.text", "body": "a" * 100_000},
                {"msgtype": "m.image", "body": "photo.jpg"},
                {"msgtype": "m.text", "body": "[x](javascript:alert(1)) secret", "format": "org.matrix.custom.html",
                 "formatted_body": "<a href='javascript:alert(1)'>x</a>"},
            ]  # fmt: skip
            for content in weird:
                await user.client.room_send(
                    room, "m.room.message", content, ignore_unverified_devices=True
                )
            await user.client.room_redact(room, target)
            await asyncio.sleep(4)
            after_weird = (
                len([n for n in user.notices if n["sender"] == bot.account.user_id]) - before
            )
            healthy = await user.ask(room, "que puis-je dire en CLSPD ?")
            for n in user.notices:
                if n["sender"] == bot.account.user_id:
                    assert "<script" not in n.get("formatted_body", "")
                    assert "javascript:" not in n.get("formatted_body", "")
            return healthy, after_weird
        finally:
            await user.stop()
            await other.stop()

    healthy, after_weird = run(scenario())
    assert healthy["msgtype"] == "m.notice"
    assert bot.proc is not None and bot.proc.poll() is None
    # Answers to the two text messages with a string body; nothing for the rest.
    assert after_weird <= 3


def _raw_send(hs: Homeserver, token: str, room: str, content: dict[str, Any], txn: str) -> None:
    req = urllib.request.Request(
        f"{hs.url}/_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}",
        data=json.dumps(content).encode(), method="PUT",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    urllib.request.urlopen(req).read()


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.text(min_size=1, max_size=300), min_size=12, max_size=12))
def test_arbitrary_text_through_matrix(
    homeserver: Homeserver, make_bot, make_user, texts: list[str]
):
    """Arbitrary Unicode through the real homeserver: every message gets one safe answer."""
    bot = make_bot('allowed_servers = ["localhost"]\nrate_limit_per_minute = 100\n')
    account, store = make_user()

    async def scenario() -> list[dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            out = []
            for text in texts:
                if not text.strip() or text.strip().startswith("!"):
                    text = f"q {text}"
                out.append(await user.ask(room, text, timeout=30))
            return out
        finally:
            await user.stop()

    for reply in run(scenario()):
        html = reply.get("formatted_body", "")
        assert "<script" not in html and "javascript:" not in html and "onerror" not in html
        assert reply["msgtype"] == "m.notice"
