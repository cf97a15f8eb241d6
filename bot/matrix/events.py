"""nio events into the policy's plain input: nothing is decided here, only translated."""

from __future__ import annotations

from nio import MatrixRoom, ReactionEvent, RoomMessage, RoomMessageNotice, RoomMessageText

from bot.conversation.incoming import Identity, Incoming, Reaction
from bot.matrix.content import is_edit, mentions_user, thread_root
from bot.matrix.rooms import is_direct


def to_incoming(room: MatrixRoom, event: RoomMessage, me: Identity) -> Incoming | None:
    """A text message or a notice; None for edits, files and anything without a text body."""
    content = event.source.get("content", {})
    if not isinstance(content, dict) or is_edit(content):
        return None
    body = content.get("body")
    if not isinstance(event, RoomMessageText | RoomMessageNotice) or not isinstance(body, str):
        return None
    return Incoming(
        event_id=event.event_id,
        room_id=room.room_id,
        sender=event.sender,
        direct=is_direct(room),
        root=thread_root(content),
        body=body,
        mentioned=mentions_user(content, me.user_id, me.display_name),
        notice=isinstance(event, RoomMessageNotice),
    )


def to_reaction(room: MatrixRoom, event: ReactionEvent) -> Reaction:
    return Reaction(event.event_id, room.room_id, event.sender, event.key, event.reacts_to)
