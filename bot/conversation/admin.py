"""Guidance, admin and stats commands, planned (pure): a reply now, or an action for the store.

The rights and the parsing are decided here; the shell only runs the action it is handed
(`bot.matrix.command_runner.ChatCommands`) and formats its result with `bot.conversation.reports`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.config import Roles
from bot.conversation.commands import Command
from bot.conversation.guidance import GuidanceError, parse_guidance, resolve_target
from bot.conversation.rights import Caller, in_admin_place, is_admin, is_supervisor
from bot.conversation.texts import (
    ADMIN_PLACE_ONLY,
    ADMINS_ONLY,
    KB_USAGE,
    SUPERVISORS_ONLY,
    text_reply,
)
from bot.engine.answer import Engine
from bot.engine.render import PERSONAL_DATA_LABELS, Reply

STORED_COMMANDS = ("consigne", "consignes", "kb", "stats")


@dataclass(frozen=True)
class ListGuidance:
    pass


@dataclass(frozen=True)
class RemoveGuidance:
    number: int


@dataclass(frozen=True)
class EditGuidance:
    number: int
    text: str


@dataclass(frozen=True)
class AddGuidance:
    target: str
    text: str
    expires: dt.date | None
    titles: tuple[str, ...]  # the entries it will show under


@dataclass(frozen=True)
class ReloadKb:
    pass


@dataclass(frozen=True)
class KbStatus:
    pass


@dataclass(frozen=True)
class ListUnanswered:
    pass


@dataclass(frozen=True)
class ExportGuidance:
    pass


@dataclass(frozen=True)
class Stats:
    period: str


Action = (
    ListGuidance
    | RemoveGuidance
    | EditGuidance
    | AddGuidance
    | ReloadKb
    | KbStatus
    | ListUnanswered
    | ExportGuidance
    | Stats
)


def plan_command(
    command: Command,
    caller: Caller,
    engine: Engine,
    roles: Roles,
    admin_room: str | None,
    today: dt.date,
) -> Reply | Action | None:
    """What a guidance, admin or stats command does; None for the other commands."""
    if command.name in ("consigne", "consignes"):
        return plan_guidance(command, caller, engine, roles, today)
    if command.name in ("kb", "stats"):
        if not is_admin(roles, caller):
            return text_reply(ADMINS_ONLY)
        if not in_admin_place(caller, admin_room):
            return text_reply(ADMIN_PLACE_ONLY)
        if command.name == "stats":
            return Stats(command.argument.strip().lower() or "semaine")
        return plan_kb(command.argument, engine)
    return None


def plan_guidance(
    command: Command, caller: Caller, engine: Engine, roles: Roles, today: dt.date
) -> Reply | Action:
    supervisor = is_supervisor(roles, caller)
    try:
        parsed = parse_guidance(command.name, command.argument, today)
    except GuidanceError as exc:
        # A worker mistyping !consigne learns it is not theirs, not how to spell it.
        if command.name == "consigne" and not supervisor:
            return text_reply(SUPERVISORS_ONLY)
        return text_reply(str(exc))
    if parsed.action == "list":
        return ListGuidance()
    if not supervisor:
        return text_reply(SUPERVISORS_ONLY)
    if parsed.action == "remove":
        return RemoveGuidance(parsed.number)
    found = engine.scanner.kinds(parsed.text)
    if found:
        kinds = ", ".join(PERSONAL_DATA_LABELS.get(k, k) for k in found)
        return text_reply(
            f"Consigne refusée : elle contient des données personnelles ({kinds}). "
            "Nommez plutôt un rôle, par exemple « le cadre de permanence », "
            "« le secrétariat du CDAS »."
        )
    if parsed.action == "edit":
        return EditGuidance(parsed.number, parsed.text)
    try:
        target, entries = resolve_target(engine.kb, parsed.target)
    except GuidanceError as exc:
        return text_reply(str(exc))
    return AddGuidance(target, parsed.text, parsed.expires, tuple(e.title for e in entries))


def plan_kb(argument: str, engine: Engine) -> Reply | Action:
    sub, _, rest = argument.strip().partition(" ")
    sub = sub.lower()
    if sub == "recharger":
        return ReloadKb()
    if sub in ("etat", "état"):
        return KbStatus()
    if sub == "test" and rest.strip():
        return text_reply(kb_test(engine, rest.strip()))
    if sub == "questions":
        return ListUnanswered()
    if sub in ("exporter-consignes", "exporter"):
        return ExportGuidance()
    return text_reply(KB_USAGE)


def kb_test(engine: Engine, question: str) -> str:
    """`!kb test`: what the engine would answer, with its scores and rules."""
    answer = engine.answer(question)
    lines = [
        f"Statut : {answer.status} ; fiche : {answer.entry_id or '-'} ; "
        f"confiance {answer.confidence:.2f} ; escalade : {'oui' if answer.escalate else 'non'} ; "
        f"décision : {answer.decision or '-'}",
        "Candidates : "
        + (", ".join(f"{c.entry_id} ({c.confidence:.2f})" for c in answer.candidates) or "-"),
        *answer.trace,
    ]
    return "\n".join(lines)
