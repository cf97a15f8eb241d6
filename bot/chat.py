"""Chat commands for everyone, supervisors (`!consigne`) and admins (`!kb`, `!stats`)."""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.commands import Command
from bot.config import Config
from bot.engine import NO_MATCH
from bot.guidance import GuidanceError, parse_guidance, resolve_target
from bot.reload import EngineHolder, KbDiff
from bot.render import PERSONAL_DATA_LABELS, Reply
from bot.store import GuidanceRow, Store

SUPERVISOR_LEVEL = 50


def text_reply(text: str) -> Reply:
    """A plain message, its HTML form escaped line by line."""
    lines = [html.escape(line) for line in text.strip().splitlines()]
    return Reply(text.strip(), "<p>" + "<br/>".join(lines) + "</p>")


@dataclass(frozen=True)
class Caller:
    """Who typed a command, and where: used for authorisation only, never stored."""

    user_id: str
    room_id: str
    direct: bool
    power_level: int


class ChatCommands:
    def __init__(self, config: Config, holder: EngineHolder, store: Store) -> None:
        self.config = config
        self.roles = config.roles
        self.holder = holder
        self.store = store
        self.started = time.time()

    # --- who may do what --------------------------------------------------------------------

    def is_admin(self, caller: Caller) -> bool:
        return caller.user_id in self.roles.admins

    def is_supervisor(self, caller: Caller) -> bool:
        """Configured supervisors; room moderators only if the operator chose so (docs)."""
        if caller.user_id in self.roles.supervisors:
            return True
        return self.roles.moderators_are_supervisors and caller.power_level >= SUPERVISOR_LEVEL

    def admin_place(self, caller: Caller) -> bool:
        return caller.direct or caller.room_id == self.config.bot.admin_room

    # --- dispatch ---------------------------------------------------------------------------

    async def handle(self, command: Command, caller: Caller) -> Reply | None:
        """A reply for guidance, admin and stats commands; None for the others."""
        if command.name in ("consigne", "consignes"):
            return await self.guidance(command, caller)
        if command.name in ("kb", "stats"):
            if not self.is_admin(caller):
                return text_reply(
                    "Cette commande est réservée aux administrateurs de la base, désignés dans la "
                    "configuration du robot."
                )
            if not self.admin_place(caller):
                return text_reply(
                    "Les commandes d'administration se tapent dans le salon d'administration ou "
                    "en conversation directe avec moi."
                )
            if command.name == "stats":
                return await self.stats(command.argument)
            return await self.kb(command.argument)
        return None

    # --- guidance ---------------------------------------------------------------------------

    async def guidance(self, command: Command, caller: Caller) -> Reply:
        today = dt.date.today()
        try:
            parsed = parse_guidance(command.name, command.argument, today)
        except GuidanceError as exc:
            if command.name == "consigne" and not self.is_supervisor(caller):
                return self._refusal()
            return text_reply(str(exc))
        if parsed.action == "list":
            return await self._list_guidance()
        if not self.is_supervisor(caller):
            return self._refusal()
        if parsed.action == "remove":
            done = await self.store.withdraw_guidance(parsed.number)
            return text_reply(
                f"Consigne n° {parsed.number} retirée."
                if done
                else f"Il n'y a pas de consigne active n° {parsed.number} (voir !consignes)."
            )
        found = self.holder.engine.scanner.kinds(parsed.text)
        if found:
            kinds = ", ".join(PERSONAL_DATA_LABELS.get(k, k) for k in found)
            return text_reply(
                f"Consigne refusée : elle contient des données personnelles ({kinds}). "
                "Nommez plutôt un rôle, par exemple « le cadre de permanence », "
                "« le secrétariat du CDAS »."
            )
        if parsed.action == "edit":
            row = await self.store.get_guidance(parsed.number)
            if row is None or not await self.store.edit_guidance(parsed.number, parsed.text):
                return text_reply(
                    f"Il n'y a pas de consigne active n° {parsed.number} (voir !consignes)."
                )
            return text_reply(f"Consigne n° {parsed.number} modifiée.")
        kb = self.holder.engine.kb
        try:
            target, entries = resolve_target(kb, parsed.target)
        except GuidanceError as exc:
            return text_reply(str(exc))
        number = await self.store.add_guidance(target, parsed.text, parsed.expires)
        where = "\n".join(f"- {e.title}" for e in entries)
        until = (
            f"Elle expire le {parsed.expires:%d/%m/%Y}."
            if parsed.expires
            else f"Elle n'a pas de date de fin : retirez-la avec !consigne retirer {number}."
        )
        return text_reply(
            f"Consigne n° {number} enregistrée. Elle apparaîtra sous les réponses suivantes :\n"
            f"{where}\n{until}"
        )

    def _refusal(self) -> Reply:
        return text_reply(
            "Seuls les cadres désignés dans la configuration du robot peuvent publier ou modifier "
            "des consignes. Adressez-vous à votre cadre ; vous pouvez lire les consignes en vigueur "
            "avec !consignes."
        )

    async def _list_guidance(self) -> Reply:
        rows = await self.store.active_guidance()
        if not rows:
            return text_reply("Aucune consigne de service en vigueur.")
        lines = ["Consignes de service en vigueur :"]
        for r in rows:
            until = f", jusqu'au {r.expires:%d/%m/%Y}" if r.expires else ""
            lines.append(f"n° {r.number} [{r.target}] ({r.posted:%d/%m/%Y}{until}) : {r.text}")
        return text_reply("\n".join(lines))

    # --- admin ------------------------------------------------------------------------------

    async def kb(self, argument: str) -> Reply:
        sub, _, rest = argument.strip().partition(" ")
        sub = sub.lower()
        if sub == "recharger":
            return text_reply(describe_reload(self.holder.reload()))
        if sub == "etat" or sub == "état":
            return text_reply(self._status())
        if sub == "test" and rest.strip():
            return text_reply(self._test(rest.strip()))
        if sub == "questions":
            return await self._questions()
        if sub in ("exporter-consignes", "exporter"):
            path = await export_guidance(self.store, self.holder.knowledge_dir)
            return text_reply(
                f"Consignes exportées dans {path.name} (dossier knowledge/), à relire."
            )
        return text_reply(
            "Commandes : !kb recharger, !kb etat, !kb test <question>, !kb questions, "
            "!kb exporter-consignes, !stats [semaine|mois]."
        )

    def _status(self) -> str:
        kb = self.holder.engine.kb
        uptime = int(time.time() - self.started)
        loaded = dt.datetime.fromtimestamp(self.holder.loaded_at).strftime("%d/%m/%Y %H:%M")
        errors = "\n".join(self.holder.errors) if self.holder.errors else "aucune"
        return (
            f"Base vérifiée le {kb.checked:%d/%m/%Y} : {len(kb.entries)} fiches, "
            f"{len(kb.rules)} règles, {len(kb.sources)} sources.\n"
            f"Dernier chargement : {loaded}. En service depuis {uptime // 3600} h "
            f"{uptime % 3600 // 60} min.\nErreurs en cours : {errors}"
        )

    def _test(self, question: str) -> str:
        answer = self.holder.engine.answer(question)
        lines = [
            f"Statut : {answer.status} ; fiche : {answer.entry_id or '-'} ; "
            f"confiance {answer.confidence:.2f} ; escalade : {'oui' if answer.escalate else 'non'} ; "
            f"décision : {answer.decision or '-'}",
            "Candidates : "
            + (", ".join(f"{c.entry_id} ({c.confidence:.2f})" for c in answer.candidates) or "-"),
            *answer.trace,
        ]
        return "\n".join(lines)

    async def _questions(self) -> Reply:
        if not self.config.privacy.record_unanswered:
            return text_reply(
                "L'enregistrement des questions sans réponse est désactivé "
                "([privacy] record_unanswered = false)."
            )
        rows = await self.store.unanswered()
        if not rows:
            return text_reply("Aucune question sans réponse enregistrée.")
        return text_reply(
            "Questions sans réponse (données personnelles masquées) :\n"
            + "\n".join(f"{d:%d/%m/%Y} : {t}" for d, t in rows)
        )

    async def stats(self, argument: str) -> Reply:
        return text_reply(await format_stats(self.store, argument.strip().lower() or "semaine"))


