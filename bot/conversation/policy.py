"""What to do with a message or a reaction (pure): the whole conversation policy.

Group rooms stay silent unless the bot is mentioned, the message is a `!` command, or the
sender owes it the answer to a clarification; the bot's own notices and other bots' notices
are never answered. A clarification is answered by number ("2"), by a keycap reaction (2️⃣)
or in words ("c'est un gendarme"), within `clarify_timeout_seconds`; the original question is
then answered with the fact the choice adds. 👍/👎 on an answer is one anonymous vote per person. The state it reads and updates is
the shell's `ConversationState`; everything else comes in `Context` and goes out as a
`Decision`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.config import BotSettings, PrivacySettings, Roles
from bot.conversation.admin import plan_command
from bot.conversation.choose import choice_in_words
from bot.conversation.commands import Command, parse_choice, parse_command
from bot.conversation.decision import IGNORE, Address, Count, Decision, OnSent, Vote
from bot.conversation.guidance import guidance_for
from bot.conversation.incoming import Identity, Incoming, Reaction, strip_mention
from bot.conversation.more import asks_for_more, is_more_reaction, more_decision
from bot.conversation.records import GuidanceRow
from bot.conversation.rights import Caller
from bot.conversation.state import ConversationState, LastAnswer, Pending, PendingKey
from bot.conversation.texts import RATE_LIMITED, UNDECRYPTABLE, text_reply
from bot.engine.answer import ANSWERED, NO_MATCH, SMALLTALK, Answer, Engine
from bot.engine.render import Renderer, Reply

FEEDBACK = {"👍": True, "👎": False}


@dataclass(frozen=True)
class Context:
    """Everything the policy reads besides its state: the engine and settings of the moment."""

    engine: Engine
    renderer: Renderer
    identity: Identity
    bot: BotSettings
    privacy: PrivacySettings
    roles: Roles
    now: float
    today: dt.date
    guidance: tuple[GuidanceRow, ...] = ()


def wants_power_level(body: str) -> bool:
    """Only `!consigne` may depend on the sender's power level (reading it can cost a request)."""
    command = parse_command(body)
    return command is not None and command.name == "consigne"


def answerable(incoming: Incoming, me: Identity) -> bool:
    """Notices (ours, other bots') and our own messages are never answered: no loops."""
    return not incoming.notice and incoming.sender != me.user_id


def on_message(incoming: Incoming, ctx: Context, state: ConversationState) -> Decision:
    if not answerable(incoming, ctx.identity):
        return IGNORE
    body = incoming.body[: ctx.bot.max_message_chars]
    key: PendingKey = (incoming.room_id, incoming.thread_key, incoming.sender)
    pending = _live_pending(key, ctx, state)
    command = parse_command(body)
    where = (incoming.room_id, incoming.thread_key)
    # "plus" in the thread of an answer asks for its rest, as a reply to a clarification would.
    more = command is None and asks_for_more(strip_mention(body, ctx.identity))
    addressed = (
        incoming.direct
        or command is not None
        or ctx.bot.respond_in_groups == "all"
        or incoming.mentioned
        or pending is not None
        or (more and where in state.last_answer)
    )
    if not addressed:
        return IGNORE
    to = Address(incoming.event_id, incoming.direct, incoming.root, incoming.sender)
    if not state.limiter.allow(incoming.sender, ctx.now):
        if state.limiter.should_warn(incoming.sender, ctx.now):
            return Decision(to=to, reply=text_reply(RATE_LIMITED), log="rate limited")
        return Decision(log="rate limited")
    question = strip_mention(body, ctx.identity)
    if pending is not None and command is None:
        choice = parse_choice(question, len(pending.choices))
        if choice is None:
            choice = choice_in_words(question, pending.choices, ctx.engine)
        if choice is not None:
            return _answer_choice(key, pending, choice, incoming.event_id, ctx, state)
    if command is not None:
        return _on_command(command, incoming, to, ctx, state)
    if more:
        return more_decision(state.last_answer.get(where), to, ctx.renderer)
    return _on_question(question, incoming, key, to, ctx, state)


def on_reaction(reaction: Reaction, ctx: Context, state: ConversationState) -> Decision:
    """A vote on an answer, ➕ for its rest, or the choice of a clarification's candidate."""
    if is_more_reaction(reaction.key):
        last = state.answer_by_notice.get(reaction.reacts_to)
        if last is None or reaction.reacts_to in state.more_given:
            return IGNORE
        state.more_given[reaction.reacts_to] = None
        to = Address(reaction.reacts_to, last.direct, last.root, reaction.sender)
        return more_decision(last, to, ctx.renderer)
    vote = FEEDBACK.get(reaction.key.replace("\ufe0f", ""))
    entry_id = state.answer_entry.get(reaction.reacts_to)
    if vote is not None and entry_id is not None:
        ballot = (reaction.reacts_to, reaction.sender)
        if ballot in state.votes:
            return IGNORE
        state.votes[ballot] = None
        return Decision(vote=Vote(entry_id, vote))
    key = state.pending_by_notice.get(reaction.reacts_to)
    if key is None or reaction.sender != key[2]:
        return IGNORE
    pending = _live_pending(key, ctx, state)
    choice = parse_choice(reaction.key, len(pending.choices)) if pending else None
    if pending is None or choice is None:
        return IGNORE
    return _answer_choice(key, pending, choice, reaction.event_id, ctx, state)


