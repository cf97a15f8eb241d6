"""An article by its number: the summaries, recognising the number as typed, the card, `!article`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.engine.answer import ANSWERED, ARTICLE, NO_MATCH, Engine
from bot.engine.articles import ArticleIndex, only_asks, reference_numbers
from bot.engine.knowledge import KnowledgeBase, KnowledgeError, Source, packaged_knowledge_dir
from bot.engine.loading import load_knowledge
from bot.engine.render import Renderer
from bot.engine.render_article import article_json

# --- the summaries ---------------------------------------------------------------------------


# A sentence ends with . ! or ? before a capital; "art." and "L." abbreviate and end nothing.
SENTENCE_END = re.compile(r"(?<!\bart\.)(?<!\bL\.)(?<=[.!?])\s+(?=[A-ZÉÈÀÇ])")


def test_every_code_article_cited_by_an_entry_has_a_plain_summary(kb: KnowledgeBase):
    cited = {sid for e in kb.entries.values() for sid in e.sources}
    codes = [s for s in kb.sources.values() if s.kind == "code"]
    assert {s.id for s in codes if s.id in cited}, "aucun article de code cité ?"
    for source in codes:
        sentences = [p for p in SENTENCE_END.split(source.summary.strip()) if p]
        assert 1 <= len(sentences) <= 3, (source.id, sentences)
        # A summary says what the article says: never only a restatement of its validity note.
        assert source.summary.strip() != source.validity.strip(), source.id


def test_a_code_article_without_summary_is_refused_with_file_and_source(tmp_path: Path):
    root = tmp_path / "knowledge"
    shutil.copytree(packaged_knowledge_dir(), root)
    path = root / "sources.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[cpp-109]")
    line = text[start:].index("summary = ")
    end = text.index("\n", start + line)
    path.write_text(text[: start + line] + text[end + 1 :], encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    [problem] = info.value.problems
    assert problem.file == "sources.toml" and "cpp-109" in problem.message
    assert "summary" in problem.message and problem.line == text[:start].count("\n") + 1


def test_reference_numbers_expand_ranges_and_ignore_older_numbering():
    assert reference_numbers("Code de procédure pénale, articles 56-1 à 56-5") == (
        "56-1",
        "56-2",
        "56-3",
        "56-4",
        "56-5",
    )
    assert reference_numbers("Code de procédure pénale, article 40, alinéa 2") == ("40",)
    assert reference_numbers(
        "Code de l'action sociale et des familles, articles L. 226-2-1 et L. 226-3"
    ) == ("L226-2-1", "L226-3")
    assert reference_numbers(
        "Code de la sécurité intérieure, article L. 132-5 (anciennement art. L. 2211-5 CGCT)"
    ) == ("L132-5",)


# --- recognising the number as people type it -------------------------------------------------

TYPED = [
    ("226-13 c quoi", "cp-226-13"),
    ("que dit le 60-1 ?", "cpp-60-1"),
    ("L121-6-2 en gros ?", "casf-l121-6-2"),
    ("l'art 40 ça s'applique à nous ?", "cpp-40"),
    ("226-14 cp", "cp-226-14"),
    ("c koi l article L 226-2-2 du casf", "casf-l226-2-2"),
    ("le L. 226-4 casf, c'est quoi ?", "casf-l226-4"),
    ("art. 434-3", "cp-434-3"),
    ("l’article 109 du cpp", "cpp-109"),
    ("le 56-3 ?", "cpp-56-1"),
    ("article L. 226-3", "casf-l226-2-1"),
    # dashes lost, typed fast or dictated
    ("que dit le l 121 6 2", "casf-l121-6-2"),
    ("226 13 c quoi", "cp-226-13"),
    ("le 60 1 ca dit quoi", "cpp-60-1"),
    ("art.226-13", "cp-226-13"),
    ("article 40 2", "cpp-40"),
    # dictated in words
    ("deux cent vingt six treize c'est quoi", "cp-226-13"),
    ("que dit le soixante et un du cpp", "cpp-61"),
]


@pytest.mark.parametrize(("text", "source"), TYPED)
def test_an_article_is_recognised_as_typed(plain_engine: Engine, text: str, source: str):
    card = plain_engine.articles.card(text)
    assert card is not None and source in {a.source.id for a in card.articles}


def test_a_requisition_named_by_its_article_is_a_police_request(plain_engine: Engine):
    """« j'ai reçu un 60-1 » is a requisition: the hierarchy, whatever card is shown."""
    for text in ("j'ai reçu un 60-1 je réponds ?", "on m'a envoyé un 77 1 1 par mail"):
        answer = plain_engine.answer(text)
        assert answer.escalate and answer.decision == "passer par la hiérarchie", text


@pytest.mark.parametrize(
    "text",
    [
        "mon fils a 17 ans, il est en danger",
        "on est 40 dans le service",
        "le refus coûte 3 750 €",
        "rdv le 2026-12-02 à 14h",
        "appelez le 119",
        "article 999",
        "2 enfants de 6 8 ans",
        "on est 12 3 jours par semaine",
    ],
)
def test_numbers_that_are_not_known_articles_give_no_card(plain_engine: Engine, text: str):
    assert plain_engine.articles.card(text) is None
    assert plain_engine.answer(text).status != ARTICLE


