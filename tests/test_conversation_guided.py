"""Guided decision in the conversation policy: plain values, no Matrix."""

from __future__ import annotations

from bot.config import BotSettings
from bot.conversation import policy
from bot.conversation.incoming import Reaction
from bot.engine.answer import ANSWERED, CLARIFY, NO_MATCH, Engine
from tests.test_conversation import ALICE, BOB, DM, GROUP, ctx, msg, new_state, sent

UNDERSPECIFIED = "on me demande des renseignements sur un monsieur qu'on suit, je réponds ?"
VAGUE = "et pour le secret, en gros, ça marche comment avec les autres ?"


def _ask(engine: Engine, state, room: str = DM, sender: str = ALICE, now: float = 1000.0):
    m = msg(UNDERSPECIFIED, room=room, sender=sender, mentioned=room != DM)
    d = policy.on_message(m, ctx(engine, now=now), state)
    assert d.count is not None and d.count.status == CLARIFY
    assert d.reply is not None and "Qui vous demande ces informations ?" in d.reply.text
    sent(state, d, f"$notice-{m.event_id}")
    return m, d


def test_the_number_of_the_police_choice_answers_the_original_question(engine: Engine):
    state = new_state()
    _ask(engine, state)
    d = policy.on_message(msg("1"), ctx(engine), state)
    assert d.count is not None and d.count.entry_id == "requisition-opj"
    assert d.count.status == ANSWERED
    assert d.reply is not None and "60-1" in d.reply.text and "hiérarchie" in d.reply.text
    assert not state.pending


def test_a_reply_in_words_is_read_with_the_rule_facts(engine: Engine):
    for reply, entry in (
        ("c'est un gendarme", "requisition-opj"),
        ("le bailleur", "tiers-sans-base-legale"),
        ("une collègue qui suit aussi le monsieur", "secret-partage-action-sociale"),
        ("autre", "tiers-sans-base-legale"),
    ):
        state = new_state()
        _ask(engine, state)
        d = policy.on_message(msg(reply), ctx(engine), state)
        assert d.count is not None and d.count.entry_id == entry, reply
        assert d.count.status == ANSWERED


def test_a_reply_that_names_no_choice_is_a_new_question(engine: Engine):
    unrelated = new_state()
    _ask(engine, unrelated)
    d = policy.on_message(msg("que puis-je dire en CLSPD ?"), ctx(engine), unrelated)
    assert d.log is not None and d.log.startswith("answered")
    assert d.count is not None and d.count.entry_id != "requisition-opj"
    assert not unrelated.pending
    # Long, and a question of its own about another entry, although it names the police.
    long = new_state()
    _ask(engine, long)
    other = "et la police peut-elle siéger dans les groupes de travail du CLSPD ?"
    d = policy.on_message(msg(other), ctx(engine), long)
    assert d.log is not None and d.log.startswith("answered")


def test_the_pending_question_holds_no_text(engine: Engine):
    state = new_state()
    _, d = _ask(engine, state)
    assert d.on_sent is not None and d.on_sent.pending is not None
    _, pending = d.on_sent.pending
    held = repr(pending)
    for word in ("renseignements", "monsieur", "réponds"):
        assert word not in held
    assert pending.analysis.facts and pending.choices


def test_the_pending_question_expires(engine: Engine):
    state = new_state()
    _ask(engine, state, now=1000.0)
    settings = BotSettings(clarify_timeout_seconds=60)
    late = policy.on_message(msg("1"), ctx(engine, now=1061.0, bot=settings), state)
    # Expired: « 1 » is a question of its own again, not the police choice.
    assert late.count is None or late.count.entry_id != "requisition-opj"
    assert not state.pending


def test_keycap_reaction_answers_in_a_group_thread(engine: Engine):
    state = new_state()
    question, _ = _ask(engine, state, room=GROUP)
    notice = f"$notice-{question.event_id}"
    reaction = Reaction("$r1", GROUP, ALICE, "1\ufe0f\u20e3", notice)
    answer = policy.on_reaction(reaction, ctx(engine), state)
    assert answer.count is not None and answer.count.entry_id == "requisition-opj"
    assert answer.to is not None and answer.to.root == question.event_id


