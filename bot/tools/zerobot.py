"""A zero-work bot for `repere bench-live`: plain nio, answers "ok" to every text message.

It shares nothing with Repère's shell, so the comparison measures what Repère adds on top of the
transport (sync, encryption, send) that any bot pays.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, InviteMemberEvent, MatrixRoom, RoomMessageText


async def main(homeserver: str, user_id: str, password: str, store: str) -> None:
    Path(store).mkdir(parents=True, exist_ok=True)
    client = AsyncClient(
        homeserver, user_id, store_path=store, config=AsyncClientConfig(encryption_enabled=True)
    )
    await client.login(password)

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id:
            await client.join(room.room_id)

    async def on_text(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == client.user_id:
            return
        content = {
            "msgtype": "m.notice",
            "body": "ok",
            "m.mentions": {},
            "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
        }
        await client.room_send(
            room.room_id, "m.room.message", content, ignore_unverified_devices=True
        )

    client.add_event_callback(on_invite, InviteMemberEvent)
    client.add_event_callback(on_text, RoomMessageText)
    await client.sync(timeout=0, full_state=True)
    print("ready", flush=True)
    await client.sync_forever(timeout=30_000)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
