"""Guided decision through a real homeserver: the deciding fact asked, then the original answered."""

from __future__ import annotations

from typing import Any

from bot.tools.homeserver import Homeserver
from tests.integration.conftest import run, started_user

UNDERSPECIFIED = "on me demande des renseignements sur un monsieur qu'on suit, je réponds ?"
ASKED = "Qui vous demande ces informations ?"


def _in_thread(root: str) -> dict[str, Any]:
    return {
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": root},
        }
    }


def test_dm_question_back_then_number_then_words(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> list[dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            assert user.client.rooms[room].encrypted
            out = [await user.ask(room, UNDERSPECIFIED)]
            out.append(await user.ask(room, "1"))
            out.append(await user.ask(room, UNDERSPECIFIED))
            out.append(await user.ask(room, "c'est un gendarme"))
            out.append(await user.ask(room, UNDERSPECIFIED))
            out.append(await user.ask(room, "le bailleur"))
            return out
        finally:
            await user.stop()

    asked, by_number, asked_again, in_words, asked_third, landlord = run(scenario())
    for question in (asked, asked_again, asked_third):
        assert question["encrypted"] is True and question["msgtype"] == "m.notice"
        assert ASKED in question["body"]
        assert "1. La police" in question["body"] and "Autre" in question["body"]
        # The question back never repeats what was asked.
        assert "renseignements" not in question["body"] and "monsieur" not in question["body"]
    for answer in (by_number, in_words):
        body = answer["body"]
        assert ASKED not in body
        assert (
            "60-1" in body
            and "hiérarchie" in body
            and "Décision : passer par la hiérarchie" in body
        )
    assert "Décision : refuser" in landlord["body"] and "60-1" not in landlord["body"]


def test_group_threads_two_people_answer_their_own_questions(
    homeserver: Homeserver, make_bot, make_user
):
    bot = make_bot()
    (a, a_store), (b, b_store) = make_user(), make_user()

    async def scenario() -> dict[str, dict[str, Any]]:
        alice = await started_user(homeserver, a, a_store)
        bob = await started_user(homeserver, b, b_store)
        try:
            resp = await alice.client.room_create(
                name="équipe", invite=[b.user_id, bot.account.user_id]
            )
            room = resp.room_id
            await alice.wait_member(room, bot.account.user_id)
            await bob.client.join(room)
            await alice.wait_member(room, b.user_id)
            mention = {"m.mentions": {"user_ids": [bot.account.user_id]}}
            qa = await alice.send(room, f"{bot.account.user_id} {UNDERSPECIFIED}", mention)
            asked_a = await alice.reply_to(qa)
            qb = await bob.send(room, f"{bot.account.user_id} {UNDERSPECIFIED}", mention)
            asked_b = await bob.reply_to(qb)
            # Bob answers first, in words, in his thread; then Alice by number in hers. Neither
            # mentions the bot: their pending question addresses it.
            rb = await bob.send(room, "c'est le bailleur", _in_thread(qb))
            answer_b = await bob.reply_to(rb)
            ra = await alice.send(room, "1", _in_thread(qa))
            answer_a = await alice.reply_to(ra)
            return {
                "asked_a": asked_a | {"root": qa},
                "asked_b": asked_b | {"root": qb},
                "answer_a": answer_a | {"root": qa},
                "answer_b": answer_b | {"root": qb},
            }
        finally:
            await alice.stop()
            await bob.stop()

    got = run(scenario())
    for name in ("asked_a", "asked_b"):
        assert ASKED in got[name]["body"]
    for name in got:
        rel = got[name]["m.relates_to"]
        assert rel["rel_type"] == "m.thread" and rel["event_id"] == got[name]["root"]
    assert "60-1" in got["answer_a"]["body"] and "hiérarchie" in got["answer_a"]["body"]
    assert "Décision : refuser" in got["answer_b"]["body"]
    assert "60-1" not in got["answer_b"]["body"]


def test_dm_a_victim_told_in_unknown_words_gets_the_danger_entries_then_one(
    homeserver: Homeserver, make_bot, make_user
):
    """No word of the base's danger vocabulary, a teenager named: the danger entries are asked
    back with the emergency numbers, never « je ne sais pas »; « 1 » gives the first. A long
    message that names a practical thing in passing (a parking) is asked back too."""
    bot = make_bot()
    account, store = make_user()
    told = "Ines 15 ans rentre au foyer avec des billets et des fringues neuves, un ami de 25 ans la depose"
    parking = (
        "vigile : un bambin dans une poussette au parking depuis 40 min, la maman est repartie"
    )

    async def scenario() -> list[dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            first = [await user.ask(room, told), await user.ask(room, "1")]
            return [*first, await user.ask(room, parking)]
        finally:
            await user.stop()

    asked, chosen, passing = run(scenario())
    assert "Je ne sais pas" not in passing["body"] and "1. " in passing["body"]
    assert "17" in passing["body"] and "112" in passing["body"]
    assert asked["msgtype"] == "m.notice" and asked["encrypted"] is True
    body = asked["body"]
    assert "Je ne sais pas" not in body and "1. " in body and "2. " in body
    assert "17" in body and "112" in body and "119" in body
    assert "fringues" not in body and "Ines" not in body
    assert "Décision : signaler" in chosen["body"] and "226-14" in chosen["body"]
