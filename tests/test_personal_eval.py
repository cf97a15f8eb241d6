"""The guard on the [[personal]] sets of tests/data/guided_*.toml (`repere kb personal`)."""

from __future__ import annotations

import pytest

from bot.engine.answer import Engine
from bot.engine.privacy import PrivacyScanner
from bot.engine.render import Renderer
from bot.tools.evaluation import DATA_DIR, Labelled
from bot.tools.personal_eval import counts, evaluate, load_cases

# Measured 2026-12-02 with masking (docs/matching.md, « Données personnelles »). Nothing of the
# data is ever echoed and the warning is always there; the floors hold the entry figures.
FLOORS = {
    # 7 December, batch 12 merged: two answers become clarifications once the data is masked (the
    # entries offered are the right ones, a danger entry among them): the same answer 25 → 23
    "dev": {"text": 22, "plain": 22, "same": 23},
    # with the supervised signal (2026-12-02): with the data 21 → 22, the same answer 23 → 22
    "dev2": {"text": 22, "plain": 22, "same": 22},
    # writer J's set, first read 2026-12-02, held out until the fourth session of that day
    # 7 December, batch 12 merged: one « je ne sais pas » once the names are masked, 24 → 23
    "dev5": {"text": 23, "plain": 22, "same": 23},
    # writer S's set, first read in the fourth session of 2026-12-02, held out until the fifth
    "dev7": {"text": 24, "plain": 24, "same": 25},
    # writer AA's 50 questions (blind, 2026-12-03): 45 at their first read, 46 once a relative who
    # calls « pour savoir » is a third party asking; the misses left are rankings
    # that fail with or without the data
    "dev9": {"text": 46, "plain": 46, "same": 47},
    # writer W's set, first read on 2026-12-03; third read: the consent question answered by its
    # entry whatever the meeting gives the entry with the data (22 -> 23) but not without (24 the same)
    "heldout": {"text": 23, "plain": 22, "same": 24},
}
SIZES = {"dev9": 50}


@pytest.mark.parametrize("name", ["dev", "dev2", "dev5", "dev7", "dev9", "heldout"])
def test_personal_sets_hold_their_figures(engine: Engine, renderer: Renderer, name: str) -> None:
    cases = load_cases(DATA_DIR / f"guided_{name}.toml")
    assert len(cases) == SIZES.get(name, 25)
    assert all(c.data and all(d in c.text for d in c.data) for c in cases)
    # Aggregates only: a failure names the figure, never a question of the held-out set.
    got = counts(evaluate(engine, renderer, cases))
    assert got["not_echoed"] == len(cases)
    assert got["warned"] == len(cases)
    for figure, floor in FLOORS[name].items():
        assert got[figure] >= floor, (figure, got[figure])


def test_general_sets_hold_no_personal_data(
    scanner: PrivacyScanner, devset: list[Labelled], heldout: list[Labelled]
) -> None:
    # Why `repere kb eval` may measure with NoScanner: masking leaves every question of the dev
    # and held-out sets as it is, so the figures are those of the bot with the real scanner.
    changed = sum(
        scanner.screen(q.text).masked != q.text or bool(scanner.kinds(q.text))
        for q in [*devset, *heldout]
    )
    assert changed == 0
