"""Guidance, admin commands and the store, with real SQLite (no Matrix here)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.config import Config, PrivacySettings, Roles
from bot.conversation.commands import parse_command
from bot.conversation.guidance import GuidanceError, guidance_for, parse_guidance, resolve_target
from bot.conversation.reports import guidance_toml
from bot.conversation.rights import Caller
from bot.engine.answer import Engine
from bot.engine.knowledge import KnowledgeBase
from bot.engine.reload import EngineHolder, diff
from bot.matrix.command_runner import ChatCommands, format_stats
from bot.storage.store import Store

TODAY = dt.date(2026, 11, 25)
SUP = "@cadre:localhost"
ADMIN = "@admin:localhost"
WORKER = "@as:localhost"


def test_parse_guidance_forms():
    add = parse_guidance(
        "consigne", "requisition-opj Appelez le cadre --jusqu-au 2026-12-31", TODAY
    )
    assert (add.action, add.target, add.text, add.expires) == (
        "add",
        "requisition-opj",
        "Appelez le cadre",
        dt.date(2026, 12, 31),
    )
    assert parse_guidance("consigne", "retirer 4", TODAY).number == 4
    edit = parse_guidance("consigne", "modifier 2  nouveau   texte", TODAY)
    assert (edit.action, edit.number, edit.text) == ("edit", 2, "nouveau texte")
    assert parse_guidance("consignes", "", TODAY).action == "list"


@pytest.mark.parametrize(
    "argument",
    [
        "",
        "requisition-opj",
        "retirer x",
        "x y --jusqu-au 31/12/2026",
        "x y --jusqu-au 2020-01-01",
        "x " + "a" * 501,
    ],
)
def test_parse_guidance_errors(argument: str):
    with pytest.raises(GuidanceError):
        parse_guidance("consigne", argument, TODAY)


def test_targets_by_id_tag_and_suggestions(kb: KnowledgeBase):
    target, entries = resolve_target(kb, "requisition-opj")
    assert target == "requisition-opj" and [e.id for e in entries] == ["requisition-opj"]
    tag = next(iter(kb.entries["requisition-opj"].tags))
    _, tagged = resolve_target(kb, tag.upper())
    assert "requisition-opj" in {e.id for e in tagged}
    with pytest.raises(GuidanceError, match="requisition"):
        resolve_target(kb, "requisiton-opj")


def _commands(
    engine: Engine, store: Store, tmp: Path | None = None, **privacy: bool
) -> ChatCommands:
    config = Config(
        roles=Roles(frozenset({SUP}), frozenset({ADMIN})), privacy=PrivacySettings(**privacy)
    )
    return ChatCommands(config, EngineHolder(engine, tmp), store)


def who(user: str, direct: bool = True, level: int = 0) -> Caller:
    return Caller(user, "!room:localhost", direct, level)


def test_guidance_lifecycle(engine: Engine, tmp_path: Path):
    async def scenario() -> list[str]:
        async with Store(tmp_path / "db.sqlite") as store:
            chat = _commands(engine, store)
            out = []
            for user, text in (
                (WORKER, "!consigne requisition-opj Appelez le cadre"),
                (
                    SUP,
                    "!consigne requisition-opj Appelez le cadre de permanence --jusqu-au 2099-01-01",
                ),
                (SUP, "!consigne requisition-opj Appelez Mme Dupont au 06 12 34 56 78"),
                (SUP, "!consigne requisiton Appelez le cadre"),
                (WORKER, "!consignes"),
                (SUP, "!consigne modifier 1 Appelez le cadre d'astreinte"),
                (SUP, "!consigne retirer 1"),
                (SUP, "!consignes"),
            ):
                command = parse_command(text)
                assert command is not None
                reply = await chat.handle(command, who(user))
                assert reply is not None
                out.append(reply.text)
            return out

    refused, ack, pii, unknown, listed, edited, removed, empty = asyncio.run(scenario())
    assert "cadres désignés" in refused
    assert "n° 1" in ack and "Un OPJ" in ack and "01/01/2099" in ack
    assert "contient des données personnelles" in pii and "cadre de permanence" in pii
    assert "Dupont" not in pii and "06 12" not in pii
    assert "requisition" in unknown
    assert "n° 1" in listed and "Appelez le cadre de permanence" in listed
    assert "modifiée" in edited and "retirée" in removed
    assert "Aucune consigne" in empty


def test_guidance_expires_by_itself(tmp_path: Path, kb: KnowledgeBase):
    async def scenario() -> tuple[int, int]:
        async with Store(tmp_path / "db.sqlite") as store:
            await store.add_guidance("requisition-opj", "texte", dt.date.today())
            now = len(await store.active_guidance())
            later = len(await store.active_guidance(dt.date.today() + dt.timedelta(days=1)))
            return now, later

    assert asyncio.run(scenario()) == (1, 0)


def test_guidance_shows_under_entry_and_tag(kb: KnowledgeBase, tmp_path: Path):
    tag = kb.entries["clspd-que-dire"].tags[0]

    async def scenario():
        async with Store(tmp_path / "db.sqlite") as store:
            await store.add_guidance("requisition-opj", "A", None)
            from bot.engine.normalize import fold

            await store.add_guidance(fold(tag), "B", None)
            return await store.active_guidance()

    rows = asyncio.run(scenario())
    assert [g.text for g in guidance_for(kb.entries["requisition-opj"], rows)] == ["A"]
    assert [g.text for g in guidance_for(kb.entries["clspd-que-dire"], rows)] == ["B"]


def test_moderators_only_when_configured(engine: Engine, tmp_path: Path):
    async def scenario(moderators: bool) -> str:
        async with Store(tmp_path / f"{moderators}.sqlite") as store:
            config = Config(roles=Roles(moderators_are_supervisors=moderators))
            chat = ChatCommands(config, EngineHolder(engine, None), store)
            cmd = parse_command("!consigne requisition-opj Appelez le cadre")
            assert cmd is not None
            reply = await chat.handle(cmd, who(WORKER, level=100))
            assert reply is not None
            return reply.text

    assert "cadres désignés" in asyncio.run(scenario(False))
    assert "enregistrée" in asyncio.run(scenario(True))


def test_admin_commands_need_admin_and_place(engine: Engine, tmp_path: Path):
    async def scenario() -> list[str]:
        async with Store(tmp_path / "db.sqlite") as store:
            chat = _commands(engine, store)
            out = []
            for user, direct, text in (
                (WORKER, True, "!kb etat"),
                (SUP, True, "!stats"),
                (ADMIN, False, "!kb etat"),
                (ADMIN, True, "!kb etat"),
                (ADMIN, True, "!kb test un opj veut l'adresse"),
                (ADMIN, True, "!kb questions"),
            ):
                command = parse_command(text)
                assert command is not None
                reply = await chat.handle(command, who(user, direct))
                assert reply is not None
                out.append(reply.text)
            return out

    worker, sup, group, status, test, questions = asyncio.run(scenario())
    assert "réservée aux administrateurs" in worker and "réservée aux administrateurs" in sup
    assert "salon d'administration" in group
    assert "31 fiches" in status and "Erreurs en cours : aucune" in status
    assert "requisition-opj" in test and "demandeur.police" in test
    assert "désactivé" in questions


def test_stats_are_anonymous_aggregates(tmp_path: Path):
    async def scenario() -> tuple[str, list[tuple[str, ...]]]:
        async with Store(tmp_path / "db.sqlite") as store:
            for entry, status in (
                ("requisition-opj", "answered"),
                ("requisition-opj", "answered"),
                (None, "no_match"),
            ):
                await store.count_answer(entry, status)
            await store.count_feedback("requisition-opj", True)
            text = await format_stats(store, "semaine")
            async with store.db.execute("SELECT * FROM stats_daily") as cur:
                rows = [tuple(str(c) for c in r) for r in await cur.fetchall()]
            return text, rows

    text, rows = asyncio.run(scenario())
    assert "3 questions" in text and "sans réponse 33%" in text
    assert "requisition-opj : 2" in text and "1 👍, 0 👎" in text
    for row in rows:
        assert not any(c.startswith(("@", "!", "$")) for c in row)


def test_unanswered_are_scrubbed_and_purged(engine: Engine, tmp_path: Path):
    async def scenario() -> tuple[list[str], int]:
        async with Store(tmp_path / "db.sqlite") as store:
            scrubbed = engine.scanner.scrub("Mme Dupont 06 12 34 56 78 veut savoir la cantine")  # type: ignore[attr-defined]
            await store.record_unanswered(scrubbed)
            kept = [t for _, t in await store.unanswered()]
            await store.db.execute("UPDATE unanswered SET day = '2000-01-01'")
            await store.db.commit()
            await store.purge(30)
            return kept, len(await store.unanswered())

    kept, after = asyncio.run(scenario())
    assert "Dupont" not in kept[0] and "06 12" not in kept[0] and "[TÉLÉPHONE]" in kept[0]
    assert after == 0


def test_reload_keeps_old_base_on_error_and_reports_changes(engine: Engine, tmp_path: Path):
    kdir = tmp_path / "knowledge"
    shutil.copytree(Path(engine.kb.directory), kdir)
    holder = EngineHolder(engine, kdir)
    entry = kdir / "entries" / "cddf.md"
    original = entry.read_text(encoding="utf-8")
    entry.write_text(original.replace('sources = ["', 'sources = ["nope", "', 1), encoding="utf-8")
    errors = holder.reload()
    assert isinstance(errors, list) and any("entries/cddf.md:" in e for e in errors)
    assert holder.engine is engine
    entry.write_text(original.rstrip() + "\n\nUne phrase ajoutée.\n", encoding="utf-8")
    changes = holder.reload()
    assert not isinstance(changes, list)
    assert changes.entries_changed == ("cddf",) and holder.engine is not engine


def test_diff_detects_added_and_removed(kb: KnowledgeBase):
    from dataclasses import replace

    smaller = replace(
        kb, entries={k: v for k, v in kb.entries.items() if k != "cddf"}, rules=kb.rules[1:]
    )
    d = diff(kb, smaller)
    assert d.entries_removed == ("cddf",) and d.rules_removed == (kb.rules[0].id,)
    assert diff(smaller, kb).entries_added == ("cddf",)


def test_guidance_export_is_valid_toml(tmp_path: Path):
    import tomllib

    from bot.conversation.records import GuidanceRow

    rows = [GuidanceRow(1, "requisition-opj", 'Dire "non" \\ puis appeler', TODAY, None)]
    data = tomllib.loads(guidance_toml(rows))
    assert data["consigne"][0]["texte"] == 'Dire "non" \\ puis appeler'
