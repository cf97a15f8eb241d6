"""An article by its number, `!article` and a greeting, on a real homeserver, in an encrypted DM."""

from __future__ import annotations

from typing import Any

from bot.engine.loading import load_knowledge
from bot.tools.homeserver import Homeserver
from tests.integration.conftest import run, started_user


def test_article_card_pick_command_and_greeting_in_encrypted_dm(
    homeserver: Homeserver, make_bot, make_user
):
    kb = load_knowledge()
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> tuple[bool, list[dict[str, Any]]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            encrypted = user.client.rooms[room].encrypted
            replies = [await user.ask(room, text) for text in ("que dit le 60-1 ?", "1")]
            replies += [await user.ask(room, text) for text in ("!article 226-13", "bonjour")]
            # spoken to the bot, nothing else understood: what Repère is
            replies.append(await user.ask(room, "tu reponds aussi le dimanche ?"))
            return encrypted, replies
        finally:
            await user.stop()

    encrypted, (card, picked, command, greeting, about) = run(scenario())
    assert encrypted and all(r["encrypted"] for r in (card, picked, command, greeting, about))
    source = kb.sources["cpp-60-1"]
    assert source.summary in card["body"] and source.validity in card["body"]
    assert f'href="{source.url}"' in card["formatted_body"]
    first_title = card["body"].split("1. ", 1)[1].splitlines()[0].strip()
    [first] = [e for e in kb.entries.values() if e.title == first_title]
    assert "cpp-60-1" in first.sources
    # Picking "1" gives that entry's full answer, with its sources.
    assert first.title in picked["body"] and "Sources :" in picked["body"]
    assert kb.sources["cp-226-13"].summary in command["body"]
    assert greeting["body"].startswith("Bonjour") and "Par exemple" in greeting["body"]
    assert "Je ne sais pas" not in greeting["body"]
    assert "pas un avis juridique" not in greeting["body"]
    assert about["body"].startswith("Je suis Repère") and "Je ne sais pas" not in about["body"]
