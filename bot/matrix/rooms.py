"""Rooms: invites, leaving an empty room, who is direct, power levels."""

from __future__ import annotations

import logging

from nio import AsyncClient, JoinError, MatrixRoom

log = logging.getLogger("repere.matrix")


def is_direct(room: MatrixRoom) -> bool:
    # Tchap direct rooms have exactly two members, joined or invited.
    return len(room.users) == 2


class Rooms:
    def __init__(self, client: AsyncClient, allowed_servers: tuple[str, ...]) -> None:
        self.client = client
        self.allowed_servers = allowed_servers  # empty: none (the caller gives its own server)
        self.invites_handled: set[str] = set()
        self._creators: dict[str, frozenset[str]] = {}

    async def handle_invite(self, room_id: str, inviter: str) -> None:
        server = inviter.split(":", 1)[-1]
        if server in self.allowed_servers:
            resp = await self.client.join(room_id)
            log.info("joined a room" if not isinstance(resp, JoinError) else "join failed")
        else:
            await self.client.room_leave(room_id)
            log.info("declined an invite from a server not allowed")

    async def leave(self, room_id: str) -> None:
        await self.client.room_leave(room_id)
        log.info("left a room where the bot was alone")

    async def power_level(self, room: MatrixRoom, user_id: str) -> int:
        version = str(room.room_version or "")
        # From room version 12 (MSC4289) creators outrank everyone and are not listed in users.
        if (
            version.isdigit()
            and int(version) >= 12
            and user_id in await self.creators(room.room_id)
        ):
            return 1_000_000
        try:
            return int(room.power_levels.get_user_level(user_id))
        except (AttributeError, TypeError, ValueError):
            return 0

    async def creators(self, room_id: str) -> frozenset[str]:
        if room_id not in self._creators:
            resp = await self.client.room_get_state(room_id)
            creators: set[str] = set()
            for event in getattr(resp, "events", []):
                if isinstance(event, dict) and event.get("type") == "m.room.create":
                    creators.add(str(event.get("sender")))
                    extra = event.get("content", {}).get("additional_creators", [])
                    creators.update(str(c) for c in extra if isinstance(c, str))
            self._creators[room_id] = frozenset(creators)
        return self._creators[room_id]