def _index(*refs: str) -> ArticleIndex:
    sources = {
        f"s{i}": Source(f"s{i}", ref, "code", ref, "Version en vigueur.", summary="Résumé.")
        for i, ref in enumerate(refs)
    }
    return ArticleIndex(sources, {})


def test_a_number_shared_by_two_codes_shows_both_unless_the_code_is_named():
    index = _index(
        "Code pénal, article 121-2", "Code de l'action sociale et des familles, article L. 121-2"
    )
    both = index.card("le 121-2 c quoi ?")
    assert both is not None and both.shared and {a.code for a in both.articles} == {"CP", "CASF"}
    for text, code in [
        ("121-2 du casf", "CASF"),
        ("121-2 cp", "CP"),
        ("art 121-2 code pénal", "CP"),
    ]:
        card = index.card(text)
        assert card is not None and [a.code for a in card.articles] == [code], text
    cpp = _index("Code de procédure pénale, article 61", "Code pénal, article 61")
    card = cpp.card("article 61 du code de procédure pénale")
    assert card is not None and [a.code for a in card.articles] == ["CPP"]


def test_only_asks_tells_what_it_says_from_a_situation():
    assert only_asks("que dit le 60-1 ?") and only_asks("L121-6-2 en gros ?")
    assert only_asks("c koi l article L 226-2-2 du casf")
    assert not only_asks("l'OPJ me cite le 60-1 au téléphone, je donne l'adresse ?")


# --- the card, or the entry of a situation ------------------------------------------------------


def test_asking_what_an_article_says_gets_its_card(plain_engine: Engine, renderer: Renderer):
    answer = plain_engine.answer("que dit le 60-1 ?")
    assert answer.status == ARTICLE and answer.article is not None
    assert [s.id for s in answer.sources] == ["cpp-60-1"]
    citing = {e.id for e in plain_engine.kb.entries.values() if "cpp-60-1" in e.sources}
    assert answer.candidates and {c.entry_id for c in answer.candidates} <= citing
    source = plain_engine.kb.sources["cpp-60-1"]
    reply = renderer.render(answer)
    for part in (source.summary, source.validity, source.url or "", "Base à jour au"):
        assert part in reply.text
    assert "1. " in reply.text and answer.candidates[0].title in reply.text
    assert "Je ne sais pas" not in reply.text
    assert f'href="{source.url}"' in reply.html and "<ol>" in reply.html


def test_a_situation_naming_an_article_keeps_its_entry(plain_engine: Engine):
    danger = plain_engine.answer("un enfant est frappé par son père, le 226-14 me couvre ?")
    assert danger.status == ANSWERED and danger.entry_id == "enfant-danger-lever-secret"


def test_a_police_request_naming_an_article_stays_escalated(plain_engine: Engine):
    for text in (
        "l'OPJ me cite le 60-1 au téléphone, je donne l'adresse ?",
        "puis-je invoquer le 226-13 face à l'OPJ ?",
    ):
        answer = plain_engine.answer(text)
        assert answer.escalate, text
        assert answer.decision == "passer par la hiérarchie", text


def test_ask_json_gives_the_card_fields(plain_engine: Engine):
    data = article_json(plain_engine.answer("226-13 c quoi"))
    [article] = data["article"]["articles"]  # type: ignore[index]
    assert article["source_id"] == "cp-226-13" and article["code"] == "CP"
    assert article["summary"] and article["validity"] and article["url"].startswith("https://")
    assert "secret-sanctions" in article["entries"]
    assert article_json(plain_engine.answer("que puis-je dire en CLSPD ?")) == {}


# --- `!article` -------------------------------------------------------------------------------


def test_article_command_known_unknown_and_empty(renderer: Renderer, kb: KnowledgeBase):
    known = renderer.render_article("L. 226-4 casf")
    assert kb.sources["casf-l226-4"].summary in known.text
    unknown = renderer.render_article("226-99")
    assert "Je ne connais pas l'article « 226-99 »" in unknown.text
    assert "226-13" in unknown.text  # the closest known ones
    nothing = renderer.render_article("n'importe quoi")
    assert "Je ne connais pas" in nothing.text
    usage = renderer.render_article("")
    assert "!article" in usage.text and "226-13" in usage.text and "L. 121-6-2" in usage.text


def test_no_match_is_still_no_match_without_an_article(plain_engine: Engine):
    assert plain_engine.answer("à quelle heure ferme la cantine ?").status == NO_MATCH


def test_number_words_become_digits_only_in_runs():
    from bot.engine.number_words import digits

    assert digits("deux cent vingt six treize") == "226 13"
    assert digits("quatre cent trente quatre quinze un") == "434 15 1"
    assert digits("quatre vingt dix sept") == "97"
    assert digits("trois cent quarante et un") == "341"
    # a single number word stays a word: « un enfant de deux ans » holds no number
    assert digits("un enfant de deux ans") == "un enfant de deux ans"
