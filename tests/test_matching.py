"""Matching, thresholds and the dev set as a regression floor."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.engine.answer import ANSWERED, CLARIFY, NO_MATCH, Engine, EngineSettings, NoScanner
from bot.engine.knowledge import KnowledgeBase
from bot.engine.matcher import Calibration, Matcher, MatchWeights
from bot.tools.evaluation import Labelled, evaluate_engine, evaluate_engine_folds, folds, with_typos

REQUIRED_IDS = {
    "requisition-opj",
    "requisition-forme",
    "requisition-refus",
    "requisition-procedure-service",
    "audition-temoin",
    "secret-qui-est-soumis",
    "secret-perimetre",
    "confidentiel-ou-secret",
    "secret-sanctions",
    "enfant-danger-lever-secret",
    "information-preoccupante",
    "secret-partage-protection-enfance",
    "secret-partage-action-sociale",
    "information-maire",
    "usager-arme-prefet",
    "violences-conjugales",
    "delit-usager-denonciation",
    "clspd-que-dire",
    "clspd-pression",
    "clspd-pleniere",
    "clspd-comptes-rendus",
    "clspd-police",
    "clspd-charte",
    "consentement-information-usager",
    "fichier-mairie-cnil",
    "cddf",
    "referent-parcours",
    "dossier-social-ecrits",
    "prevention-specialisee",
    "tiers-sans-base-legale",
}


def test_required_entries_exist(kb: KnowledgeBase):
    # The 30 required ids, plus the audition libre, split from audition-temoin by the legal review.
    assert set(kb.entries) == REQUIRED_IDS | {"audition-libre"}


def test_police_and_justice_entries_escalate(kb: KnowledgeBase):
    esc = {e.id for e in kb.entries.values() if e.escalate}
    assert {
        "requisition-opj",
        "requisition-forme",
        "requisition-refus",
        "requisition-procedure-service",
        "audition-temoin",
        "audition-libre",
    } <= esc


def test_reference_question(plain_engine: Engine):
    a = plain_engine.answer("Puis-je donner l'adresse d'un usager à l'OPJ ?")
    assert a.status == ANSWERED
    assert a.entry_id == "requisition-opj"
    assert a.escalate
    assert a.decision == "passer par la hiérarchie"
    ids = {s.id for s in a.sources}
    assert {"cpp-60-1", "cp-226-13"} <= ids


@pytest.mark.parametrize(
    "question",
    [
        "À quelle heure ferme la cantine ?",
        "quelle est l'adresse de la mairie ?",
        "comment calculer le RSA ?",
        "",
        "???",
    ],
)
def test_off_topic_is_declined(plain_engine: Engine, question: str):
    a = plain_engine.answer(question)
    assert a.status == NO_MATCH
    assert a.entry_id is None


def test_confidence_is_a_probability(plain_engine: Engine, devset: list[Labelled]):
    for item in devset[:60]:
        a = plain_engine.answer(item.text)
        assert 0.0 <= a.confidence <= 1.0


def test_threshold_from_settings_is_applied(kb: KnowledgeBase, lexicon):
    strict = Engine(kb, NoScanner(), EngineSettings(answer_threshold=0.999), lexicon)
    lax = Engine(kb, NoScanner(), EngineSettings(answer_threshold=0.0001), lexicon)
    q = "c'est quoi le secret partagé"
    assert strict.answer(q).status == NO_MATCH
    assert lax.answer(q).status in (ANSWERED, CLARIFY)


def test_clarify_when_two_entries_are_close(kb: KnowledgeBase, lexicon):
    wide = Engine(kb, NoScanner(), EngineSettings(clarify_margin=1.0, clarify_floor=0.0), lexicon)
    a = wide.answer("secret clspd")
    assert a.status == CLARIFY
    assert 2 <= len(a.candidates) <= 3
    assert a.entry_id == a.candidates[0].entry_id


def test_subset_question_does_not_score_perfect(plain_engine: Engine):
    # A one-word question is a subset of many phrasings; token_set_ratio would give them all 100.
    ranked = plain_engine.matcher.rank(plain_engine.normalizer.tokens("secret"), limit=3)
    assert ranked and ranked[0].confidence < 0.99


def test_typos_and_abbreviations(plain_engine: Engine):
    a = plain_engine.answer("un flic veut l'adrese dune famille que je suis, jlui done ?")
    assert a.entry_id == "requisition-opj"


def _cross_validated(kb: KnowledgeBase, lexicon, devset: list[Labelled], asked=None):
    """The dev set's questions are phrasings of the base: each fifth is asked of a base without it."""
    parts = folds(kb, devset, asked)
    return evaluate_engine_folds(lambda base: Engine(base, NoScanner(), lexicon=lexicon), parts)


