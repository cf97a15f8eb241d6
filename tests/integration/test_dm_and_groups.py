"""Conversations with the bot on a real homeserver, in encrypted rooms."""

from __future__ import annotations

import asyncio
import json
import tomllib
import urllib.request
from typing import Any

from signedjson.key import decode_verify_key_bytes
from signedjson.sign import verify_signed_json
from unpaddedbase64 import decode_base64

from bot.tools.evaluation import DATA_DIR
from bot.tools.homeserver import Homeserver
from tests.integration.conftest import run, started_user

REFERENCE = "Puis-je donner l'adresse d'un usager à l'OPJ ?"


def test_dm_answer_is_a_threadless_rich_reply_notice(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> dict[str, Any]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            assert user.client.rooms[room].encrypted
            question = await user.send(room, REFERENCE)
            reply = await user.reply_to(question)
            reply["question"] = question
            return reply
        finally:
            await user.stop()

    reply = run(scenario())
    assert reply["msgtype"] == "m.notice"
    assert reply["encrypted"] is True
    assert reply["m.relates_to"] == {"m.in_reply_to": {"event_id": reply["question"]}}
    assert "m.mentions" in reply
    body, html = reply["body"], reply["formatted_body"]
    assert "60-1" in body and "226-13" in body and "3 750 €" in body and "hiérarchie" in body
    assert "<strong>" in html and reply["format"] == "org.matrix.custom.html"
    # No reply fallback quoting the question.
    assert REFERENCE not in body and "> <@" not in body


def test_group_silence_then_threaded_answer_on_mention(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    (a, a_store), (b, _) = make_user(), make_user()

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any], str]:
        user = await started_user(homeserver, a, a_store)
        try:
            resp = await user.client.room_create(
                name="équipe", invite=[b.user_id, bot.account.user_id]
            )
            room = resp.room_id
            await user.wait_member(room, bot.account.user_id)
            plain = await user.send(room, "quelqu'un sait si l'OPJ peut avoir l'adresse ?")
            await asyncio.sleep(6)
            silent = [n for n in user.notices if n["room_id"] == room]
            mention = await user.send(
                room,
                f"{bot.account.user_id} que puis-je dire en CLSPD ?",
                {"m.mentions": {"user_ids": [bot.account.user_id]}},
            )
            reply = await user.reply_to(mention)
            assert plain not in user.replies or not user.replies[plain].done()
            return silent, reply, mention
        finally:
            await user.stop()

    silent, reply, mention = run(scenario())
    assert silent == []
    rel = reply["m.relates_to"]
    assert rel["rel_type"] == "m.thread" and rel["event_id"] == mention
    assert rel["is_falling_back"] is True and rel["m.in_reply_to"] == {"event_id": mention}
    assert reply["m.mentions"] == {"user_ids": [a.user_id]}
    assert "CLSPD" in reply["body"] or "clspd" in reply["body"].lower()


