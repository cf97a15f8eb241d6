"""The guided-decision figures on the hand-written sets (`repere kb guided`)."""

from __future__ import annotations

import pytest

from bot.engine.answer import Engine
from bot.tools.evaluation import DATA_DIR
from bot.tools.guided_eval import (
    TARGET_ASKED,
    TARGET_DEAD_END,
    TARGET_WRONG,
    complete_ok,
    evaluate_complete,
    evaluate_missing,
    load_guided,
)

# Floors at what each set measured when the guard was set, against regressions, not goals.
# heldout: writer W's set, third read on 2026-12-03 (aggregates only, docs/matching.md). dev2:
# writer H's set, held out until the second session of 2026-12-02. Between the second and third
# reads, a question about consent is answered by the consent entry whatever the meeting (decided
# on the dev sets: personal +4 cases, guided dev4 -1); on W that cost one question asked (47 -> 46)
# and three replies in words (126 -> 123), kept as a trade-off, not tuned back.
FLOORS = {
    "dev2": {
        "asked": 28 / 45,
        "wrong": 2 / 45,
        "dead_end": 2 / 45,
        "replies": 60 / 110,
        "complete": 24 / 30,
    },
    "heldout": {
        "asked": 46 / 50,
        "wrong": 2 / 50,
        "dead_end": 0 / 50,
        "replies": 123 / 138,
        "complete": 26 / 30,
    },
}


def _figures(engine: Engine, name: str) -> tuple[float, float, float, float, float]:
    missing, complete = load_guided(DATA_DIR / f"guided_{name}.toml")
    verdicts = evaluate_missing(engine, missing)
    answered = evaluate_complete(engine, complete)
    replies = [ok for v in verdicts for ok in v.replies_ok]
    n = len(verdicts)
    assert n and replies and answered
    return (
        sum(v.asked for v in verdicts) / n,
        sum(v.wrong for v in verdicts) / n,
        sum(v.dead_end for v in verdicts) / n,
        sum(replies) / len(replies),
        sum(complete_ok(c, a) for c, a in answered) / len(answered),
    )


@pytest.mark.parametrize("name", ["dev", "dev4", "dev5", "dev6", "dev7"])
def test_guided_decision_meets_the_targets_on_dev(plain_engine: Engine, name: str):
    """dev (writer G), dev4 (writer Q, blind, 60 missing and 20 complete), dev5 (writer J, held
    out until the fourth session of 2026-12-02), dev6 (writer T, blind, 60 missing and 20
    complete) and dev7 (writer S, held out until the fifth session): read case by case."""
    asked, wrong, dead_ends, replies, complete = _figures(plain_engine, name)
    assert asked >= TARGET_ASKED
    assert wrong <= TARGET_WRONG
    assert dead_ends <= TARGET_DEAD_END
    assert replies >= 0.75
    assert complete >= 0.90


@pytest.mark.parametrize("name", ["dev2", "heldout"])
def test_guided_decision_regression_guard(plain_engine: Engine, name: str):
    """Floors at what the set measured (held-out: aggregates only, never tuned on)."""
    asked, wrong, dead_ends, replies, complete = _figures(plain_engine, name)
    floor = FLOORS[name]
    assert asked >= floor["asked"]
    assert wrong <= floor["wrong"]
    assert dead_ends <= floor["dead_end"]
    assert replies >= floor["replies"]
    assert complete >= floor["complete"]
