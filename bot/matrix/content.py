"""Matrix event contents in and out (pure): addressing, threads, replies, mentions."""

from __future__ import annotations

from typing import Any

from bot.engine.render import Reply

HTML_FORMAT = "org.matrix.custom.html"


def thread_root(content: dict[str, Any]) -> str | None:
    rel = content.get("m.relates_to")
    if isinstance(rel, dict) and rel.get("rel_type") == "m.thread":
        root = rel.get("event_id")
        return root if isinstance(root, str) else None
    return None


def is_edit(content: dict[str, Any]) -> bool:
    rel = content.get("m.relates_to")
    return isinstance(rel, dict) and rel.get("rel_type") == "m.replace"


def mentions_user(content: dict[str, Any], user_id: str, display_name: str | None) -> bool:
    """Addressed through intentional mentions, a pill, or the bot's name at the start."""
    mentions = content.get("m.mentions")
    if isinstance(mentions, dict):
        ids = mentions.get("user_ids")
        if isinstance(ids, list) and user_id in ids:
            return True
    formatted = content.get("formatted_body")
    if isinstance(formatted, str) and f"matrix.to/#/{user_id}" in formatted:
        return True
    body = content.get("body")
    if not isinstance(body, str):
        return False
    names = [user_id, user_id[1:].split(":")[0]]
    if display_name:
        names.append(display_name)
    head = body.lstrip().casefold()
    return any(head.startswith(n.casefold()) for n in names if n)


def reply_content(
    reply: Reply,
    question_event_id: str,
    *,
    direct: bool,
    root: str | None,
    sender: str,
) -> dict[str, Any]:
    """An m.notice answering one question: threaded in groups, a rich reply in direct rooms.

    No fallback quoting the question (MSC2781): the body is the answer only.
    """
    content: dict[str, Any] = {
        "msgtype": "m.notice",
        "body": reply.text,
        "format": HTML_FORMAT,
        "formatted_body": reply.html,
        "m.mentions": {} if direct else {"user_ids": [sender]},
    }
    if direct and root is None:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": question_event_id}}
    else:
        content["m.relates_to"] = {
            "rel_type": "m.thread",
            "event_id": root or question_event_id,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": question_event_id},
        }
    return content


def notice_content(text: str, html: str | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"msgtype": "m.notice", "body": text, "m.mentions": {}}
    if html is not None:
        content["format"] = HTML_FORMAT
        content["formatted_body"] = html
    return content
