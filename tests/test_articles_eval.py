"""Guard: the issue's targets for articles by number and small talk, on the guided sets.

The held-out set is measured as aggregates only; no assertion message names one of its texts.
"""

from __future__ import annotations

from bot.engine.answer import Engine
from bot.tools.articles_eval import Outcome, evaluate, load_cases, report
from bot.tools.evaluation import DATA_DIR

# Held-out small talk, measured 2026-12-02 (docs/matching.md): 22 of 25. The issue asks for every
# one; this floor only keeps it from falling while the gap is open.
TALK_HELDOUT_FLOOR = 0.88


def _run(engine: Engine, name: str) -> tuple[list[Outcome], list[Outcome]]:
    articles, talk = load_cases(DATA_DIR / f"guided_{name}.toml")
    assert len(articles) >= 20 and len(talk) >= 20, "jeu guidé incomplet"
    return evaluate(engine, articles, talk)


def _share(outcomes: list[Outcome]) -> float:
    return sum(o.ok for o in outcomes) / len(outcomes)


def test_dev_set_meets_the_targets(plain_engine: Engine):
    on_articles, on_talk = _run(plain_engine, "dev")
    shown = report("dev", on_articles, on_talk, show=True)
    assert _share(on_articles) >= 0.90, shown
    assert _share(on_talk) == 1.0, shown


def test_held_out_set_aggregates(plain_engine: Engine):
    on_articles, on_talk = _run(plain_engine, "heldout")
    assert _share(on_articles) >= 0.90, f"articles {_share(on_articles):.0%}"
    assert _share(on_talk) >= TALK_HELDOUT_FLOOR, f"petits mots {_share(on_talk):.0%}"
