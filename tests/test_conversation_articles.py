"""`!article`, an article's card to pick an entry from, and small talk, through the policy."""

from __future__ import annotations

from bot.conversation import policy
from bot.engine.answer import ANSWERED, ARTICLE, Engine
from tests.test_conversation import GROUP, REFERENCE, ctx, msg, new_state, sent


def test_article_command_in_a_group_answers_without_mention(engine: Engine):
    d = policy.on_message(msg("!article 226-13", room=GROUP), ctx(engine), new_state())
    assert d.reply is not None and engine.kb.sources["cp-226-13"].summary in d.reply.text
    usage = policy.on_message(msg("!article", room=GROUP), ctx(engine), new_state())
    assert usage.reply is not None and "!article 226-13" in usage.reply.text
    unknown = policy.on_message(msg("!article 226-99"), ctx(engine), new_state())
    assert (
        unknown.reply is not None and "Je ne connais pas l'article « 226-99 »" in unknown.reply.text
    )


def test_the_card_numbers_entries_that_can_be_picked(engine: Engine):
    state = new_state()
    d = policy.on_message(msg("que dit le 60-1 ?"), ctx(engine), state)
    assert d.count is not None and d.count.status == ARTICLE
    assert d.on_sent is not None and d.on_sent.pending is not None
    candidates = [c.entry_id for c in d.on_sent.pending[1].choices]
    assert len(candidates) >= 2
    assert all("cpp-60-1" in engine.kb.entries[c].sources for c in candidates)
    sent(state, d, "$card")
    picked = policy.on_message(msg("2"), ctx(engine), state)
    assert picked.count is not None and picked.count.entry_id == candidates[1]
    assert picked.count.status == ANSWERED


def test_thanks_after_an_answer_is_small_talk_and_keeps_the_trace(engine: Engine):
    state = new_state()
    first = policy.on_message(msg(REFERENCE), ctx(engine), state)
    sent(state, first, "$answer")
    trace = dict(state.last_trace)
    thanks = policy.on_message(msg("merci !"), ctx(engine), state)
    assert thanks.reply is not None and "Avec plaisir" in thanks.reply.text
    assert "Je ne sais pas" not in thanks.reply.text and thanks.count is None
    assert state.last_trace == trace


def test_a_greeting_in_a_group_is_answered_only_when_addressed(engine: Engine):
    assert policy.on_message(msg("bonjour", room=GROUP), ctx(engine), new_state()).reply is None
    d = policy.on_message(msg("bonjour", room=GROUP, mentioned=True), ctx(engine), new_state())
    assert d.reply is not None and "Bonjour" in d.reply.text