def test_dev_set_floor(kb: KnowledgeBase, lexicon, devset: list[Labelled]):
    """Cross-validated: measured at 91.1 % (batch 10, police requests only, at 65 %)."""
    report = _cross_validated(kb, lexicon, devset)
    assert report.top1 >= 0.90
    assert report.none_recall >= 0.85
    assert report.escalation == 1.0
    assert report.cited == 1.0


def test_heldout_floor(plain_engine: Engine, heldout: list[Labelled]):
    """Written from the topic list only, never tuned on nor copied into the base: measured once at
    91.9 % top-1, 91.6 % of off-topic questions declined. A regression floor, not a target."""
    report = evaluate_engine(plain_engine, heldout)
    assert report.top1 >= 0.90
    assert report.none_recall >= 0.88
    assert report.escalation == 1.0
    assert report.cited == 1.0


def test_second_held_out_set_holds_its_figures(plain_engine: Engine):
    """Written blind on 2026-12-07 from the entry titles only, in the way people type (writer AV):
    harder than v4. Regression floors at its read of that day (aggregates only), not the issue's
    targets: docs/matching.md. Off-topic declined 0.90 → 0.88 on 2026-12-07 (sixth session): one
    of its 50 (a child named in a statement) now gets the danger entries asked back
    (danger_check.py), the measured price of no « je ne sais pas » for a danger told in unknown
    words (docs/legal-changes.md)."""
    from bot.tools.evaluation import DATA_DIR, load_set

    held = evaluate_engine(plain_engine, load_set(DATA_DIR / "heldout2.toml"))
    assert held.answered_right is not None and held.wrong_sure is not None
    assert held.answered_right >= 171 / 200 and held.wrong_sure <= 17 / 200
    assert held.none_recall >= 0.88 and held.escalation is not None and held.escalation >= 0.97
    assert held.false_escalation is not None and held.false_escalation <= 0.10


def test_third_held_out_set_holds_its_figures(plain_engine: Engine):
    """Written blind on 2026-12-08 from the entry titles only (writer BY), police requests
    labelled by a second blind reader. Regression floors at its second read of that day
    (aggregates only), not the issue's targets: docs/matching.md."""
    from bot.tools.evaluation import DATA_DIR, load_set

    held = evaluate_engine(plain_engine, load_set(DATA_DIR / "heldout3.toml"))
    assert held.answered_right is not None and held.wrong_sure is not None
    assert held.answered_right >= 195 / 200 and held.wrong_sure <= 2 / 200
    assert held.none_recall >= 0.86 and held.escalation is not None and held.escalation >= 1.0
    assert held.false_escalation is not None and held.false_escalation <= 0.08


def _two_entries(**weights: float) -> Matcher:
    phrasings = {
        "a": [["secret", "partag", "collegu"], ["partag", "info", "equip"]],
        "b": [["secret", "partag", "partenair"], ["partag", "info", "reseau"]],
    }
    bodies = {"a": ["equip", "servic"], "b": ["conservation", "duree", "fichier"]}
    return Matcher(phrasings, MatchWeights(**weights), entry_bodies=bodies)


