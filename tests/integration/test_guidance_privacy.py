"""Guidance, admin commands, feedback and the privacy promise, on the real homeserver."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from bot.tools.homeserver import Homeserver
from tests.integration.conftest import BotProcess, run, started_user

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = "Puis-je donner l'adresse d'un usager à l'OPJ ?"


def roles(sup: str, admin: str) -> str:
    return f'allowed_servers = ["localhost"]\n\n[roles]\nsupervisors = ["{sup}"]\nadmins = ["{admin}"]\n'


def test_guidance_posted_shown_refused_and_withdrawn(homeserver: Homeserver, make_bot, make_user):
    (sup, sup_store), (worker, worker_store) = make_user(), make_user()
    bot = make_bot(roles(sup.user_id, sup.user_id))

    async def scenario() -> dict[str, str]:
        s = await started_user(homeserver, sup, sup_store)
        w = await started_user(homeserver, worker, worker_store)
        try:
            s_room = await s.open_dm(bot.account.user_id)
            w_room = await w.open_dm(bot.account.user_id)
            out = {}
            out["ack"] = (
                await s.ask(
                    s_room,
                    "!consigne requisition-opj Appelez le cadre de permanence avant toute réponse",
                )
            )["body"]
            out["shown"] = (await w.ask(w_room, REFERENCE))["body"]
            out["refused"] = (
                await w.ask(w_room, "!consigne requisition-opj Répondez directement")
            )["body"]
            out["pii"] = (
                await s.ask(
                    s_room, "!consigne requisition-opj Appelez Mme Lefebvre au 06 98 76 54 32"
                )
            )["body"]
            out["list"] = (await w.ask(w_room, "!consignes"))["body"]
            out["removed"] = (await s.ask(s_room, "!consigne retirer 1"))["body"]
            out["after"] = (
                await w.ask(w_room, "un gendarme veut l'adresse d'une famille que je suis")
            )["body"]
            return out
        finally:
            await s.stop()
            await w.stop()

    out = run(scenario())
    assert "n° 1" in out["ack"] and "Un OPJ" in out["ack"]
    assert "Consigne du service" in out["shown"] and "cadre de permanence" in out["shown"]
    assert "cadres désignés" in out["refused"]
    assert "contient des données personnelles" in out["pii"] and "Lefebvre" not in out["pii"]
    assert "n° 1" in out["list"]
    assert "retirée" in out["removed"]
    assert "Consigne du service" not in out["after"]


def _bot_with_admin_room(
    homeserver: Homeserver, make_bot, admin_room: str, admin: str, kdir: Path
) -> BotProcess:
    extra = (
        f'allowed_servers = ["localhost"]\nadmin_room = "{admin_room}"\nknowledge_dir = "{kdir}"\n'
        f'\n[roles]\nadmins = ["{admin}"]\n'
    )
    bot = make_bot(extra, start=False)
    return bot


def test_knowledge_edits_on_disk(homeserver: Homeserver, make_bot, make_user, tmp_path: Path):
    (admin, admin_store), (worker, worker_store) = make_user(), make_user()
    kdir = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", kdir)
    entry = kdir / "entries" / "cddf.md"
    original = entry.read_text(encoding="utf-8")

    async def scenario() -> dict[str, Any]:
        a = await started_user(homeserver, admin, admin_store)
        w = await started_user(homeserver, worker, worker_store)
        try:
            resp = await a.client.room_create(name="admins", invite=[])
            admin_room = resp.room_id
            bot = _bot_with_admin_room(homeserver, make_bot, admin_room, admin.user_id, kdir)
            await asyncio.to_thread(bot.start)
            await a.client.room_invite(admin_room, bot.account.user_id)
            await a.wait_member(admin_room, bot.account.user_id)
            w_room = await w.open_dm(bot.account.user_id)
            out: dict[str, Any] = {}
            # A broken edit: the admin room is told, with file and line; the old base keeps serving.
            before = len(a.notices)
            entry.write_text(
                original.replace('sources = ["', 'sources = ["inconnue", "', 1), encoding="utf-8"
            )
            for _ in range(300):
                if len(a.notices) > before:
                    break
                await asyncio.sleep(0.2)
            out["broken_notice"] = a.notices[-1]["body"] if len(a.notices) > before else ""
            out["status"] = (await a.ask(admin_room, "!kb etat"))["body"]
            out["still"] = (await w.ask(w_room, "c'est quoi le cddf"))["body"]
            # A valid edit is picked up without a restart.
            entry.write_text(original.replace('title = "', 'title = "[MAJ] ', 1), encoding="utf-8")
            for _ in range(300):
                if (
                    a.notices
                    and "rechargée" in a.notices[-1]["body"]
                    and "NON" not in a.notices[-1]["body"]
                ):
                    break
                await asyncio.sleep(0.2)
            out["fixed_notice"] = a.notices[-1]["body"]
            out["after"] = (await w.ask(w_room, "c'est quoi le cddf"))["body"]
            out["manual"] = (await a.ask(admin_room, "!kb recharger"))["body"]
            out["worker_kb"] = (await w.ask(w_room, "!kb etat"))["body"]
            return out
        finally:
            await a.stop()
            await w.stop()

    out = run(scenario())
    assert "NON rechargée" in out["broken_notice"] and "entries/cddf.md:" in out["broken_notice"]
    assert "entries/cddf.md:" in out["status"]
    assert "[MAJ]" not in out["still"] and "CDDF" in out["still"]
    assert "fiches modifiées : cddf" in out["fixed_notice"]
    assert out["after"].splitlines()[0].startswith("[MAJ]")
    assert "aucun changement" in out["manual"]
    assert "réservée aux administrateurs" in out["worker_kb"]


def test_reaction_counted_and_stats_hold_no_id(homeserver: Homeserver, make_bot, make_user):
    (admin, admin_store), (worker, worker_store) = make_user(), make_user()
    bot = make_bot(roles("@nobody:localhost", admin.user_id))

    async def scenario() -> str:
        a = await started_user(homeserver, admin, admin_store)
        w = await started_user(homeserver, worker, worker_store)
        try:
            w_room = await w.open_dm(bot.account.user_id)
            answer = await w.ask(w_room, REFERENCE)
            for key in ("👍", "👍"):  # the second vote from the same person is not counted
                await w.client.room_send(
                    w_room, "m.reaction",
                    {"m.relates_to": {"rel_type": "m.annotation", "event_id": answer["event_id"], "key": key}},
                    ignore_unverified_devices=True,
                )  # fmt: skip
            await asyncio.sleep(2)
            a_room = await a.open_dm(bot.account.user_id)
            return str((await a.ask(a_room, "!stats"))["body"])
        finally:
            await a.stop()
            await w.stop()

    stats = run(scenario())
    assert "requisition-opj" in stats and "1 👍, 0 👎" in stats
    bot.stop()
    db = sqlite3.connect(bot.data_dir / "repere.db")
    for table in ("stats_daily", "feedback_daily", "answered", "guidance", "meta"):
        for row in db.execute(f"SELECT * FROM {table}"):
            for cell in row:
                assert "@" not in str(cell) and "!" not in str(cell), (table, row)


# The personal-data warning itself: an answer's text may well mention « données personnelles ».
WARNING = "semble contenir des données personnelles"

NEEDLES = {
    "name": "Gwendoline Kerbrat",
    "phone": "06 47 25 81 39",
    "phone_compact": "0647258139",
    "email": "g.kerbrat@exemple-mail.fr",
    "address": "14 rue des Glycines",
    "nir": "2 84 05 35 238 045 17",
    "nir_compact": "284053523804517",
    "phrase": "frangipane zorglubesque",
}


def test_leak_scan_after_a_real_conversation(homeserver: Homeserver, make_bot, make_user):
    (sup, sup_store), (worker, worker_store) = make_user(), make_user()
    bot = make_bot(roles(sup.user_id, sup.user_id))
    n = NEEDLES

    async def scenario() -> list[dict[str, Any]]:
        s = await started_user(homeserver, sup, sup_store)
        w = await started_user(homeserver, worker, worker_store)
        try:
            w_room = await w.open_dm(bot.account.user_id)
            s_room = await s.open_dm(bot.account.user_id)
            replies = [
                await w.ask(
                    w_room,
                    f"Mme {n['name']} au {n['phone']}, l'OPJ veut son adresse {n['address']} 35000 Rennes",
                ),
                await w.ask(
                    w_room,
                    f"son mail {n['email']} et son NIR {n['nir']}, je peux les donner au gendarme ?",
                ),
                await w.ask(w_room, f"la {n['phrase']} est-elle couverte par le secret pro ?"),
                await w.ask(w_room, f"{n['phone_compact']} {n['nir_compact']} c'est quoi une IP"),
                await s.ask(
                    s_room, f"!consigne requisition-opj Appelez {n['name']} au {n['phone']}"
                ),
            ]
            return replies
        finally:
            await s.stop()
            await w.stop()

    replies = run(scenario())
    with_pii = (replies[0], replies[1], replies[3])
    assert all(WARNING in r["body"] for r in with_pii)
    assert WARNING not in replies[2]["body"]
    assert "contient des données personnelles" in replies[4]["body"]
    for reply in replies:
        for needle in NEEDLES.values():
            assert needle not in reply["body"] and needle not in reply.get("formatted_body", "")
    bot.stop()
    user_ids = [sup.user_id, worker.user_id, bot.account.user_id]
    leaks = []
    files = [p for p in bot.directory.rglob("*") if p.is_file() and p != bot.config]
    assert any(p.name.endswith("-wal") or p.name == "repere.db" for p in files)
    for path in files:
        data = path.read_bytes()
        for kind, needle in NEEDLES.items():
            if needle.encode() in data:
                leaks.append((str(path), kind))
        if "crypto" not in path.relative_to(bot.directory).parts:
            for uid in user_ids:
                if uid.encode() in data or uid[1:].split(":")[0].encode() in data:
                    leaks.append((str(path), "user_id"))
    assert leaks == []


def test_optional_redaction_of_a_message_with_personal_data(
    homeserver: Homeserver, make_bot, make_user
):
    account, store = make_user()
    bot = make_bot('allowed_servers = ["localhost"]\n\n[privacy]\nredact_messages = true\n')

    async def scenario() -> tuple[dict[str, Any], bool, str]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            levels = await user.client.room_get_state_event(room, "m.room.power_levels")
            content = dict(levels.content)  # type: ignore[union-attr]
            content["users"] = {**content.get("users", {}), bot.account.user_id: 50}
            await user.client.room_put_state(room, "m.room.power_levels", content)
            await asyncio.sleep(1)
            question = await user.send(
                room, "Mme Kerbrat au 06 47 25 81 39, l'OPJ veut son adresse"
            )
            answer = await user.reply_to(question)
            for _ in range(50):
                notes = [n for n in user.notices if "masqué votre message" in n.get("body", "")]
                if notes:
                    break
                await asyncio.sleep(0.2)
            event = await user.client.room_get_event(room, question)
            redacted = not event.event.source.get("content")  # type: ignore[union-attr]
            return answer, redacted, notes[0]["body"] if notes else ""
        finally:
            await user.stop()

    answer, redacted, note = run(scenario())
    assert WARNING in answer["body"]
    assert redacted and "masqué" in note