def undecryptable(event_id: str, sender: str, direct: bool, root: str | None) -> Decision:
    """The key never came: ask for the message again, rather than stay silent."""
    return Decision(to=Address(event_id, direct, root, sender), reply=text_reply(UNDECRYPTABLE))


def render_answer(answer: Answer, ctx: Context) -> Reply:
    """The answer with the service's guidance for its entry, if any."""
    entry = ctx.engine.kb.entries.get(answer.entry_id or "")
    guidance = []
    if answer.status == ANSWERED and entry is not None:
        guidance = guidance_for(entry, ctx.guidance)
    return ctx.renderer.render(answer, guidance)


def _on_command(
    command: Command, incoming: Incoming, to: Address, ctx: Context, state: ConversationState
) -> Decision:
    caller = Caller(incoming.sender, incoming.room_id, incoming.direct, incoming.power_level)
    planned = plan_command(command, caller, ctx.engine, ctx.roles, ctx.bot.admin_room, ctx.today)
    changed = command.name in ("consigne", "consignes")
    if planned is None:
        reply = _plain_command(
            command, ctx.renderer, state, (incoming.room_id, incoming.thread_key)
        )
        return Decision(to=to, reply=reply, typing=True)
    if isinstance(planned, Reply):
        return Decision(to=to, reply=planned, typing=True, guidance_changed=changed)
    return Decision(to=to, action=planned, typing=True, guidance_changed=changed)


def _plain_command(
    command: Command,
    renderer: Renderer,
    state: ConversationState,
    where: tuple[str, str | None],
) -> Reply:
    if command.name == "sources":
        return renderer.render_sources(command.argument)
    if command.name == "article":
        return renderer.render_article(command.argument)
    if command.name == "pourquoi":
        return renderer.render_trace(state.last_trace.get(where))
    if command.name == "plus":
        last = state.last_answer.get(where)
        return renderer.render_more(last.entry_id if last else None, last.rules if last else ())
    return renderer.render_help()


def _on_question(
    question: str,
    incoming: Incoming,
    key: PendingKey,
    to: Address,
    ctx: Context,
    state: ConversationState,
) -> Decision:
    analysis, answer = ctx.engine.consider(question)
    if answer.status == SMALLTALK:
        # Not a question: nothing counted, and the pending choice and `!pourquoi` stay as they were.
        return Decision(
            to=to, reply=ctx.renderer.render(answer), log=f"small talk kind={answer.smalltalk}"
        )
    # The answer opens a thread under the question in a group: later turns live there.
    reply_root = incoming.root or (None if incoming.direct else incoming.event_id)
    thread = reply_root if (reply_root or not incoming.direct) else None
    state.last_trace[(incoming.room_id, thread)] = answer.trace
    state.pending.pop(key, None)
    pending = None
    if answer.choices:
        pending = (
            (incoming.room_id, thread, incoming.sender),
            Pending(
                answer.choices,
                analysis,
                incoming.event_id,
                incoming.direct,
                reply_root,
                ctx.now,
            ),
        )
    answered = answer.entry_id if answer.status == ANSWERED and answer.entry_id else None
    last = None
    if answered is not None:
        last = LastAnswer(answered, answer.rules, incoming.direct, reply_root)
        state.last_answer[(incoming.room_id, thread)] = last
    else:
        state.last_answer.pop((incoming.room_id, thread), None)
    unanswered = None
    if answer.status == NO_MATCH and ctx.privacy.record_unanswered:
        scrub = getattr(ctx.engine.scanner, "scrub", None)
        if scrub is not None:
            unanswered = str(scrub(question))
    return Decision(
        to=to,
        reply=render_answer(answer, ctx),
        typing=True,
        on_sent=OnSent(pending, answered, last),
        count=Count(answer.entry_id if answer.status != NO_MATCH else None, answer.status),
        unanswered=unanswered,
        redact=incoming.event_id if answer.personal_data and ctx.privacy.redact_messages else None,
        log=f"answered status={answer.status} entry={answer.entry_id} escalate={answer.escalate}",
    )


def _answer_choice(
    key: PendingKey,
    pending: Pending,
    choice: int,
    trigger_event_id: str,
    ctx: Context,
    state: ConversationState,
) -> Decision:
    picked = pending.choices[choice - 1]
    # The original question, answered with the fact the choice adds, through the same rules.
    answer = ctx.engine.resolve(pending.analysis, picked.facts, picked.entry_id)
    entry_id = answer.entry_id or picked.entry_id
    state.pending.pop(key, None)
    state.last_trace[(key[0], key[1])] = answer.trace
    last = LastAnswer(entry_id, answer.rules, pending.direct, pending.root)
    state.last_answer[(key[0], key[1])] = last
    return Decision(
        to=Address(trigger_event_id, pending.direct, pending.root, key[2]),
        reply=render_answer(answer, ctx),
        on_sent=OnSent(None, entry_id, last),
        count=Count(entry_id, ANSWERED),
        log=f"clarification answered entry={entry_id} escalate={answer.escalate}",
    )


def _live_pending(key: PendingKey, ctx: Context, state: ConversationState) -> Pending | None:
    """The sender's pending clarification here, unless it has expired (then it is forgotten)."""
    pending = state.pending.get(key)
    if pending is not None and ctx.now - pending.asked_at > ctx.bot.clarify_timeout_seconds:
        state.pending.pop(key, None)
        return None
    return pending