def test_words_found_only_in_the_answer_body_count():
    question = ["partag", "info", "duree", "conservation"]
    assert _two_entries(body=0.0).rank(question)[0].entry_id == "a"
    ranked = _two_entries(body=0.3).rank(question)
    assert ranked[0].entry_id == "b" and ranked[0].body > ranked[1].body


def test_the_prior_from_facts_reorders_close_entries():
    question = ["secret", "partag", "info"]
    assert _two_entries(body=0.0, prior=0.0).rank(question)[0].entry_id == "b"
    ranked = _two_entries(body=0.0, prior=0.1).rank(
        question, prior=lambda eid: 0.5 if eid == "a" else 0.0
    )
    assert [r.entry_id for r in ranked] == ["a", "b"] and ranked[0].prior == 0.5


def test_facts_favour_the_entries_whose_phrasings_share_them(plain_engine: Engine):
    """« sœur » is no word of the requisition entries, but it is a third party, like « bailleur »."""
    outcome = plain_engine.outcome("la soeur d'un monsieur veut son adresse")
    assert "demandeur.tiers" in outcome.facts
    prior = plain_engine.prior(outcome)
    assert prior("tiers-sans-base-legale") > prior("requisition-opj")
    assert all(0.0 <= prior(eid) <= 1.0 for eid in plain_engine.kb.entries)


def test_typo_noise_is_seeded_and_keeps_the_labels(devset: list[Labelled]):
    noisy = with_typos(devset, 0.3)
    assert noisy == with_typos(devset, 0.3)
    assert [i.expect for i in noisy] == [i.expect for i in devset]
    changed = sum(a.text != b.text for a, b in zip(noisy, devset, strict=True))
    assert len(devset) * 0.5 < changed < len(devset)
    assert with_typos(devset, 0.0) == devset


def test_typos_cost_little(kb: KnowledgeBase, lexicon, devset: list[Labelled]):
    """Random one-letter typos in 30 % of the longer words: measured at 90.0 %."""
    assert _cross_validated(kb, lexicon, devset, with_typos(devset, 0.3)).top1 >= 0.88


def test_unsure_police_question_still_gets_the_hierarchy_advice(kb: KnowledgeBase, lexicon):
    """No answer, but the best guess is a police entry and the police are named: the escalation
    advice stays. Without police or justice in the question, a guess never escalates."""
    question = "cote police, c est qui dans le service, moi ou ma cheffe"  # no rule fires
    unsure = EngineSettings(answer_threshold=0.999)
    a = Engine(kb, NoScanner(), replace(unsure, escalate_floor=0.0), lexicon).answer(question)
    assert a.status == NO_MATCH and a.rules == () and a.escalate
    b = Engine(kb, NoScanner(), replace(unsure, escalate_floor=1.0), lexicon).answer(question)
    assert b.status == NO_MATCH and not b.escalate
    unnamed = "qui repond dans le service, moi ou ma cheffe"
    c = Engine(kb, NoScanner(), replace(unsure, escalate_floor=0.0), lexicon).answer(unnamed)
    assert c.status == NO_MATCH and c.rules == () and not c.escalate


def test_a_question_close_to_a_known_off_topic_one_loses_confidence():
    phrasings = {"a": [["secret", "partag", "info"]], "b": [["opj", "adress"]]}
    off_topic = [["voitur", "fourrier", "recuper"]]
    cal = Calibration(off_topic=-6.0)
    plain = Matcher(phrasings, calibration=cal)
    aware = Matcher(phrasings, calibration=cal, off_topic=off_topic)
    question = ["opj", "voitur", "fourrier"]
    before, after = plain.rank(question)[0], aware.rank(question)[0]
    assert before.off_topic == 0.0 and after.off_topic > 0.5
    assert after.entry_id == before.entry_id and after.confidence < before.confidence
    # A question sharing nothing with the off-topic bank is untouched.
    assert (
        aware.rank(["opj", "adress"])[0].confidence == plain.rank(["opj", "adress"])[0].confidence
    )
