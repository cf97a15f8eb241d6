"""Every rule's own cases from rules.toml, plus the override semantics."""

from __future__ import annotations

import pytest

from bot.engine.answer import Engine
from bot.engine.knowledge import Rule
from bot.engine.loading import load_knowledge
from bot.engine.rules import RuleEngine

_KB = load_knowledge()
CASES = [(r.id, c.question, c.fires, c.kind) for r in _KB.rules for c in r.cases]


def fired(engine: Engine, question: str) -> set[str]:
    return {r.id for r in engine.outcome(question).fired}


@pytest.mark.parametrize(("rule_id", "question", "fires", "kind"), CASES)
def test_rule_case(plain_engine: Engine, rule_id: str, question: str, fires: bool, kind: str):
    if kind == "decides":
        # Precedence: this rule fires and gives the decision, above every other rule that fires.
        outcome = plain_engine.outcome(question)
        assert next((r.id for r in outcome.fired if r.decision), None) == rule_id
    else:
        assert (rule_id in fired(plain_engine, question)) is fires


def test_every_rule_has_each_kind_of_case():
    for rule in _KB.rules:
        kinds = {c.kind for c in rule.cases} - {"decides"}
        assert kinds == {"fires", "does_not_fire", "boundary"}, rule.id


def test_witness_summons_overrides_requisition(plain_engine: Engine):
    outcome = plain_engine.outcome(
        "le juge d'instruction me convoque comme temoin et demande des infos"
    )
    ids = [r.id for r in outcome.fired]
    assert "temoignage" in ids and "requisition" not in ids
    assert "requisition" in outcome.overridden
    assert outcome.escalate


def test_mayor_in_clspd_overrides_mayor_rule(plain_engine: Engine):
    assert "maire-action-sociale" in fired(
        plain_engine, "que puis-je dire au maire sur une famille"
    )
    both = fired(plain_engine, "que puis-je dire au maire sur une famille en clspd")
    assert "maire-clspd" in both and "maire-action-sociale" not in both


def test_immediate_danger_overrides_reporting(plain_engine: Engine):
    ids = fired(plain_engine, "une dame est frappee en ce moment, danger")
    assert "danger-immediat" in ids and "violences-conjugales" not in ids
    # a child: the same decision, and the child's entry even when a partner is the author
    ids = fired(plain_engine, "un enfant est frappe en ce moment, danger")
    assert "danger-immediat-enfant" in ids and "danger-mineur" not in ids
    assert "danger-immediat" not in ids
    a = plain_engine.answer("un enfant est frappe en ce moment, danger")
    assert a.decision == "agir immédiatement"
    b = plain_engine.answer("le conjoint de la maman vient de secouer le bebe, il est tout mou")
    assert b.decision == "agir immédiatement" and b.entry_id == "enfant-danger-lever-secret"


def test_requisition_rule_escalates_whatever_entry_matched(plain_engine: Engine):
    # The matched entry here is about third parties, but the police asks too.
    a = plain_engine.answer("le bailleur et un gendarme me demandent l'adresse d'une locataire")
    assert a.escalate
    assert "requisition" in a.rules


def test_police_pressure_is_not_refused(plain_engine: Engine):
    a = plain_engine.answer("un opj insiste pour avoir l'adresse d'un usager")
    assert a.decision == "passer par la hiérarchie"
    assert "pression" not in a.rules


def test_trace_names_facts_and_rules(plain_engine: Engine):
    a = plain_engine.answer("un opj me demande l'adresse d'un usager")
    text = "\n".join(a.trace)
    assert "demandeur.police" in text and "requisition" in text


def test_an_exception_phrase_hides_only_its_own_words(plain_engine: Engine):
    # « maintenant » in « je fais quoi maintenant ? » is the worker's step, not a harm going on
    # (rules.toml [exceptions]); the same word elsewhere, or another urgency word, still counts.
    seen = plain_engine.outcome(
        "nourrisson de 4 mois, des marques rondes sur le ventre vues ce matin en visite, je fais quoi maintenant ?"
    ).facts
    assert "signal.urgence" not in seen and "signal.mal" in seen
    for question in (
        "le pere frappe le petit maintenant, je fais quoi maintenant ?",
        "il la frappe en ce moment, je fais quoi maintenant ?",
    ):
        assert "signal.urgence" in plain_engine.outcome(question).facts


