"""The guided-decision figures on the hand-written sets (`repere kb guided`)."""

from __future__ import annotations

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

# What the held-out set measured when last read, for its aggregates only (2026-12-02, read twice):
# below the target for the share asked (62 %, target 75 %); a floor against regressions,
# not a goal.
HELDOUT_ASKED = 28 / 45
HELDOUT_WRONG = 2 / 45
HELDOUT_DEAD_END = 2 / 45
HELDOUT_REPLIES = 60 / 110
HELDOUT_COMPLETE = 24 / 30


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


def test_guided_decision_meets_the_targets_on_dev(plain_engine: Engine):
    asked, wrong, dead_ends, replies, complete = _figures(plain_engine, "dev")
    assert asked >= TARGET_ASKED
    assert wrong <= TARGET_WRONG
    assert dead_ends <= TARGET_DEAD_END
    assert replies >= 0.75
    assert complete >= 0.90


def test_guided_decision_held_out_regression_guard(plain_engine: Engine):
    """Floors at what the held-out set measured when read (aggregates only, never tuned on)."""
    asked, wrong, dead_ends, replies, complete = _figures(plain_engine, "heldout")
    assert asked >= HELDOUT_ASKED
    assert wrong <= HELDOUT_WRONG
    assert dead_ends <= HELDOUT_DEAD_END
    assert replies >= HELDOUT_REPLIES
    assert complete >= HELDOUT_COMPLETE