def test_two_people_answer_their_own_pending_questions_in_one_room(engine: Engine):
    state = new_state()
    qa, _ = _ask(engine, state, room=GROUP, sender=ALICE)
    qb, _ = _ask(engine, state, room=GROUP, sender=BOB)
    # Bob answers first, in his thread, in words; then Alice, by number, in hers.
    db = policy.on_message(
        msg("le bailleur", room=GROUP, sender=BOB, root=qb.event_id), ctx(engine), state
    )
    da = policy.on_message(msg("1", room=GROUP, sender=ALICE, root=qa.event_id), ctx(engine), state)
    assert db.count is not None and db.count.entry_id == "tiers-sans-base-legale"
    assert da.count is not None and da.count.entry_id == "requisition-opj"
    assert db.to is not None and db.to.root == qb.event_id
    assert da.to is not None and da.to.root == qa.event_id


def test_someone_else_cannot_answer_my_pending_question(engine: Engine):
    state = new_state()
    qa, _ = _ask(engine, state, room=GROUP, sender=ALICE)
    d = policy.on_message(msg("1", room=GROUP, sender=BOB, root=qa.event_id), ctx(engine), state)
    assert d.count is None or d.count.entry_id != "requisition-opj"
    assert (GROUP, qa.event_id, ALICE) in state.pending


def test_je_ne_sais_pas_offers_topics_to_pick_by_number(engine: Engine):
    state = new_state()
    d = policy.on_message(msg(VAGUE), ctx(engine), state)
    assert d.count is not None and d.count.status == NO_MATCH
    assert d.on_sent is not None and d.on_sent.pending is not None
    first = d.on_sent.pending[1].choices[0].entry_id
    sent(state, d, "$topics")
    picked = policy.on_message(msg("1"), ctx(engine), state)
    assert picked.count is not None and picked.count.entry_id == first
    assert picked.count.status == ANSWERED


def test_a_long_reply_that_asks_nothing_is_an_answer(plain_engine: Engine):
    """« la synthèse avec l'éduc et la psy qui les suivent » answers the meeting question; a
    reply with a question mark that leads elsewhere is a question of its own."""
    from bot.conversation.choose import _asks, choice_in_words
    from bot.engine.clarify import ask_choices

    asks = {a.id: ask_choices(a) for a in plain_engine.kb.asks}
    cadre = asks["cadre"]
    n = choice_in_words("la synthese avec l'educ et la psy qui les suivent", cadre, plain_engine)
    assert n is not None and cadre[n - 1].entry_id == "secret-partage-action-sociale"
    n = choice_in_words(
        "une reunion avec la mission locale et le club de foot", cadre, plain_engine
    )
    assert n is not None and cadre[n - 1].entry_id == "consentement-information-usager"
    # a long reply that asks something is checked as a question of its own
    assert _asks("et si c'est la police ?", "et si c est la police")
    assert not _asks("la synthese avec l'educ", "la synthese avec l educ")


def test_a_reply_in_words_to_a_ranking_tie(plain_engine: Engine):
    """A ranking tie offers entries without facts: the deciding facts of clarify.toml say where a
    reply in words leads, among the entries offered; a reply that names none is a new question."""
    from bot.conversation.choose import choice_in_words
    from bot.engine.analysis import Choice

    tie = (
        Choice("Un tiers", "tiers-sans-base-legale"),
        Choice("Le maire", "information-maire"),
        Choice("La police", "requisition-opj"),
    )
    assert choice_in_words("c'est le bailleur", tie, plain_engine) == 1
    assert choice_in_words("le maire", tie, plain_engine) == 2
    assert choice_in_words("un gendarme", tie, plain_engine) == 3
    assert choice_in_words("ma collegue du ccas", tie, plain_engine) is None
    assert choice_in_words("bonjour", tie, plain_engine) is None
