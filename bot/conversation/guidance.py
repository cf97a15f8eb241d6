"""Supervisors' local guidance (`!consigne`): parsing, validation and where it shows (pure)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process

from bot.conversation.records import GuidanceRow
from bot.engine.knowledge import Entry, KnowledgeBase
from bot.engine.normalize import fold
from bot.engine.render import Guidance

MAX_GUIDANCE_CHARS = 500
_UNTIL = re.compile(r"\s--jusqu-?au\s+(\S+)\s*$")


@dataclass(frozen=True)
class GuidanceCommand:
    action: str  # "add", "list", "remove", "edit"
    target: str = ""
    text: str = ""
    number: int = 0
    expires: dt.date | None = None


class GuidanceError(ValueError):
    """A French message for the person who typed the command."""


USAGE = (
    "Utilisation : !consigne <fiche ou mot-clé> <texte> [--jusqu-au AAAA-MM-JJ], "
    "!consigne retirer <n°>, !consigne modifier <n°> <texte>, !consignes."
)


def parse_guidance(name: str, argument: str, today: dt.date) -> GuidanceCommand:
    if name == "consignes":
        return GuidanceCommand("list")
    head, _, rest = argument.strip().partition(" ")
    if head.lower() in ("retirer", "modifier"):
        number_text, _, text = rest.strip().partition(" ")
        if not number_text.isdigit():
            raise GuidanceError(f"Il manque le numéro de la consigne. {USAGE}")
        if head.lower() == "retirer":
            return GuidanceCommand("remove", number=int(number_text))
        return GuidanceCommand("edit", number=int(number_text), text=_check_text(text))
    if not head or not rest.strip():
        raise GuidanceError(USAGE)
    text = rest.strip()
    expires = None
    m = _UNTIL.search(" " + text)
    if m:
        try:
            expires = dt.date.fromisoformat(m.group(1))
        except ValueError as exc:
            raise GuidanceError(
                "La date de fin doit s'écrire AAAA-MM-JJ, par exemple 2026-12-31."
            ) from exc
        if expires < today:
            raise GuidanceError("La date de fin est déjà passée.")
        text = (" " + text)[: m.start()].strip()
    return GuidanceCommand("add", target=head.strip(), text=_check_text(text), expires=expires)


def _check_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise GuidanceError(f"Le texte de la consigne est vide. {USAGE}")
    if len(text) > MAX_GUIDANCE_CHARS:
        raise GuidanceError(
            f"La consigne fait {len(text)} caractères ; {MAX_GUIDANCE_CHARS} au plus. "
            "Renvoyez plutôt vers une note de service."
        )
    return text


def targets(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Each entry id and each (folded) tag, with the entries it covers."""
    out: dict[str, list[str]] = {eid: [eid] for eid in kb.entries}
    for entry in kb.entries.values():
        for tag in entry.tags:
            out.setdefault(fold(tag), [])
            if entry.id not in out[fold(tag)]:
                out[fold(tag)].append(entry.id)
    return {k: tuple(v) for k, v in out.items()}


def resolve_target(kb: KnowledgeBase, target: str) -> tuple[str, tuple[Entry, ...]]:
    """The canonical target and its entries; GuidanceError with the closest ones otherwise."""
    table = targets(kb)
    key = target.strip().lower() if target.strip().lower() in kb.entries else fold(target.strip())
    if key in table:
        return key, tuple(kb.entries[e] for e in table[key])
    close = [m[0] for m in process.extract(fold(target), list(table), limit=3)]
    raise GuidanceError(
        "Je ne connais ni cette fiche ni ce mot-clé. Les plus proches : "
        + ", ".join(close)
        + ". La liste des fiches est dans !aide et !sources."
    )


def guidance_for(entry: Entry, rows: Sequence[GuidanceRow]) -> list[Guidance]:
    """Active guidance that applies to an entry: by its id or by one of its tags."""
    keys = {entry.id, *(fold(t) for t in entry.tags)}
    return [
        Guidance(r.number, r.text, r.posted.strftime("%d/%m/%Y")) for r in rows if r.target in keys
    ]
