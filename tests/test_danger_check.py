"""A victim named in words the base does not know: the danger entries asked back, not « je ne sais pas »."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.engine.analysis import CLARIFY, NO_MATCH, Answer
from bot.engine.answer import Engine
from bot.engine.danger_check import (
    DANGER_CHECK,
    QUESTION_MARK,
    TOLD,
    checked_for_danger,
    form_facts,
    reads_as_report,
    victim_entries,
)
from bot.engine.knowledge import KnowledgeBase
from bot.engine.render import Renderer

UNKNOWN = Answer(NO_MATCH, None, 0.0, False, None, (), (), (), (), ())
DANGER = frozenset(
    {"enfant-danger-lever-secret", "information-preoccupante", "violences-conjugales"}
)


@pytest.mark.parametrize(
    ("facts", "report"),
    [
        ({"signal.mineur"}, True),
        ({"signal.vulnerable", "personne.suivie"}, True),
        ({"signal.conjugal", QUESTION_MARK, "question.que_faire"}, True),
        ({"signal.mineur", "question.demarche", "question.que_faire"}, True),
        # no victim named: nothing to offer
        ({"personne.suivie"}, False),
        ({QUESTION_MARK, "question.que_faire"}, False),
        # a procedure, or a plain question about something else
        ({"signal.mineur", "question.demarche"}, False),
        ({"signal.vulnerable", "question.pratique"}, False),
        ({"signal.mineur", QUESTION_MARK}, False),
        # a practical word in a situation told at length is no procedure asked (« au parking »)
        ({"signal.mineur", "question.pratique", TOLD}, True),
        ({"signal.mineur", "question.demarche", TOLD}, False),
        ({"signal.mineur", "question.pratique", TOLD, QUESTION_MARK}, False),
    ],
)
def test_a_report_names_a_victim_and_asks_no_procedure(facts: set[str], report: bool):
    assert reads_as_report(facts) is report


def test_each_victim_gets_the_entries_of_its_danger_rule(kb: KnowledgeBase):
    assert victim_entries(kb, {"signal.mineur"}) == (
        "enfant-danger-lever-secret",
        "information-preoccupante",
    )
    assert victim_entries(kb, {"signal.vulnerable"}) == ("enfant-danger-lever-secret",)
    assert victim_entries(kb, {"signal.conjugal"}) == ("violences-conjugales",)
    assert victim_entries(kb, {"personne.suivie"}) == ()


def test_a_no_match_about_a_child_becomes_the_question_back(kb: KnowledgeBase):
    checked = checked_for_danger(kb, {"signal.mineur"}, UNKNOWN, DANGER)
    assert checked.status == CLARIFY and checked.question == DANGER_CHECK and checked.caught
    assert [c.entry_id for c in checked.choices] == [
        "enfant-danger-lever-secret",
        "information-preoccupante",
    ]
    assert checked.sources and any("17" in a and "112" in a for a in checked.advice)


def test_an_answer_a_procedure_or_an_escalation_is_left_as_it_is(kb: KnowledgeBase):
    answered = replace(UNKNOWN, status="answered", entry_id="secret-perimetre")
    assert checked_for_danger(kb, {"signal.mineur"}, answered, DANGER) is answered
    escalated = replace(UNKNOWN, escalate=True)
    assert checked_for_danger(kb, {"signal.mineur"}, escalated, DANGER) is escalated
    procedure = {"signal.mineur", "question.demarche"}
    assert checked_for_danger(kb, procedure, UNKNOWN, DANGER) is UNKNOWN


@pytest.mark.parametrize(
    "question",
    [
        "comment inscrire un enfant a la creche municipale ?",
        "c quoi les horaires de la PMI pour les vaccins des bebes",
        "quelle aide pour une dame de 80 ans qui veut une teleassistance",
        "combien de temps pour une place en ehpad pour mamie",
    ],
)
def test_a_procedure_about_a_child_or_an_elderly_person_is_still_declined(
    plain_engine: Engine, question: str
):
    assert plain_engine.answer(question).status == NO_MATCH


def test_the_words_of_a_procedure_and_of_what_to_do(plain_engine: Engine):
    facts = plain_engine.analyse
    assert "question.demarche" in facts("quels papiers pour le dossier de la petite ?").facts
    assert "question.demarche" not in facts("la petite dort dans l'entree").facts
    assert "question.que_faire" in facts("le petit est seul, on fait quoi ?").facts
    assert "question.que_faire" not in facts("que fait le CCAS pour les retraites").facts
    assert QUESTION_MARK in facts("elle est seule ?").facts
    assert QUESTION_MARK not in facts("elle est seule").facts


def test_a_long_message_is_a_situation_told():
    assert form_facts("horaires de la PMI pour les vaccins des bebes") == frozenset()
    told = "un bambin dans une poussette au parking depuis 40 min, la maman est repartie en voiture"
    assert form_facts(told) == {TOLD}
    assert form_facts(told + " ?") == {TOLD, QUESTION_MARK}


def test_a_practical_word_in_passing_does_not_hide_a_child_told_about(plain_engine: Engine):
    """Written for this test: a parking named in a situation, a practical query about babies."""
    told = "vigile : un bambin dans une poussette au parking depuis 40 min, la maman est repartie"
    answer = plain_engine.answer(told)
    assert answer.status == CLARIFY and answer.question == DANGER_CHECK
    assert plain_engine.answer("horaires de la PMI pour les vaccins des bebes").status == NO_MATCH


def test_a_told_situation_never_meets_i_do_not_know(plain_engine: Engine):
    """Words the base does not know, a teenager named: the danger entries and the numbers."""
    question = "Ines 15 ans rentre au foyer avec des billets et des fringues neuves"
    answer = plain_engine.answer(question)
    assert answer.status != NO_MATCH
    text = Renderer(plain_engine.kb).render(answer).text
    assert "Je ne sais pas" not in text and "17" in text and "119" in text
    chosen = {answer.entry_id, *(c.entry_id for c in answer.choices)}
    assert chosen & DANGER