def describe_reload(result: KbDiff | list[str]) -> str:
    if isinstance(result, KbDiff):
        return f"Base rechargée : {result.summary()}."
    return "Base NON rechargée : l'ancienne version reste en service. Erreurs :\n" + "\n".join(
        result
    )


async def format_stats(store: Store, period: str) -> str:
    days = 30 if period.startswith("mois") else 7
    since = dt.date.today() - dt.timedelta(days=days - 1)
    stats, feedback = await store.stats(since)
    total = sum(r.count for r in stats)
    label = "30 derniers jours" if days == 30 else "7 derniers jours"
    if total == 0:
        return f"Aucune question sur les {label}."
    no_match = sum(r.count for r in stats if r.status == NO_MATCH)
    clarify = sum(r.count for r in stats if r.status == "clarify")
    lines = [
        f"Statistiques anonymes, {label} : {total} questions ; "
        f"sans réponse {no_match / total:.0%} ; demandes de précision {clarify / total:.0%}.",
        "Questions par fiche :",
    ]
    per_entry: dict[str, int] = {}
    for r in stats:
        if r.entry_id and r.status == "answered":
            per_entry[r.entry_id] = per_entry.get(r.entry_id, 0) + r.count
    lines += [f"- {e} : {n}" for e, n in sorted(per_entry.items(), key=lambda x: (-x[1], x[0]))]
    if feedback:
        lines.append("Avis 👍/👎 par fiche :")
        lines += [f"- {f.entry_id} : {f.up} 👍, {f.down} 👎" for f in feedback]
    return "\n".join(lines)


async def export_guidance(store: Store, knowledge_dir: Path) -> Path:
    """Active guidance as TOML in knowledge/, to review and commit as permanent content."""
    rows = await store.active_guidance()
    path = knowledge_dir / f"consignes-export-{dt.date.today():%Y-%m-%d}.toml"
    path.write_text(guidance_toml(rows), encoding="utf-8")
    return path


def guidance_toml(rows: Sequence[GuidanceRow]) -> str:
    out = [
        "# Consignes de service exportées par !kb exporter-consignes. À relire avant d'en faire",
        "# du contenu permanent (une fiche ou un paragraphe de fiche). Ce fichier n'est pas chargé.",
        "",
    ]
    for r in rows:
        out += [
            "[[consigne]]",
            f"numero = {r.number}",
            f"cible = {_toml_str(r.target)}",
            f"texte = {_toml_str(r.text)}",
            f"publiee_le = {r.posted.isoformat()}",
        ]
        if r.expires is not None:
            out.append(f"expire_le = {r.expires.isoformat()}")
        out.append("")
    return "\n".join(out)


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'
