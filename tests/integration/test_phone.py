"""Answers that fit a phone screen, and `!plus` for the rest, through a real Synapse (encrypted)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.engine.layout import shown_chars
from bot.engine.loading import load_knowledge
from bot.tools.homeserver import Homeserver
from tests.integration.conftest import run, started_user

REFERENCE = "Puis-je donner l'adresse d'un usager à l'OPJ ?"
# The first message of any entry stays under this on a phone (tests/test_phone_layout.py).
FIRST_MESSAGE_MAX = 1500


def _related_titles(entry_id: str) -> list[str]:
    kb = load_knowledge(None)
    return [kb.entries[r].title for r in kb.entries[entry_id].related]


async def _next_notice(user: Any, count: int, timeout_s: float = 20.0) -> dict[str, Any]:
    for _ in range(int(timeout_s / 0.2)):
        if len(user.notices) > count:
            return dict(user.notices[count])
        await asyncio.sleep(0.2)
    raise AssertionError("no notice after the reaction")


def test_dm_answer_is_short_and_plus_gives_the_rest(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> dict[str, dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            assert user.client.rooms[room].encrypted
            out = {"first": await user.ask(room, REFERENCE)}
            out["command"] = await user.ask(room, "!plus")
            out["word"] = await user.ask(room, "plus")
            count = len(user.notices)
            await user.client.room_send(
                room, "m.reaction",
                {"m.relates_to": {"rel_type": "m.annotation", "event_id": out["first"]["event_id"], "key": "➕"}},
                ignore_unverified_devices=True,
            )  # fmt: skip
            out["reaction"] = await _next_notice(user, count)
            return out
        finally:
            await user.stop()

    out = run(scenario())
    first = out["first"]
    assert first["encrypted"] is True and first["msgtype"] == "m.notice"
    assert shown_chars(first["body"]) <= FIRST_MESSAGE_MAX
    for needed in ("60-1", "3 750 €", "hiérarchie", "Sources :", "Base à jour", "!plus"):
        assert needed in first["body"], needed
    assert "Voir aussi" not in first["body"]
    related = _related_titles("requisition-opj")
    for key in ("command", "word", "reaction"):
        more = out[key]
        assert more["encrypted"] is True, key
        assert "La suite de la réponse" in more["body"] and "Voir aussi" in more["body"], key
        assert all(title in more["body"] for title in related), key
        assert "Règles appliquées" in more["body"] and "requisition" in more["body"], key
        assert shown_chars(more["body"]) > shown_chars(first["body"]), key
    assert out["reaction"]["m.relates_to"]["m.in_reply_to"] == {"event_id": first["event_id"]}


def test_plus_in_the_thread_of_a_group_answer(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    (a, a_store), (b, _) = make_user(), make_user()

    async def scenario() -> tuple[str, dict[str, Any], dict[str, Any]]:
        user = await started_user(homeserver, a, a_store)
        try:
            resp = await user.client.room_create(
                name="équipe", invite=[b.user_id, bot.account.user_id]
            )
            room = resp.room_id
            await user.wait_member(room, bot.account.user_id)
            mention = await user.send(
                room,
                f"{bot.account.user_id} que risque-t-on en violant le secret professionnel ?",
                {"m.mentions": {"user_ids": [bot.account.user_id]}},
            )
            answer = await user.reply_to(mention)
            # "plus" in the answer's thread, without a mention.
            thread = {"m.relates_to": {"rel_type": "m.thread", "event_id": mention}}
            more = await user.reply_to(await user.send(room, "plus", thread))
            return mention, answer, more
        finally:
            await user.stop()

    mention, answer, more = run(scenario())
    assert answer["m.relates_to"]["rel_type"] == "m.thread"
    assert shown_chars(answer["body"]) <= FIRST_MESSAGE_MAX and "!plus" in answer["body"]
    rel = more["m.relates_to"]
    assert rel["rel_type"] == "m.thread" and rel["event_id"] == mention
    assert "La suite de la réponse" in more["body"] and "Voir aussi" in more["body"]
    assert all(title in more["body"] for title in _related_titles("secret-sanctions"))
