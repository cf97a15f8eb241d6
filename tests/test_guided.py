"""Guided decision in the engine: the deciding fact asked, the original question then answered."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.engine.answer import ANSWERED, CLARIFY, NO_MATCH, Engine, NoScanner
from bot.engine.knowledge import KnowledgeError, packaged_knowledge_dir
from bot.engine.loading import load_knowledge
from bot.engine.reload import failing_ask_cases
from bot.engine.render import Renderer

# Understood only vaguely: « je ne sais pas », then the closest topics.
VAGUE = "et pour le secret, en gros, ça marche comment avec les autres ?"
UNDERSPECIFIED = "on me demande des renseignements sur un monsieur qu'on suit, je réponds ?"


def test_an_underspecified_request_asks_who_asks(plain_engine: Engine):
    a = plain_engine.answer(UNDERSPECIFIED)
    assert a.status == CLARIFY and a.question == "Qui vous demande ces informations ?"
    leads = [c.entry_id for c in a.choices]
    assert {"requisition-opj", "tiers-sans-base-legale", "secret-partage-action-sociale"} <= set(
        leads
    )
    assert 3 <= len(a.choices) <= 5 and a.choices[-1].label.startswith("Autre")
    # The policy can answer the original question from the analysis alone: no text kept.
    analysis = plain_engine.analyse(UNDERSPECIFIED)
    assert not any(isinstance(v, str) and "monsieur" in v for v in vars(analysis).values())


def test_the_police_choice_answers_the_original_question_through_the_rules(
    plain_engine: Engine,
):
    analysis = plain_engine.analyse(UNDERSPECIFIED)
    asked = plain_engine.respond(analysis)
    police = asked.choices[0]
    a = plain_engine.resolve(analysis, police.facts, police.entry_id)
    assert a.status == ANSWERED and a.entry_id == "requisition-opj"
    assert "requisition" in a.rules and a.escalate
    assert a.decision == "passer par la hiérarchie"
    text = Renderer(plain_engine.kb).render(a).text
    assert "60-1" in text and "hiérarchie" in text


def test_other_is_not_a_dead_end(plain_engine: Engine):
    analysis = plain_engine.analyse(UNDERSPECIFIED)
    other = plain_engine.respond(analysis).choices[-1]
    a = plain_engine.resolve(analysis, other.facts, other.entry_id)
    assert a.status == ANSWERED and a.entry_id == "tiers-sans-base-legale"
    assert a.decision == "refuser" and not a.escalate


def test_a_fact_already_in_the_question_is_never_asked(plain_engine: Engine):
    for question, entry in (
        ("un gendarme me demande des renseignements sur un monsieur qu'on suit", "requisition-opj"),
        ("le bailleur veut savoir si la famille est suivie par nous", "tiers-sans-base-legale"),
        ("je suis convoquee comme temoin au commissariat pour une famille", "audition-temoin"),
    ):
        a = plain_engine.answer(question)
        assert a.status == ANSWERED and a.entry_id == entry, question


def test_police_in_the_question_escalates_even_while_asking(plain_engine: Engine):
    a = plain_engine.answer("les gendarmes me convoquent la semaine prochaine pour un usager")
    assert a.status == CLARIFY and a.question.startswith("À quel titre")
    assert a.escalate
    assert [c.entry_id for c in a.choices[:2]] == ["audition-temoin", "audition-libre"]


def test_danger_is_answered_at_once_never_delayed_by_a_question(plain_engine: Engine):
    a = plain_engine.answer("on me demande des infos sur un enfant qu'on suit, il a des bleus")
    assert a.status == ANSWERED and a.question == ""


def test_a_deciding_rule_answers_from_its_entry_no_contradiction(plain_engine: Engine):
    a = plain_engine.answer("la sœur d'une usagère veut son numéro")
    assert a.status == ANSWERED and a.entry_id == "tiers-sans-base-legale"
    assert a.decision == "refuser"
    text = Renderer(plain_engine.kb).render(a).text
    assert "Je ne sais pas" not in text


def test_je_ne_sais_pas_offers_the_closest_topics_by_number(plain_engine: Engine):
    a = plain_engine.answer(VAGUE)
    assert a.status == NO_MATCH and a.choices and a.question
    assert len({c.entry_id for c in a.choices}) == len(a.choices) <= 3
    text = Renderer(plain_engine.kb).render(a).text
    assert "Je ne sais pas" in text and "1. " in text and "Décision" not in text


def test_off_topic_is_still_declined_with_nothing_to_pick(plain_engine: Engine):
    a = plain_engine.answer("a quelle heure ferme la cantine ?")
    assert a.status == NO_MATCH and not a.choices


def test_the_ask_cases_of_clarify_toml_pass(plain_engine: Engine):
    assert plain_engine.kb.asks
    assert failing_ask_cases(plain_engine) == []


def _copy_base(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(packaged_knowledge_dir(), target)
    return target


def test_unknown_fact_and_entry_are_french_errors_naming_the_file(tmp_path: Path):
    base = _copy_base(tmp_path)
    path = base / "clarify.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('facts = ["cadre.cddf"]', 'facts = ["cadre.cddff"]')
    text = text.replace('entry = "audition-libre"', 'entry = "audition-libree"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(base)
    messages = [str(p) for p in err.value.problems]
    assert any(
        m.startswith("clarify.toml:") and "fait inconnu « cadre.cddff »" in m for m in messages
    )
    assert any("fiche inconnue « audition-libree »" in m for m in messages)


def test_choices_count_and_cases_are_checked(tmp_path: Path):
    base = _copy_base(tmp_path)
    path = base / "clarify.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('must_ask = [\n  "je suis convoquee')
    end = text.index("]", text.index("must_not_ask", start)) + 1
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(base)
    assert any("« must_ask » et « must_not_ask »" in str(p) for p in err.value.problems)


def test_a_failing_ask_case_is_reported(tmp_path: Path, lexicon):
    base = _copy_base(tmp_path)
    path = base / "clarify.toml"
    text = path.read_text(encoding="utf-8")
    must_be_asked = f'"{UNDERSPECIFIED}",'
    text = text.replace(
        '"l\'usager demande a lire son dossier",',
        f'"l\'usager demande a lire son dossier",\n  {must_be_asked}',
    )
    path.write_text(text, encoding="utf-8")
    engine = Engine(load_knowledge(base), NoScanner(), lexicon=lexicon)
    failures = failing_ask_cases(engine)
    assert failures == [
        f"clarify.toml : la question « demandeur » ne devrait pas être posée sur « {UNDERSPECIFIED} »"
    ]


def test_an_unnamed_asker_makes_a_mere_mention_no_answer(plain_engine: Engine):
    # « la mission locale » or « mon équipe » says who follows the person, not who asks.
    asked = plain_engine.answer(
        "on me demande si le jeune suivi a la mission locale vient a ses rdv"
    )
    assert asked.status == CLARIFY and asked.question and asked.choices
    named = plain_engine.answer(
        "la conseillere de la mission locale qui suit le jeune me demande s'il vient"
    )
    assert not named.question or "Qui vous demande" not in named.question


def test_weak_facts_must_be_among_answered_by(tmp_path: Path):
    base = _copy_base(tmp_path)
    path = base / "clarify.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^weak = .*$", 'weak = ["signal.mal"]', text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(base)
    assert any("« weak »" in str(p) for p in err.value.problems)


def test_a_rule_deciding_without_an_entry_ranked_says_no_je_ne_sais_pas(plain_engine: Engine):
    """A rule decides while its entry does not rank: the reply gives the decision under an intro
    that says so, never « je ne sais pas » above a decision (issue 12, part 4)."""
    from dataclasses import replace

    a = plain_engine.answer("la sœur d'une usagère veut son numéro")
    undecided = replace(a, status=NO_MATCH, entry_id=None)
    renderer = Renderer(plain_engine.kb)
    for reply in (renderer.render(undecided).text, renderer.render(undecided).html):
        assert "Je ne sais pas" not in reply and "une règle s'y applique" in reply
        assert "refuser" in reply
    vague = renderer.render(replace(undecided, decision=None)).text
    assert "Je ne sais pas" in vague