def test_commands_help_sources_why_and_unknown(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> list[str]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            out = []
            for text in (
                "!aide",
                "!sources requisition-opj",
                REFERENCE,
                "!pourquoi",
                "!nimportequoi",
            ):
                out.append((await user.ask(room, text))["body"])
            return out
        finally:
            await user.stop()

    help_, sources, _, why, unknown = run(scenario())
    assert "!sources" in help_ and "!pourquoi" in help_
    assert "Légifrance" in sources or "legifrance" in sources
    assert "60-1" in sources
    assert "requisition" in why and "demandeur.police" in why
    assert unknown == help_


def test_clarification_by_number(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot(
        'allowed_servers = ["localhost"]\n\n[engine]\nclarify_margin = 1.0\nclarify_floor = 0.0\n'
    )
    account, store = make_user()

    async def scenario() -> tuple[str, str]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            first = await user.ask(room, "secret et clspd")
            second = await user.ask(room, "2")
            return first["body"], second["body"]
        finally:
            await user.stop()

    clarify, chosen = run(scenario())
    assert "1. " in clarify and "2. " in clarify
    second_title = clarify.split("2. ", 1)[1].splitlines()[0].strip()
    assert chosen.startswith(second_title) or second_title in chosen.splitlines()[0:3]


def test_bot_device_is_cross_signed(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot()
    account, _ = make_user()
    uid = bot.account.user_id
    req = urllib.request.Request(
        f"{homeserver.url}/_matrix/client/v3/keys/query",
        data=json.dumps({"device_keys": {uid: []}}).encode(),
        headers={
            "Authorization": f"Bearer {account.access_token}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(req) as resp:
        keys = json.loads(resp.read())

    def verify_key(obj: dict[str, Any]) -> Any:
        ((key_id, pub),) = obj["keys"].items()
        return decode_verify_key_bytes(key_id, decode_base64(pub))

    master = keys["master_keys"][uid]
    ssk = keys["self_signing_keys"][uid]
    assert master["usage"] == ["master"] and ssk["usage"] == ["self_signing"]
    verify_signed_json(ssk, uid, verify_key(master))
    devices = keys["device_keys"][uid]
    assert len(devices) == 1  # one device, however often the bot starts
    for device in devices.values():
        verify_signed_json(device, uid, verify_key(ssk))


def test_clarification_by_reaction(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot(
        'allowed_servers = ["localhost"]\n\n[engine]\nclarify_margin = 1.0\nclarify_floor = 0.0\n'
    )
    account, store = make_user()

    async def scenario() -> tuple[str, dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            clarify = await user.ask(room, "secret et clspd")
            count = len(user.notices)
            await user.client.room_send(
                room, "m.reaction",
                {"m.relates_to": {"rel_type": "m.annotation", "event_id": clarify["event_id"], "key": "1\ufe0f\u20e3"}},
                ignore_unverified_devices=True,
            )  # fmt: skip
            for _ in range(100):
                if len(user.notices) > count:
                    break
                await asyncio.sleep(0.2)
            return clarify["body"], user.notices[-1]
        finally:
            await user.stop()

    clarify, chosen = run(scenario())
    first_title = clarify.split("1. ", 1)[1].splitlines()[0].strip()
    assert first_title in chosen["body"].splitlines()[0:3]


def test_undecryptable_message_gets_one_notice(homeserver: Homeserver, make_bot, make_user):
    bot = make_bot('allowed_servers = ["localhost"]\ndecrypt_grace_seconds = 3\n')
    account, store = make_user()

    async def scenario() -> list[dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            await user.ask(room, "secret pro c quoi")
            # A megolm event from a session the bot will never get a key for.
            fake = {
                "algorithm": "m.megolm.v1.aes-sha2",
                "sender_key": "x" * 43,
                "session_id": "y" * 43,
                "device_id": account.device_id,
                "ciphertext": "AwgAEnACgAkLmt6qF84IK" * 4,
            }
            req = urllib.request.Request(
                f"{homeserver.url}/_matrix/client/v3/rooms/{room}/send/m.room.encrypted/undecryptable1",
                data=json.dumps(fake).encode(),
                headers={
                    "Authorization": f"Bearer {account.access_token}",
                    "Content-Type": "application/json",
                },
                method="PUT",
            )
            with urllib.request.urlopen(req) as resp:
                event_id = json.loads(resp.read())["event_id"]
            reply = await user.reply_to(event_id, timeout=40)
            await asyncio.sleep(4)
            return [reply] + [
                n for n in user.notices
                if n.get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id") == event_id
                and n["event_id"] != reply["event_id"]
            ]  # fmt: skip
        finally:
            await user.stop()

    replies = run(scenario())
    assert len(replies) == 1
    assert "pas pu lire" in replies[0]["body"]


def test_typing_notice_while_composing(homeserver: Homeserver, make_bot, make_user):
    # Composing is instant here, so the notice is sent at once (the default waits 0.3 s).
    bot = make_bot('allowed_servers = ["localhost"]\ntyping_delay_seconds = 0\n')
    account, store = make_user()

    async def scenario() -> set[str]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            await user.ask(room, "secret pro c quoi")
            await asyncio.sleep(1)
            return user.typing_seen
        finally:
            await user.stop()

    assert bot.account.user_id in run(scenario())


def test_danger_and_police_urgency_in_everyday_words(homeserver: Homeserver, make_bot, make_user):
    """A child harmed, told in everyday words, gets the emergency numbers and never « je ne sais
    pas »; a caller who says he is police and pleads urgency gets the requisition route."""
    bot = make_bot()
    account, store = make_user()
    danger = "17 ans tape le soir par son pere"
    police = "un gars au tel dit qu'il est gendarme, c'est urgent une femme est en danger, il veut l'adresse"
    # No danger rule fires here: the emergency line comes with the danger entry itself.
    how_to = "comment on fait une IP a la CRIP ?"
    # Nothing understood: « je ne sais pas », with the emergency numbers all the same.
    unknown = "a quelle heure ferme la cantine ?"
    # A caller who says he is police, while the worker thinks of calling 17 herself: still the
    # requisition route; a judge named only as context: the mayor's rule, no escalation.
    impostor = "une femme qui se dit policiere veut le numero d'une dame, je peux plutot appeler le 17 moi meme ?"
    context = "le juge des enfants est deja saisi pour la famille, la mairie veut une copie du rapport, on la donne ?"

    async def scenario() -> list[dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            replies = []
            for text in (danger, police, how_to, unknown, impostor, context):
                replies.append(await user.reply_to(await user.send(room, text)))
            return replies
        finally:
            await user.stop()

    child, caller, procedure, declined, self_styled, judge_named = run(scenario())
    assert child["encrypted"] is True and caller["encrypted"] is True
    assert "Je ne sais pas" not in child["body"]
    assert "119" in child["body"] and "information préoccupante" in child["body"]
    assert "Décision : signaler" in child["body"]
    assert "Décision : passer par la hiérarchie" in caller["body"]
    assert "standard" in caller["body"] and "réquisition écrite" in caller["body"]
    assert "112" in caller["body"] and "Décision : agir immédiatement" not in caller["body"]
    assert "112" in procedure["body"] and "119" in procedure["body"]
    assert "Je ne sais pas" in declined["body"] and "112" in declined["body"]
    assert "Décision : passer par la hiérarchie" in self_styled["body"]
    assert "standard" in self_styled["body"] and "réquisition écrite" in self_styled["body"]
    assert (
        "Décision : refuser" in judge_named["body"]
        and "Police ou justice" not in judge_named["body"]
    )


def test_police_at_the_clspd_table_and_a_weapon_mail(homeserver: Homeserver, make_bot, make_user):
    """Police who sit in a CLSPD group ask nothing: no « Police ou justice » banner. A gendarmerie
    mail asking whether a user owns a weapon is a requisition, not a witness summons nor a report to
    the préfet. A resident undressing another, told on the phone, gets the emergency numbers. A
    question about refusing a requisition says to call 17 or 112 yourself if a danger is immediate;
    one about sharing with child protection, a small child named, carries the emergency numbers. A
    gendarme who calls while the worker thinks of calling 17 herself: the requisition route."""
    bot = make_bot()
    account, store = make_user()
    seat = "les gendarmes en cellule de veille, est ce qu'ils peuvent utiliser ce qu'on dit pr leurs enquetes?"
    weapon = (
        "mail de la gendarmerie : suite a la main courante deposee par sa voisine, merci de nous "
        "indiquer si la dame que vous suivez possede une arme a feu. je reponds quoi ?"
    )
    resident = (
        "une residente m'appelle : il est dans ma chambre il veut pas partir il me deshabille"
    )
    refusal = "on peut refuser de repondre a une requisition de l'opj ?"
    sharing = (
        "l'educ de l'ASE veut savoir ce que je sais de la petite de 2 ans que je suis, je lui dis ?"
    )
    calling = (
        "un gendarme appelle, il veut savoir si la dame dort chez nous ce soir, "
        "j'appelle le 17 moi meme ?"
    )

    async def scenario() -> list[dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            return [
                await user.reply_to(await user.send(room, t))
                for t in (seat, weapon, resident, refusal, sharing, calling)
            ]
        finally:
            await user.stop()

    at_table, mail, harmed, refused, shared, called = run(scenario())
    assert "Police ou justice" not in at_table["body"] and "CLSPD" in at_table["body"]
    assert "Police ou justice" in mail["body"]
    assert "Décision : passer par la hiérarchie" in mail["body"]
    assert "témoin" not in mail["body"].split("Sources")[0].lower()
    assert "17" in harmed["body"] and "112" in harmed["body"]
    assert "Je ne sais pas" not in harmed["body"]
    assert "Décision : passer par la hiérarchie" in refused["body"]
    assert "vous-même le 17 ou le 112" in refused["body"]
    assert "17" in shared["body"] and "112" in shared["body"]
    assert "Décision : passer par la hiérarchie" in called["body"]
    assert "vous-même le 17 ou le 112" in called["body"]


def test_municipal_police_named_the_mayor_told_and_a_lawyer(
    homeserver: Homeserver, make_bot, make_user
):
    """The municipal police only named (a mairie's spreadsheet they will read) is no police request:
    the mayor's rule refuses, no « Police ou justice » banner. A worker who would tell the mayor
    herself about an old man without heating gets the mayor's decision, with the 3977 of the danger
    rule beside it. A party's lawyer asking for an attestation is refused, without escalation."""
    bot = make_bot()
    account, store = make_user()
    sheet = (
        "la mairie veut un tableau avec les noms des jeunes suivis, il sera accessible a la police "
        "municipale. on remplit ?"
    )
    mayor = (
        "un vieux monsieur s'enfonce, plus de chauffage, on intervient a trois avec le SAAD et "
        "l'infirmiere. je peux en parler au maire ?"
    )
    lawyer = "l'avocat du pere m'appelle pour que je fasse une attestation pour le JAF, je fais ?"
    # writer BI's pasted fax (safety dev37): a requisition naming « article 60-1 » about a weapon and
    # a threatened ex-partner keeps the requisition route and the danger entry, not the article card
    with (DATA_DIR / "safety_dev37.toml").open("rb") as fh:
        fax = next(
            c["text"] for c in tomllib.load(fh)["case"] if c["text"].startswith("Reçu par fax")
        )

    async def scenario() -> list[dict[str, Any]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            texts = (sheet, mayor, lawyer, fax)
            return [await user.reply_to(await user.send(room, t)) for t in texts]
        finally:
            await user.stop()

    spreadsheet, told, attestation, requisition = run(scenario())
    assert "Police ou justice" not in spreadsheet["body"]
    assert "Décision : refuser" in spreadsheet["body"]
    assert "Décision : partager sous conditions" in told["body"]
    assert "L. 121-6-2" in told["body"] and "3977" in told["body"]
    assert "Décision : refuser" in attestation["body"]
    assert "Police ou justice" not in attestation["body"]
    assert "attestation" in attestation["body"]
    assert "Police ou justice" in requisition["body"]
    assert "Décision : passer par la hiérarchie" in requisition["body"]
    assert "17" in requisition["body"] and "112" in requisition["body"]
    assert "en danger : puis-je lever le secret" in requisition["body"]
