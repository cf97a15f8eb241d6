"""Who may run which command, where (pure): admins, supervisors, the admin room."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Roles

SUPERVISOR_LEVEL = 50


@dataclass(frozen=True)
class Caller:
    """Who typed a command, and where: used for authorisation only, never stored."""

    user_id: str
    room_id: str
    direct: bool
    power_level: int


def is_admin(roles: Roles, caller: Caller) -> bool:
    return caller.user_id in roles.admins


def is_supervisor(roles: Roles, caller: Caller) -> bool:
    """Configured supervisors; room moderators only if the operator chose so (docs)."""
    if caller.user_id in roles.supervisors:
        return True
    return roles.moderators_are_supervisors and caller.power_level >= SUPERVISOR_LEVEL


def in_admin_place(caller: Caller, admin_room: str | None) -> bool:
    return caller.direct or caller.room_id == admin_room
