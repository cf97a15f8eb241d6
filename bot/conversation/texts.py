"""Plain-text replies and the fixed sentences the policy says (French, for the users)."""

from __future__ import annotations

import html

from bot.engine.render import Reply

RATE_LIMITED = "Vous envoyez beaucoup de messages : je reprendrai dans une minute."
UNDECRYPTABLE = (
    "Je n'ai pas pu lire votre message : il est chiffré et la clé ne m'est pas parvenue. "
    "Pouvez-vous le renvoyer ?"
)
REDACTED = (
    "J'ai masqué votre message parce qu'il contenait des données personnelles ; "
    "la réponse reste valable."
)
ADMINS_ONLY = (
    "Cette commande est réservée aux administrateurs de la base, désignés dans la "
    "configuration du robot."
)
ADMIN_PLACE_ONLY = (
    "Les commandes d'administration se tapent dans le salon d'administration ou "
    "en conversation directe avec moi."
)
SUPERVISORS_ONLY = (
    "Seuls les cadres désignés dans la configuration du robot peuvent publier ou modifier "
    "des consignes. Adressez-vous à votre cadre ; vous pouvez lire les consignes en vigueur "
    "avec !consignes."
)
KB_USAGE = (
    "Commandes : !kb recharger, !kb etat, !kb test <question>, !kb questions, "
    "!kb exporter-consignes, !stats [semaine|mois]."
)


def text_reply(text: str) -> Reply:
    """A plain message, its HTML form escaped line by line."""
    lines = [html.escape(line) for line in text.strip().splitlines()]
    return Reply(text.strip(), "<p>" + "<br/>".join(lines) + "</p>")


def no_such_guidance(number: int) -> str:
    return f"Il n'y a pas de consigne active n° {number} (voir !consignes)."