def test_beaten_is_a_harm_but_a_fight_is_not(plain_engine: Engine):
    """The exception « s'est battu » (a fight at the stadium) once hid « elle est battue », the
    elided « s' » being dropped (safety dev, a GP who thinks a woman is beaten: no harm seen)."""
    for question in ("le medecin pense que la dame est battue", "la petite est battue chez elle"):
        assert "signal.mal" in plain_engine.outcome(question).facts, question
    for question in ("le gamin s'est battu au stade", "il s est battu a la recre"):
        assert "signal.mal" not in plain_engine.outcome(question).facts, question


def test_an_exception_phrase_hides_a_thesaurus_word_only_where_it_stands(plain_engine: Engine):
    # « police » is a pattern read through the thesaurus, not word for word: inside « connu des
    # gendarmes » it names no asker, so the mayor's request stays the mayor's; another police word
    # elsewhere (« l'OPJ me demande ») still counts.
    mayor = plain_engine.outcome(
        "le maire me demande si le fils est suivi, il est connu des gendarmes depuis longtemps"
    )
    assert "demandeur.police" not in mayor.facts and "demandeur.maire" in mayor.facts
    assert "requisition" not in {r.id for r in mayor.fired}
    for question in (
        "l'OPJ me demande son adresse, il est connu des gendarmes",
        "connu des gendarmes, la police me demande son adresse",
    ):
        assert "demandeur.police" in plain_engine.outcome(question).facts


def test_a_rule_that_prefers_its_entry_answers_with_it_when_ranked_near(plain_engine: Engine):
    # The audition-libre rule decides and prefers its entry: a summons that also says « témoin »
    # and tells a death gets the audition libre entry, not the witness's nor the danger's.
    a = plain_engine.answer(
        "une residente est decedee apres une chute, la famille a porte plainte, notre veilleur de "
        "nuit est convoque en audition libre au commissariat, il a peur d'etre traite comme un "
        "temoin qui ment, comment l'accompagner ?"
    )
    assert a.rules[0] == "audition-libre" and a.entry_id == "audition-libre"
    # Without the preference the witness rule answers with the ranking's choice.
    b = plain_engine.answer(
        "convoquee comme temoin par les gendarmes, pas comme suspecte, je dis quoi ?"
    )
    assert "audition-libre" not in b.rules and b.entry_id == "audition-temoin"


def _rule(rid: str, priority: int, when: str, overrides: tuple[str, ...] = ()) -> Rule:
    return Rule(
        id=rid,
        priority=priority,
        when=((when,),),
        unless=(),
        overrides=overrides,
        decision="refuser",
        escalate=False,
        sources=(),
        why="",
        cases=(),
    )


def test_an_exception_set_aside_gives_the_general_rule_back(plain_engine: Engine):
    """The requisition sets the child's danger rule aside; the judge named as context sets the
    requisition aside: the danger rule fires again (a boy « suivi aussi par la PJJ » hit by his
    uncle once got no decision at all). Without the context, the requisition still sets it aside."""
    rules = (
        _rule("danger", 68, "signal.mal"),
        _rule("requisition", 80, "demandeur.justice", ("danger",)),
        _rule("context", 21, "justice.contexte", ("requisition",)),
    )
    engine = RuleEngine({}, rules, plain_engine.normalizer)
    both = engine.judge(frozenset({"signal.mal", "demandeur.justice", "justice.contexte"}))
    assert [r.id for r in both.fired] == ["danger", "context"]
    assert both.overridden == ("requisition",)
    alone = engine.judge(frozenset({"signal.mal", "demandeur.justice"}))
    assert [r.id for r in alone.fired] == ["requisition"]
    cycle = RuleEngine(
        {}, (_rule("a", 2, "x", ("b",)), _rule("b", 1, "x", ("a",))), plain_engine.normalizer
    )
    assert cycle.judge(frozenset({"x"})).fired == ()


def test_a_boy_followed_by_the_pjj_and_hit_by_his_uncle_gets_the_report(plain_engine: Engine):
    a = plain_engine.answer(
        "Jeune homme de 16 ans et demi, suivi aussi par la PJJ, il dit que son oncle le frappe "
        "avec un baton quand il rentre tard le soir"
    )
    assert a.decision == "signaler" and not a.escalate
