"""The emergency line under every answer that touches a danger, and never elsewhere."""

from __future__ import annotations

import pytest

from bot.engine.analysis import ANSWERED, CLARIFY, NO_MATCH, Candidate
from bot.engine.answer import Engine
from bot.engine.knowledge import KnowledgeBase
from bot.engine.matcher import Scored
from bot.engine.render import Renderer
from bot.engine.rules import RuleOutcome
from bot.engine.safety_net import escalates, has_numbers, judged_without_police, with_emergency

LINE = "Danger immédiat : 17 ou 112."
DANGER = frozenset({"enfant-danger-lever-secret"})


def test_added_when_a_danger_entry_is_reached_without_numbers():
    assert with_emergency(("Parlez-en.",), LINE, (), ["enfant-danger-lever-secret"], DANGER) == (
        "Parlez-en.",
        LINE,
    )


def test_added_when_a_harm_is_told_whatever_the_entry():
    assert with_emergency((), LINE, {"signal.mal"}, ["requisition-opj"], DANGER) == (LINE,)


def test_added_for_a_danger_in_general_words_with_a_victim_only():
    assert with_emergency((), LINE, {"signal.urgence", "signal.mineur"}, [], DANGER) == (LINE,)
    assert with_emergency((), LINE, {"signal.danger", "signal.vulnerable"}, [], DANGER) == (LINE,)
    assert with_emergency((), LINE, {"signal.urgence", "demandeur.police"}, [], DANGER) == ()
    assert with_emergency((), LINE, {"signal.danger"}, [], DANGER) == ()


def test_added_for_an_emergency_beside_a_danger_or_a_weapon_without_a_victim():
    """« un gendarme dit qu'une personne est en danger, c'est urgent »: the numbers, whoever asks."""
    urgent_danger = {"signal.urgence", "signal.danger", "demandeur.police"}
    assert with_emergency((), LINE, urgent_danger, ["requisition-forme"], DANGER) == (LINE,)
    assert with_emergency((), LINE, {"signal.urgence", "signal.arme"}, [], DANGER) == (LINE,)


def test_not_added_twice_nor_without_danger():
    given = ("Appelez le 17 ou le 112.",)
    assert with_emergency(given, LINE, {"signal.mal"}, [], DANGER) == given
    assert (
        with_emergency((), LINE, {"demandeur.tiers"}, ["tiers-sans-base-legale", None], DANGER)
        == ()
    )
    assert with_emergency((), "", {"signal.mal"}, [], DANGER) == ()


def test_an_entry_listed_in_the_base_carries_the_numbers_beside_a_danger_word_only():
    """base.toml « fiches_avec_numeros »: sharing in child protection has many reasons; a child named
    beside it may be a danger no rule saw."""
    shared = ["secret-partage-protection-enfance"]
    extra = frozenset(shared)
    assert with_emergency((), LINE, {"signal.mineur"}, shared, DANGER, extra) == (LINE,)
    assert with_emergency((), LINE, {"signal.arme"}, shared, DANGER, extra) == (LINE,)
    assert with_emergency((), LINE, {"demande.information"}, shared, DANGER, extra) == ()
    assert with_emergency((), LINE, {"signal.mineur"}, shared, DANGER) == ()


def test_has_numbers_needs_both():
    assert has_numbers(["17 ou 112"]) and not has_numbers(["le 17", "le 119"])


def test_a_chosen_danger_entry_carries_the_numbers(plain_engine: Engine):
    text = (
        Renderer(plain_engine.kb).render(plain_engine.answer_entry("information-preoccupante")).text
    )
    assert "17" in text and "112" in text and "114" in text


def test_a_question_without_danger_gets_no_emergency_line(plain_engine: Engine):
    a = plain_engine.answer("le bailleur veut savoir si la famille est suivie chez nous")
    assert not has_numbers(a.advice)
    shared = plain_engine.answer("peut-on partager des infos entre ASE et PMI ?")
    assert shared.entry_id == "secret-partage-protection-enfance"
    assert not has_numbers(shared.advice)


def test_a_child_named_beside_child_protection_sharing_gets_the_numbers(plain_engine: Engine):
    """No danger rule fires and no danger entry is reached: the entry base.toml lists carries the
    line because a child is named (written for this test)."""
    a = plain_engine.answer(
        "l'educ ASE me demande ce que je sais du petit de 3 ans de mme B, je lui dis ?"
    )
    assert a.entry_id == "secret-partage-protection-enfance"
    assert not {a.entry_id, *(c.entry_id for c in a.candidates)} & plain_engine.danger_entries
    assert has_numbers(a.advice)


