"""Reading a clarification's answer given in words (pure): « c'est un gendarme », « le bailleur ».

The reply is read with the rule facts of rules.toml, the same facts the choices add: the choice
holding most of the reply's facts wins (« la plénière » is the CLSPD and its plenary: the plenary),
the first offered on a tie. A reply that names no choice, or that reads as a question of its own
about another entry, is a new question.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.analysis import ANSWERED, Choice
from bot.engine.answer import Engine
from bot.engine.normalize import fold

# A reply this long that answered alone leads elsewhere reads as a question of its own; a
# shorter one (« groupe restreint du clspd ») is an answer.
QUESTION_WORDS = 6
# « autre » alone picks the last choice, « Autre : … », which leads to an entry too.
OTHER_WORDS = frozenset({"autre", "autres", "quelqu'un d'autre", "qqun d'autre", "aucun"})


# What makes a long reply a question of its own: a question mark, or words that ask. « la synthèse
# avec l'éduc et la psy qui les suivent » answers; « et si c'est la police ? » asks.
_ASKING = (
    "et si ",
    "est ce",
    "je peux",
    "puis je",
    "peut on",
    "on peut",
    "comment",
    "pourquoi",
    "quoi",
)


def _asks(text: str, words: str) -> bool:
    spaced = " " + words.replace("'", " ") + " "
    return "?" in text or any(w in spaced for w in _ASKING)


def _counts_by_entry(choices: Sequence[Choice], facts: frozenset[str], engine: Engine) -> list[int]:
    """A ranking tie offers entries, not facts: the deciding facts of clarify.toml say where a
    reply leads (« c'est le maire » → the mayor's entry), for the entries offered."""
    leads: dict[str, set[str]] = {}
    for ask in engine.kb.asks:
        for c in (*ask.choices, ask.other):
            leads.setdefault(c.entry, set()).update(f for f in c.facts if f in facts)
    return [len(leads.get(c.entry_id, ())) for c in choices]


def choice_in_words(text: str, choices: Sequence[Choice], engine: Engine) -> int | None:
    """The 1-based choice a reply in words names, or None: then it is a new question."""
    if not choices:
        return None
    words = " ".join(fold(text).strip(" .!?").split())
    if words in OTHER_WORDS:
        return len(choices)
    analysis = engine.analyse(text)
    counts = [sum(1 for f in c.facts if f in analysis.facts) for c in choices]
    if not any(c.facts for c in choices):
        counts = _counts_by_entry(choices, analysis.facts, engine)
    best = max(counts)
    if best == 0:
        return None
    number = counts.index(best) + 1
    # « et si c'est la police qui veut le dossier d'un autre usager ? » names a choice but is a
    # question of its own: answered alone it leads elsewhere than the choice would.
    if len(words.split()) >= QUESTION_WORDS and _asks(text, words):
        alone = engine.respond(analysis)
        if alone.status == ANSWERED and alone.entry_id != choices[number - 1].entry_id:
            return None
    return number
