"""`!plus` in the conversation policy: the rest of the last answer, per room and thread (pure)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.conversation import policy
from bot.conversation.decision import IGNORE, Decision
from bot.conversation.incoming import Reaction
from bot.conversation.more import asks_for_more, is_more_reaction
from bot.conversation.state import ConversationState, LastAnswer
from bot.engine.answer import Engine, EngineSettings
from tests.test_conversation import (
    ALICE,
    BOB,
    DM,
    GROUP,
    ME,
    REFERENCE,
    ctx,
    msg,
    new_state,
)

OFF_TOPIC = "à quelle heure ferme la cantine ?"


@pytest.fixture(scope="module")
def clarifying(engine: Engine) -> Engine:
    """The same base, tuned so that an ambiguous question always asks which entry is meant."""
    settings = dataclasses.replace(EngineSettings(), clarify_margin=1.0, clarify_floor=0.0)
    return Engine(engine.kb, engine.scanner, settings, engine.normalizer.lexicon)


def sent(state: ConversationState, decision: Decision, event_id: str) -> None:
    """What the shell does once the reply went out (bot/matrix/execute.py)."""
    assert decision.on_sent is not None
    on_sent = decision.on_sent
    state.after_sent(event_id, on_sent.pending, on_sent.answer_entry, on_sent.last_answer)


def is_more_of(decision: Decision, engine: Engine, entry_id: str) -> bool:
    title = engine.kb.entries[entry_id].title
    return decision.reply is not None and f"La suite de la réponse : {title}" in decision.reply.text


def test_the_words_that_ask_for_more():
    for text in ("plus", "Plus ?", "!plus", " + ", "➕", "la suite", "En savoir plus."):
        assert asks_for_more(text.removeprefix("!")), text
    for text in ("plus de 15 ans, c'est un mineur ?", "plusieurs", "2", "moins"):
        assert not asks_for_more(text), text
    assert is_more_reaction("➕") and is_more_reaction("\u2795\ufe0f")
    assert not is_more_reaction("👍")


def test_plus_in_a_direct_room_gives_the_rest_of_the_last_answer(engine: Engine):
    state = new_state()
    first = policy.on_message(msg(REFERENCE), ctx(engine), state)
    assert first.on_sent is not None and first.on_sent.last_answer is not None
    last = state.last_answer[(DM, None)]
    assert last == LastAnswer("requisition-opj", last.rules, True, None)
    for body in ("!plus", "plus", "la suite"):
        d = policy.on_message(msg(body), ctx(engine), state)
        assert is_more_of(d, engine, "requisition-opj"), body
        assert d.to is not None and d.to.direct
        assert d.count is None  # the rest is not a new question


def test_the_memory_holds_ids_only(engine: Engine):
    state = new_state()
    policy.on_message(msg("l'OPJ veut l'adresse de la dame, je fais quoi ?"), ctx(engine), state)
    for value in state.last_answer.values():
        for field in (value.entry_id, *value.rules):
            assert "dame" not in field and " " not in field


def test_plus_before_any_answer_says_so(engine: Engine):
    d = policy.on_message(msg("!plus"), ctx(engine), new_state())
    assert d.reply is not None and "posez d'abord votre question" in d.reply.text


def test_a_question_without_an_answer_forgets_the_previous_one(engine: Engine):
    state = new_state()
    policy.on_message(msg(REFERENCE), ctx(engine), state)
    policy.on_message(msg(OFF_TOPIC), ctx(engine), state)
    d = policy.on_message(msg("!plus"), ctx(engine), state)
    assert d.reply is not None and "posez d'abord votre question" in d.reply.text


def test_plus_in_the_thread_of_a_group_answer_needs_no_mention(engine: Engine):
    state = new_state()
    question = msg(REFERENCE, room=GROUP, mentioned=True)
    answer = policy.on_message(question, ctx(engine), state)
    assert answer.to is not None and answer.to.root is None  # the thread opens under the question
    d = policy.on_message(msg("plus", room=GROUP, root=question.event_id), ctx(engine), state)
    assert is_more_of(d, engine, "requisition-opj")
    assert d.to is not None and d.to.root == question.event_id
    # Elsewhere in the room, "plus" is ordinary conversation.
    assert policy.on_message(msg("plus", room=GROUP), ctx(engine), state) == IGNORE
    other = msg("plus", room=GROUP, root="$another-thread")
    assert policy.on_message(other, ctx(engine), state) == IGNORE


def test_threads_keep_their_own_last_answer(engine: Engine):
    state = new_state()
    q1 = msg(REFERENCE, room=GROUP, mentioned=True)
    q2 = msg("que risque-t-on en violant le secret professionnel ?", room=GROUP, mentioned=True)
    policy.on_message(q1, ctx(engine), state)
    policy.on_message(q2, ctx(engine), state)
    d1 = policy.on_message(msg("!plus", room=GROUP, root=q1.event_id), ctx(engine), state)
    d2 = policy.on_message(msg("!plus", room=GROUP, root=q2.event_id), ctx(engine), state)
    assert is_more_of(d1, engine, "requisition-opj")
    assert is_more_of(d2, engine, "secret-sanctions")


def test_a_plus_reaction_on_an_answer_gives_its_rest_once(engine: Engine):
    state = new_state()
    question = msg(REFERENCE, room=GROUP, mentioned=True)
    answer = policy.on_message(question, ctx(engine), state)
    sent(state, answer, "$answer")
    # A later answer in another thread does not change what ➕ on the first one continues.
    policy.on_message(msg(OFF_TOPIC, room=GROUP, mentioned=True), ctx(engine), state)
    d = policy.on_reaction(Reaction("$r1", GROUP, BOB, "➕", "$answer"), ctx(engine), state)
    assert is_more_of(d, engine, "requisition-opj")
    assert d.to is not None and d.to.root == question.event_id and d.to.in_reply_to == "$answer"
    again = Reaction("$r2", GROUP, ALICE, "\u2795\ufe0f", "$answer")
    assert policy.on_reaction(again, ctx(engine), state) == IGNORE
    unknown = Reaction("$r3", GROUP, ALICE, "➕", "$not-an-answer")
    assert policy.on_reaction(unknown, ctx(engine), state) == IGNORE


def test_a_clarification_choice_can_be_continued(clarifying: Engine):
    state = new_state()
    asked = policy.on_message(msg("secret et clspd"), ctx(clarifying), state)
    sent(state, asked, "$clarify")
    chosen = policy.on_message(msg("1"), ctx(clarifying), state)
    assert chosen.count is not None and chosen.count.entry_id is not None
    d = policy.on_message(msg("plus"), ctx(clarifying), state)
    assert is_more_of(d, clarifying, chosen.count.entry_id)


def test_help_mentions_plus(engine: Engine):
    d = policy.on_message(msg("!aide"), ctx(engine), new_state())
    assert d.reply is not None and "!plus" in d.reply.text
    assert ME.user_id not in d.reply.text