def test_a_danger_nobody_from_police_asks_about_is_not_escalated(plain_engine: Engine):
    # Written for this test, not taken from a set: police words absent, a harm told.
    for q in (
        "les 3 petits sont seuls dans l'appartement depuis ce matin, la mere est partie a Lyon",
        "une dame de 88 ans attachee a son lit dans la chambre, elle respire mal",
        "le conjoint de mme a pris ses papiers et la menace de la tuer ce soir",
    ):
        a = plain_engine.answer(q)
        assert not a.escalate, q
        assert a.entry_id in plain_engine.danger_entries, q
        assert has_numbers(a.advice), q


def test_police_asking_about_a_danger_still_escalates(plain_engine: Engine):
    for q in (
        "un gendarme me demande si le pere frappe les enfants, je reponds ?",
        "convoquee comme temoin dans l'enquete sur les coups recus par un eleve",
    ):
        assert plain_engine.answer(q).escalate, q


def test_a_police_refusal_or_a_procuration_is_no_request(plain_engine: Engine):
    for q in (
        "le jeune de 15 ans dit que sa mere le frappe, il ne veut pas de la police",
        "mme de 90 ans assise dans ses excrements, le neveu a procuration garde son argent",
    ):
        assert not plain_engine.answer(q).escalate, q


def test_a_danger_beside_another_question_keeps_its_entry_offered(plain_engine: Engine):
    a = plain_engine.answer(
        "on garde combien de temps les ecrits du dossier social ? sinon la petite de 8 ans "
        "que je suis me dit que son pere la frappe"
    )
    reached = {a.entry_id} | {c.entry_id for c in a.candidates}
    assert reached & plain_engine.danger_entries
    assert has_numbers(a.advice)


def test_a_police_caller_pleading_a_danger_keeps_the_danger_entry_offered(plain_engine: Engine):
    """No danger rule fires (a disappearance, « vie ou de mort »): the requisition route
    answers, and the danger entry its rule names stays offered (safety dev21, 7 December)."""
    a = plain_engine.answer(
        "un policier appelle, il lui faut tout de suite le portable d'un monsieur qu'on suit, "
        "il aurait disparu, c'est une question de vie ou de mort"
    )
    assert a.decision == "passer par la hiérarchie" and a.escalate
    assert a.entry_id not in plain_engine.danger_entries
    assert "enfant-danger-lever-secret" in {c.entry_id for c in a.candidates}
    # the same request with no danger named does not offer it
    plain = plain_engine.answer("un policier appelle, il veut le portable d'un monsieur qu'on suit")
    assert "enfant-danger-lever-secret" not in {c.entry_id for c in plain.candidates}


def _guess(entry_id: str, confidence: float) -> Scored:
    return Scored(entry_id, 1.0, confidence, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def test_a_deciding_rule_without_police_is_not_overridden_by_a_police_guess(kb: KnowledgeBase):
    """An élu to refuse, the words drifting to the requisition entry: no escalation."""
    elu = next(r for r in kb.rules if r.id == "elu-tiers")
    facts = frozenset({"demandeur.elu", "demande.requete"})
    outcome = RuleOutcome(facts, (elu,), ())
    guess = _guess("requisition-opj", 0.48)
    assert judged_without_police(outcome)
    assert not escalates(kb, outcome, NO_MATCH, None, (), guess, 0.3)
    # the same guess beside a police request escalates
    police = RuleOutcome(facts | {"demandeur.police"}, (elu,), ())
    assert not judged_without_police(police)
    assert escalates(kb, police, NO_MATCH, None, (), guess, 0.3)


def test_a_no_answer_escalates_on_its_guess_only_with_police_named(kb: KnowledgeBase):
    guess = _guess("requisition-opj", 0.6)
    nothing = RuleOutcome(frozenset(), (), ())
    assert not escalates(kb, nothing, NO_MATCH, None, (), guess, 0.3)
    named = RuleOutcome(frozenset({"demandeur.police"}), (), ())
    assert escalates(kb, named, NO_MATCH, None, (), guess, 0.3)
    assert not escalates(kb, named, NO_MATCH, None, (), _guess("requisition-opj", 0.2), 0.3)


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        ("la sauvegarde de justice et la curatelle renforcee, quelle difference ?", False),
        ("le tribunal judiciaire ferme a quelle heure le vendredi ?", False),
        ("la gendarmerie m'a appelee pour savoir si on suit un monsieur", True),
        ("au clspd le gendarme m'a glisse de lui envoyer l'adresse par sms", True),
        # Police sitting in the CLSPD group, or what they do with what is said there: a question
        # about the police, not a request from them (issue 13: on dev, 30 of the false escalations).
        (
            "les gendarmes en cellule de veille, est ce qu'ils peuvent utiliser ce qu'on dit pr "
            "leurs enquetes?",
            False,
        ),
        ("si je parle d'un jeune en CLSPD devant la BAC ils peuvent s'en servir apres ?", False),
        ("police municipale en cellule de veille, ça pose pb pr le secret ?", False),
        (
            "le gendarme qui siege au cispd m'ecrit : pourriez-vous me transmettre le portable du "
            "monsieur",
            True,
        ),
        ("les policiers presents au clspd veulent nos notes, ils peuvent s'en servir ?", True),
    ],
)
def test_escalation_follows_a_request_addressed_to_the_worker(
    plain_engine: Engine, text: str, escalates: bool
):
    """Police or justice named without asking the worker anything do not escalate."""
    assert plain_engine.answer(text).escalate is escalates


