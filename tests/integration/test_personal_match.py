"""Personal data in a question does not change its answer, and is never echoed, through Synapse."""

from __future__ import annotations

from typing import Any

from bot.tools.homeserver import Homeserver
from tests.integration.conftest import run, started_user

WARNING = "semble contenir des données personnelles"

# Invented people and places. The second question, matched with its data, was « je ne sais pas »:
# « Jules » is one letter from « juges ».
PAIRS = [
    (
        "l'OPJ veut l'adresse de Mme Fatima Benali, 12 rue des Lilas 35000 Rennes, je la donne ?",
        "l'OPJ veut l'adresse d'une dame, je la donne ?",
        ("Fatima", "Benali", "Lilas", "35000", "Rennes"),
    ),
    (
        "la directrice de l'école Jules Ferry veut savoir si la petite Inès Dubreuil, "
        "4 allée des Tilleuls 44000 Nantes, est suivie par nous",
        "la directrice de l'école veut savoir si la petite est suivie par nous",
        ("Jules", "Ferry", "Inès", "Dubreuil", "Tilleuls", "44000", "Nantes"),
    ),
]


def test_question_with_a_name_and_an_address_gets_its_entry(
    homeserver: Homeserver, make_bot, make_user
):
    bot = make_bot()
    account, store = make_user()

    async def scenario() -> list[tuple[dict[str, Any], dict[str, Any]]]:
        user = await started_user(homeserver, account, store)
        try:
            room = await user.open_dm(bot.account.user_id)
            assert user.client.rooms[room].encrypted
            return [
                (await user.ask(room, with_data), await user.ask(room, plain))
                for with_data, plain, _ in PAIRS
            ]
        finally:
            await user.stop()

    replies = run(scenario())
    for (with_data, plain), (_, _, data) in zip(replies, PAIRS, strict=True):
        assert with_data["encrypted"] is True
        body, html = with_data["body"], with_data["formatted_body"]
        assert WARNING in body and WARNING not in plain["body"]
        # The same answer as the question without the data, under the warning.
        assert body.endswith(plain["body"]) and "Je ne sais pas" not in body
        for word in data:
            assert word not in body and word not in html, word
    assert "60-1" in replies[0][0]["body"]
