"""The conversation policy on plain values: no Matrix, no SQLite, no network."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.config import BotSettings, PrivacySettings, Roles
from bot.conversation import policy
from bot.conversation.admin import AddGuidance, ListGuidance, Stats
from bot.conversation.decision import IGNORE, Decision
from bot.conversation.incoming import Identity, Incoming, Reaction
from bot.conversation.records import GuidanceRow
from bot.conversation.state import ConversationState
from bot.engine.answer import ANSWERED, CLARIFY, NO_MATCH, Engine, EngineSettings
from bot.engine.render import Renderer

ME = Identity("@repere:localhost", "Repère")
ALICE, BOB, SUP, ADMIN = "@alice:localhost", "@bob:localhost", "@cadre:localhost", "@adm:localhost"
DM, GROUP, ADMIN_ROOM = "!dm:localhost", "!equipe:localhost", "!admins:localhost"
REFERENCE = "Puis-je donner l'adresse d'un usager à l'OPJ ?"
AMBIGUOUS = "secret et clspd"
ROLES = Roles(frozenset({SUP}), frozenset({ADMIN}))
_ids = iter(range(1_000_000))


@pytest.fixture(scope="module")
def clarifying(engine: Engine) -> Engine:
    """The same base, tuned so that an ambiguous question always asks which entry is meant."""
    settings = dataclasses.replace(EngineSettings(), clarify_margin=1.0, clarify_floor=0.0)
    return Engine(engine.kb, engine.scanner, settings, engine.normalizer.lexicon)


def ctx(
    engine: Engine,
    now: float = 1000.0,
    bot: BotSettings | None = None,
    privacy: PrivacySettings | None = None,
    guidance: tuple[GuidanceRow, ...] = (),
) -> policy.Context:
    return policy.Context(
        engine=engine,
        renderer=Renderer(engine.kb),
        identity=ME,
        bot=bot or BotSettings(admin_room=ADMIN_ROOM),
        privacy=privacy or PrivacySettings(),
        roles=ROLES,
        now=now,
        today=dt.date(2026, 12, 1),
        guidance=guidance,
    )


def msg(body: str, *, sender: str = ALICE, room: str = DM, **kw: object) -> Incoming:
    direct = room == DM
    fields: dict[str, object] = {"root": None, "mentioned": False} | kw
    return Incoming(f"$e{next(_ids)}", room, sender, direct, body=body, **fields)


def new_state(per_minute: int = 12) -> ConversationState:
    return ConversationState.new(per_minute)


def sent(state: ConversationState, decision: Decision, event_id: str) -> None:
    """What the shell does once the reply went out."""
    assert decision.on_sent is not None
    state.after_sent(event_id, decision.on_sent.pending, decision.on_sent.answer_entry)


# --- addressing ----------------------------------------------------------------------------


def test_direct_message_is_answered_as_a_rich_reply(engine: Engine):
    m = msg(REFERENCE)
    d = policy.on_message(m, ctx(engine), new_state())
    assert d.to is not None and d.to.in_reply_to == m.event_id and d.to.direct
    assert d.reply is not None and "60-1" in d.reply.text and d.typing
    assert d.count is not None and d.count.entry_id == "requisition-opj"
    assert d.count.status == ANSWERED


def test_group_is_silent_unless_mentioned_or_commanded(engine: Engine):
    state = new_state()
    assert policy.on_message(msg(REFERENCE, room=GROUP), ctx(engine), state) == IGNORE
    mentioned = msg(f"{ME.user_id} {REFERENCE}", room=GROUP, mentioned=True)
    d = policy.on_message(mentioned, ctx(engine), state)
    assert d.reply is not None and "60-1" in d.reply.text
    assert d.to is not None and not d.to.direct and d.to.sender == ALICE
    bang = policy.on_message(msg("!aide", room=GROUP), ctx(engine), state)
    assert bang.reply is not None and bang.action is None


def test_group_answers_all_when_configured(engine: Engine):
    context = ctx(engine, bot=BotSettings(respond_in_groups="all"))
    d = policy.on_message(msg(REFERENCE, room=GROUP), context, new_state())
    assert d.reply is not None and "60-1" in d.reply.text


def test_mention_is_stripped_before_matching(engine: Engine):
    plain = policy.on_message(msg(REFERENCE), ctx(engine), new_state())
    named = policy.on_message(
        msg(f"Repère : {REFERENCE}", room=GROUP, mentioned=True), ctx(engine), new_state()
    )
    assert plain.count == named.count


def test_own_messages_and_notices_are_never_answered(engine: Engine):
    state = new_state()
    assert policy.on_message(msg(REFERENCE, notice=True), ctx(engine), state) == IGNORE
    assert policy.on_message(msg(REFERENCE, sender=ME.user_id), ctx(engine), state) == IGNORE
    assert not policy.answerable(msg("!aide", notice=True, room=GROUP), ME)
    assert policy.answerable(msg("!aide", room=GROUP), ME)


def test_long_messages_are_cut(engine: Engine):
    context = ctx(engine, bot=BotSettings(max_message_chars=5))
    d = policy.on_message(msg("!aide " + "x" * 10_000), context, new_state())
    assert d.reply is not None  # "!aide" survives the cut


# --- rate limit ----------------------------------------------------------------------------


def test_rate_limit_warns_once_then_stays_silent(engine: Engine):
    state = new_state(per_minute=2)
    for _ in range(2):
        assert policy.on_message(msg("!aide"), ctx(engine, now=10.0), state).reply is not None
    warned = policy.on_message(msg("!aide"), ctx(engine, now=11.0), state)
    assert warned.reply is not None and "beaucoup de messages" in warned.reply.text
    assert warned.count is None
    silent = policy.on_message(msg("!aide"), ctx(engine, now=12.0), state)
    assert silent.to is None and silent.log == "rate limited"
    # Another sender is not affected, and the window slides.
    assert policy.on_message(msg("!aide", sender=BOB), ctx(engine, now=12.0), state).reply
    assert policy.on_message(msg("!aide"), ctx(engine, now=80.0), state).reply is not None


# --- clarification -------------------------------------------------------------------------


def _clarify(engine: Engine, state: ConversationState, room: str = DM) -> tuple[Incoming, Decision]:
    m = msg(AMBIGUOUS, room=room, mentioned=room != DM)
    d = policy.on_message(m, ctx(engine), state)
    assert d.count is not None and d.count.status == CLARIFY
    assert d.reply is not None and "1. " in d.reply.text and "2. " in d.reply.text
    return m, d


def test_clarification_by_number(clarifying: Engine):
    state = new_state()
    _, d = _clarify(clarifying, state)
    assert d.on_sent is not None and d.on_sent.pending is not None
    choices = d.on_sent.pending[1].choices
    sent(state, d, "$notice")
    choice = msg("2")
    answer = policy.on_message(choice, ctx(clarifying), state)
    assert answer.count is not None and answer.count.entry_id == choices[1].entry_id
    assert answer.to is not None and answer.to.in_reply_to == choice.event_id
    assert not state.pending
    # Once chosen, "2" is a question again (and not a known one).
    again = policy.on_message(msg("2"), ctx(clarifying), state)
    assert (again.count is not None and again.count.status != ANSWERED) or again.count is None


def test_an_out_of_range_number_is_a_new_question(clarifying: Engine):
    state = new_state()
    _, d = _clarify(clarifying, state)
    sent(state, d, "$notice")
    answer = policy.on_message(msg("9"), ctx(clarifying), state)
    assert answer.log is not None and answer.log.startswith("answered")
    assert not state.pending  # a new question replaces the pending choice


def test_clarification_not_sent_leaves_nothing_pending(clarifying: Engine):
    state = new_state()
    _clarify(clarifying, state)  # the shell never called after_sent: the send failed
    assert not state.pending and not state.pending_by_notice


def test_clarification_by_reaction(clarifying: Engine):
    state = new_state()
    question, d = _clarify(clarifying, state, room=GROUP)
    assert d.on_sent is not None and d.on_sent.pending is not None
    key, pending = d.on_sent.pending
    assert key == (GROUP, question.event_id, ALICE) and pending.root == question.event_id
    sent(state, d, "$notice")
    # Someone else's reaction does not choose for the asker.
    other = Reaction("$r1", GROUP, BOB, "1\ufe0f\u20e3", "$notice")
    assert policy.on_reaction(other, ctx(clarifying), state) == IGNORE
    mine = Reaction("$r2", GROUP, ALICE, "1\ufe0f\u20e3", "$notice")
    answer = policy.on_reaction(mine, ctx(clarifying), state)
    assert answer.count is not None and answer.count.entry_id == pending.choices[0].entry_id
    assert answer.to is not None and answer.to.root == question.event_id
    assert answer.to.in_reply_to == "$r2"
    assert policy.on_reaction(mine, ctx(clarifying), state) == IGNORE  # answered once


def test_pending_clarification_addresses_the_thread_without_mention(clarifying: Engine):
    state = new_state()
    question, d = _clarify(clarifying, state, room=GROUP)
    sent(state, d, "$notice")
    reply = msg("1", room=GROUP, root=question.event_id)
    answer = policy.on_message(reply, ctx(clarifying), state)
    assert answer.count is not None and answer.count.status == ANSWERED


# --- votes ---------------------------------------------------------------------------------


def test_one_anonymous_vote_per_person_per_answer(engine: Engine):
    state = new_state()
    d = policy.on_message(msg(REFERENCE), ctx(engine), state)
    sent(state, d, "$answer")
    up = policy.on_reaction(Reaction("$v1", DM, ALICE, "👍", "$answer"), ctx(engine), state)
    assert up.vote is not None and up.vote.up and up.vote.entry_id == "requisition-opj"
    assert up.to is None
    again = Reaction("$v2", DM, ALICE, "👎\ufe0f", "$answer")
    assert policy.on_reaction(again, ctx(engine), state) == IGNORE
    down = policy.on_reaction(Reaction("$v3", DM, BOB, "👎\ufe0f", "$answer"), ctx(engine), state)
    assert down.vote is not None and not down.vote.up
    unknown = Reaction("$v4", DM, BOB, "👍", "$not-an-answer")
    assert policy.on_reaction(unknown, ctx(engine), state) == IGNORE


# --- commands and rights -------------------------------------------------------------------


def test_pourquoi_explains_the_last_answer_here(engine: Engine):
    state = new_state()
    policy.on_message(msg(REFERENCE), ctx(engine), state)
    d = policy.on_message(msg("!pourquoi"), ctx(engine), state)
    assert d.reply is not None and d.reply.text != ""
    assert state.last_trace[(DM, None)]
    assert d.count is None  # a command is not a question


def test_guidance_rights(engine: Engine):
    state = new_state()
    add = "!consigne requisition-opj Appelez le cadre de permanence"
    worker = policy.on_message(msg(add, room=GROUP), ctx(engine), state)
    assert worker.reply is not None and "cadres désignés" in worker.reply.text
    assert worker.action is None and worker.guidance_changed
    # A room moderator is not a supervisor by default...
    mod = policy.on_message(msg(add, room=GROUP, power_level=100), ctx(engine), state)
    assert mod.action is None
    # ...unless the operator says so.
    roles = dataclasses.replace(ROLES, moderators_are_supervisors=True)
    context = dataclasses.replace(ctx(engine), roles=roles)
    assert isinstance(
        policy.on_message(msg(add, room=GROUP, power_level=50), context, state).action,
        AddGuidance,
    )
    sup = policy.on_message(msg(add, room=GROUP, sender=SUP), ctx(engine), state)
    assert isinstance(sup.action, AddGuidance) and sup.action.target == "requisition-opj"
    assert isinstance(policy.on_message(msg("!consignes"), ctx(engine), state).action, ListGuidance)
    assert policy.wants_power_level(add) and not policy.wants_power_level("!consignes")


def test_guidance_with_personal_data_is_refused(engine: Engine):
    d = policy.on_message(
        msg("!consigne cddf Appelez Mme Dupont au 06 12 34 56 78", sender=SUP),
        ctx(engine),
        new_state(),
    )
    assert d.reply is not None and "données personnelles" in d.reply.text and d.action is None


def test_admin_commands_need_an_admin_in_the_admin_room_or_a_dm(engine: Engine):
    state = new_state()
    refused = policy.on_message(msg("!stats", sender=SUP), ctx(engine), state)
    assert refused.reply is not None and "réservée aux administrateurs" in refused.reply.text
    group = policy.on_message(msg("!stats", sender=ADMIN, room=GROUP), ctx(engine), state)
    assert group.reply is not None and "salon d'administration" in group.reply.text
    for room in (DM, ADMIN_ROOM):
        ok = policy.on_message(msg("!stats mois", sender=ADMIN, room=room), ctx(engine), state)
        assert ok.action == Stats("mois")
    test = policy.on_message(msg("!kb test secret pro", sender=ADMIN), ctx(engine), state)
    assert test.reply is not None and "Statut" in test.reply.text


# --- what is counted, recorded, redacted ---------------------------------------------------


def test_no_match_recorded_scrubbed_only_when_enabled(engine: Engine):
    question = "Mme Dupont demande à quelle heure ferme la cantine"
    off = policy.on_message(msg(question), ctx(engine), new_state())
    assert off.count is not None and off.count.status == NO_MATCH and off.count.entry_id is None
    assert off.unanswered is None
    context = ctx(engine, privacy=PrivacySettings(record_unanswered=True))
    on = policy.on_message(msg(question), context, new_state())
    assert on.unanswered is not None and "Dupont" not in on.unanswered


def test_personal_data_redacted_only_when_enabled(engine: Engine):
    question = msg("Mme Dupont 06 12 34 56 78 que dire en clspd")
    assert policy.on_message(question, ctx(engine), new_state()).redact is None
    context = ctx(engine, privacy=PrivacySettings(redact_messages=True))
    assert policy.on_message(question, context, new_state()).redact == question.event_id


def test_guidance_shows_under_the_answer(engine: Engine):
    row = GuidanceRow(1, "requisition-opj", "Appelez le cadre de permanence", dt.date.today(), None)
    d = policy.on_message(msg(REFERENCE), ctx(engine, guidance=(row,)), new_state())
    assert d.reply is not None and "Appelez le cadre de permanence" in d.reply.text


def test_undecryptable_asks_to_resend():
    d = policy.undecryptable("$x", ALICE, False, "$root")
    assert d.reply is not None and "chiffré" in d.reply.text
    assert d.to is not None and d.to.root == "$root" and not d.to.direct