def test_a_police_entry_reached_without_police_named_does_not_escalate(kb: KnowledgeBase):
    """Escalation follows a police or justice request, not the entry the words drift to: an
    answered or offered police entry escalates only when the question names police or justice."""

    entry = kb.entries["requisition-opj"]
    offered = (Candidate("requisition-opj", entry.title, 0.6),)
    nothing = RuleOutcome(frozenset({"signal.vulnerable"}), (), ())
    assert not escalates(kb, nothing, ANSWERED, entry, (), _guess("requisition-opj", 0.8), 0.3)
    assert not escalates(kb, nothing, CLARIFY, None, offered, _guess("requisition-opj", 0.6), 0.3)
    # the police named only as someone the family dare not call: nobody asks the worker
    called = RuleOutcome(frozenset({"demandeur.police", "initiative.police"}), (), ())
    assert not escalates(kb, called, ANSWERED, entry, (), _guess("requisition-opj", 0.8), 0.3)
    named = RuleOutcome(frozenset({"signal.vulnerable", "demandeur.police"}), (), ())
    assert escalates(kb, named, ANSWERED, entry, (), _guess("requisition-opj", 0.8), 0.3)
    assert escalates(kb, named, CLARIFY, None, offered, _guess("requisition-opj", 0.6), 0.3)


def test_a_requisition_named_by_its_terms_escalates(plain_engine: Engine):
    for text in (
        "c'est quoi un motif legitime pour refuser ?",
        "on m'a demande ds le cadre d'une enquete qui dormait au foyer",
    ):
        assert plain_engine.answer(text).escalate, text


def test_a_relative_refused_gets_the_third_party_entry_not_a_police_one(plain_engine: Engine):
    # Written for this test: « copie de son dossier » ranks the police entry first (the police
    # copying files), but a relative asks and the rule refuses: its entry answers, no escalation.
    a = plain_engine.answer(
        "le fils d'un monsieur qu'on accompagne veut une copie de son dossier complet"
    )
    assert (a.entry_id, a.decision, a.escalate) == ("tiers-sans-base-legale", "refuser", False)
    b = plain_engine.answer(
        "un opj veut une copie du dossier complet d'un monsieur qu'on accompagne"
    )
    assert b.entry_id == "requisition-opj" and b.escalate


def test_a_judge_named_as_context_is_no_request(plain_engine: Engine):
    # Written for this test: the judge already seized, the mairie asks; then the judge who asks.
    a = plain_engine.answer(
        "le juge des enfants est deja saisi, la mairie veut une copie du rapport de situation"
    )
    assert (a.decision, a.escalate) == ("refuser", False)
    # No police entry answers. Since batch 12 of the dev set (7 December) no entry ranks high
    # enough: the refusal comes with « je ne sais pas » and the entries the rule is about.
    assert a.entry_id is None or not a.entry_id.startswith("requisition"), a.entry_id
    assert a.entry_id is not None or "information-maire" in [c.entry_id for c in a.candidates]
    b = plain_engine.answer(
        "le juge des enfants est deja saisi et le greffe me demande une copie du rapport"
    )
    assert b.escalate and b.decision == "passer par la hiérarchie"


def test_every_police_request_says_to_call_17_yourself(plain_engine: Engine):
    """When police or justice ask, the reply says to call 17 or 112 yourself if you believe a danger
    is immediate, even when the entry that answers does not (issue 10: « The answer then says »).
    Written for this test: requests answered by entries without the numbers in their first steps."""
    renderer = Renderer(plain_engine.kb)
    for q in (
        "on peut refuser de repondre a une requisition de l'opj ?",
        "mon chef veut que je reponde moi meme a la requisition du procureur",
        "j'ai fait un signalement, un gendarme me rappelle et veut tout le dossier",
    ):
        a = plain_engine.answer(q)
        assert a.escalate and a.decision == "passer par la hiérarchie", q
        text = renderer.render(a).text
        assert "vous-même le 17 ou le 112" in text, q
