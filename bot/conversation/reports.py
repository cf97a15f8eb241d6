"""What the stored commands say back (pure): lists, status, statistics, reload, export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.conversation.records import FeedbackRow, GuidanceRow, StatRow
from bot.engine.answer import CLARIFY, NO_MATCH
from bot.engine.knowledge import KnowledgeBase
from bot.engine.reload import KbDiff


def guidance_added(number: int, titles: Sequence[str], expires: dt.date | None) -> str:
    where = "\n".join(f"- {t}" for t in titles)
    until = (
        f"Elle expire le {expires:%d/%m/%Y}."
        if expires
        else f"Elle n'a pas de date de fin : retirez-la avec !consigne retirer {number}."
    )
    return (
        f"Consigne n° {number} enregistrée. Elle apparaîtra sous les réponses suivantes :\n"
        f"{where}\n{until}"
    )


def guidance_list(rows: Sequence[GuidanceRow]) -> str:
    if not rows:
        return "Aucune consigne de service en vigueur."
    lines = ["Consignes de service en vigueur :"]
    for r in rows:
        until = f", jusqu'au {r.expires:%d/%m/%Y}" if r.expires else ""
        lines.append(f"n° {r.number} [{r.target}] ({r.posted:%d/%m/%Y}{until}) : {r.text}")
    return "\n".join(lines)


def kb_status(kb: KnowledgeBase, loaded_at: float, errors: Sequence[str], uptime_s: float) -> str:
    uptime = int(uptime_s)
    loaded = dt.datetime.fromtimestamp(loaded_at).strftime("%d/%m/%Y %H:%M")
    problems = "\n".join(errors) if errors else "aucune"
    return (
        f"Base vérifiée le {kb.checked:%d/%m/%Y} : {len(kb.entries)} fiches, "
        f"{len(kb.rules)} règles, {len(kb.sources)} sources.\n"
        f"Dernier chargement : {loaded}. En service depuis {uptime // 3600} h "
        f"{uptime % 3600 // 60} min.\nErreurs en cours : {problems}"
    )


def unanswered_list(recording: bool, rows: Sequence[tuple[dt.date, str]]) -> str:
    if not recording:
        return (
            "L'enregistrement des questions sans réponse est désactivé "
            "([privacy] record_unanswered = false)."
        )
    if not rows:
        return "Aucune question sans réponse enregistrée."
    return "Questions sans réponse (données personnelles masquées) :\n" + "\n".join(
        f"{d:%d/%m/%Y} : {t}" for d, t in rows
    )


def stats_period_days(period: str) -> int:
    return 30 if period.startswith("mois") else 7


def stats_text(days: int, stats: Sequence[StatRow], feedback: Sequence[FeedbackRow]) -> str:
    total = sum(r.count for r in stats)
    label = "30 derniers jours" if days == 30 else "7 derniers jours"
    if total == 0:
        return f"Aucune question sur les {label}."
    no_match = sum(r.count for r in stats if r.status == NO_MATCH)
    clarify = sum(r.count for r in stats if r.status == CLARIFY)
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


def describe_reload(result: KbDiff | list[str]) -> str:
    if isinstance(result, KbDiff):
        return f"Base rechargée : {result.summary()}."
    return "Base NON rechargée : l'ancienne version reste en service. Erreurs :\n" + "\n".join(
        result
    )


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
