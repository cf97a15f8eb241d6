"""Small talk: greetings, thanks, goodbyes, questions about the bot get one short friendly reply."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.engine.answer import ANSWERED, CLARIFY, NO_MATCH, SMALLTALK, Engine
from bot.engine.knowledge import KnowledgeBase, KnowledgeError, packaged_knowledge_dir
from bot.engine.loading import load_knowledge
from bot.engine.render import Renderer
from bot.engine.smalltalk import SmallTalkMatcher

DISCLAIMER = "Ceci est une information, pas un avis juridique"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("bonjour", "greeting"),
        ("Bonjour !", "greeting"),
        ("slt", "greeting"),
        ("coucou repere", "greeting"),
        ("merci !", "thanks"),
        ("super merci bcp", "thanks"),
        ("top merci ça m'aide", "thanks"),
        ("Merci 🙏", "thanks"),
        ("bonne soirée", "goodbye"),
        ("a plus", "goodbye"),
        ("tu sers a quoi ?", "about"),
        ("t'es qui", "about"),
        ("tu peux m'aider ?", "about"),
        ("comment ça marche", "about"),
        ("bonjour, tu sers à quoi ?", "about"),
        # the fallback: small talk opening or closing a message, the rest understood as nothing
        ("ok merci je transmets a ma cheffe", "thanks"),
        ("merci beaucoup c'est très clair", "thanks"),
        ("tu es un robot ou une vraie personne ?", "about"),
        ("je vais voir avec l'équipe, merci !", "thanks"),
        # function words do not count among the few words around it
        ("merci, je le note dans le classeur de l'équipe", "thanks"),
        ("bonjour, je suis nouvelle dans le service depuis lundi", "greeting"),
    ],
)
def test_small_talk_is_recognised(plain_engine: Engine, text: str, kind: str):
    answer = plain_engine.answer(text)
    assert answer.status == SMALLTALK and answer.smalltalk == kind


@pytest.mark.parametrize(
    "text",
    [
        "bonjour, la police me demande l'adresse d'un usager",
        "à quelle heure ferme la cantine ?",
        "merci de me dire si je peux parler au maire",
        "tu peux m'aider pour un signalement ?",
        "salut, un enfant est frappé chez lui",
        "merci, et pour le maire ?",
        "ok merci, et si c'est la gendarmerie qui demande ?",
        "",
    ],
)
def test_a_message_holding_anything_else_is_not_small_talk(plain_engine: Engine, text: str):
    assert plain_engine.answer(text).status != SMALLTALK


@pytest.mark.parametrize(
    "text",
    [
        "bonjour Mme Martin",  # a name: the personal-data warning, not a greeting
        "merci, la police me demande son adresse",  # a rule decides
        "bonjour, un enfant a des bleus",  # a danger
        "merci mais je ne sais pas quoi dire au bailleur",  # an entry answers
    ],
)
def test_the_fallback_never_hides_what_is_understood(engine: Engine, text: str):
    assert engine.answer(text).status != SMALLTALK


def test_off_topic_questions_stay_declined(plain_engine: Engine):
    assert plain_engine.answer("à quelle heure ferme la cantine ?").status == NO_MATCH


def test_the_reply_is_short_friendly_and_gives_two_answered_examples(
    plain_engine: Engine, renderer: Renderer, kb: KnowledgeBase
):
    for kind in ("greeting", "thanks", "goodbye", "about"):
        text = next(iter(kb.smalltalk.phrases[kind]))
        reply = renderer.render(plain_engine.answer(text))
        assert "Je ne sais pas" not in reply.text and DISCLAIMER not in reply.text
        assert kb.smalltalk.replies[kind] in reply.text
        assert len(reply.text) < 600
        # One or two friendly sentences ("Bonjour ! Je suis Repère : …"), then the examples.
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", kb.smalltalk.replies[kind]) if s]
        assert 1 <= len(sentences) <= 2, sentences
        for example in kb.smalltalk.examples:
            assert f"« {example} »" in reply.text and example in reply.html
    # The examples are questions Repère answers: a newcomer who copies one gets an answer.
    for example in kb.smalltalk.examples:
        assert plain_engine.answer(example).status in (ANSWERED, CLARIFY), example


# --- the data file is checked at load ---------------------------------------------------------


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(packaged_knowledge_dir(), root)
    return root


def _edit(root: Path, old: str, new: str) -> str:
    path = root / "smalltalk.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.replace(old, new)


def _problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems]


def test_a_case_that_no_longer_holds_is_a_load_error_with_its_line(kb_dir: Path):
    text = _edit(kb_dir, 'text = "merci !"\nkind = "thanks"', 'text = "merci !"\nkind = "goodbye"')
    line = text.splitlines().index('text = "merci !"')  # the [[case]] line is just above
    assert _problems(kb_dir) == [
        f"smalltalk.toml:{line}: cas « merci ! » : attendu « goodbye », obtenu « thanks »"
    ]


def test_a_phrase_in_two_kinds_and_a_missing_reply_are_refused(kb_dir: Path):
    _edit(kb_dir, '"bye", "salut a plus"', '"bye", "salut a plus", "coucou"')
    _edit(
        kb_dir,
        'reply = "Avec plaisir !',
        'answer = "Avec plaisir !',
    )
    problems = "\n".join(_problems(kb_dir))
    assert "« coucou » est déjà une phrase de [greeting]" in problems
    assert "[thanks] : « reply »" in problems


def test_a_base_without_smalltalk_file_has_no_small_talk(kb_dir: Path):
    (kb_dir / "smalltalk.toml").unlink()
    base = load_knowledge(kb_dir)
    assert SmallTalkMatcher(base.smalltalk).kind("bonjour") is None


def test_writer_p_small_talk_and_questions_around_it(plain_engine: Engine):
    """Writer P's blind set (tests/data/smalltalk_dev4.toml, 2026-12-02, read case by case):
    every small talk gets the short reply, and no real question beside a greeting or a thank-you is taken for small talk."""
    import tomllib

    data = tomllib.loads((Path(__file__).parent / "data" / "smalltalk_dev4.toml").read_text())
    missed = [
        c["text"] for c in data["smalltalk"] if plain_engine.answer(c["text"]).status != SMALLTALK
    ]
    taken = [
        c["text"]
        for c in data["notsmalltalk"]
        if plain_engine.answer(c["text"]).status == SMALLTALK
    ]
    assert len(data["smalltalk"]) >= 100 and len(data["notsmalltalk"]) >= 40
    assert missed == []
    assert taken == []


def test_a_message_to_the_bot_with_nothing_understood_is_about_it(plain_engine: Engine):
    """Nothing in it is understood and it speaks to the bot: the reply says what Repère is."""
    for text in ("tu reponds aussi le dimanche ?", "on peut t'ecrire la nuit, repere ?"):
        assert plain_engine.answer(text).smalltalk == "about", text
    for text in (
        "tu peux me dire si je donne l'adresse au bailleur ?",  # a question the base answers
        "vous avez son nouveau numero ?",  # « vous » is the worker as well
        "tu sais si l'opj peut exiger le dossier ?",  # police: the requisition route
    ):
        assert plain_engine.answer(text).smalltalk is None, text
