"""Answers that fit a phone screen (issue 12, part 6): the short first message, `!plus`, the limits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine.answer import Engine
from bot.engine.knowledge import (
    BRIEF_MAX_CHARS,
    FIRST_MESSAGE_MAX_CHARS,
    KEY_POINT_MAX_CHARS,
    SOURCE_SHORT_MAX_CHARS,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    Source,
    packaged_knowledge_dir,
)
from bot.engine.layout import covered_by, shown_chars, split_body, summarize
from bot.engine.loading import load_knowledge
from bot.engine.render import Renderer, source_groups
from bot.tools.lengths import is_cited, measure


def test_shown_chars_leave_the_addresses_of_links_out():
    text = "Code pénal, art. 226-13 (https://www.legifrance.gouv.fr/x), voir : https://a.fr/b"
    assert shown_chars(text) == len("Code pénal, art. 226-13, voir")
    assert shown_chars("sans lien") == len("sans lien")


def test_summary_is_median_p90_and_max():
    s = summarize(list(range(1, 11)))
    assert (s.count, s.median, s.p90, s.maximum) == (10, 5.5, 9.0, 10)
    assert summarize([]).count == 0


def test_every_entry_first_message_fits_a_phone_and_is_cited(engine: Engine, renderer: Renderer):
    for eid in engine.kb.entries:
        reply = renderer.render(engine.answer_entry(eid))
        assert shown_chars(reply.text) <= FIRST_MESSAGE_MAX_CHARS, eid
        assert is_cited(reply), eid
        assert "!plus" in reply.text and "!plus" in reply.html, eid


def test_first_message_is_the_short_form_and_plus_the_whole_body(
    engine: Engine, renderer: Renderer, kb: KnowledgeBase
):
    entry = kb.entries["requisition-opj"]
    first = renderer.render(engine.answer_entry(entry.id)).text
    more = renderer.render_more(entry.id).text
    parts = split_body(entry.body)
    full_points = [line[2:] for line in parts.key_points.splitlines() if line.startswith("- ")]
    assert len(full_points) > len(entry.key_points)
    # The last key point of the body is only in `!plus`.
    tail = full_points[-1].replace("*", "")[:60]
    assert tail not in first and tail in more
    for related in entry.related:
        assert kb.entries[related].title in more and kb.entries[related].title not in first
    assert shown_chars(more) > shown_chars(first)


def test_police_first_message_keeps_what_safety_needs(engine: Engine, renderer: Renderer):
    answer = engine.answer("un OPJ me demande l'adresse d'une usagère, je lui donne ?")
    assert answer.escalate and answer.advice
    text = renderer.render(answer).text
    # The entry opens with the hierarchy advice itself, so the police banner is not repeated.
    assert text.count("Ne répondez pas seul·e") == 1 and "🔺" not in text
    for needed in (
        "hiérarchie",
        "institution",
        "60-1",
        "3 750 €",
        "standard",
        "réquisition écrite",
    ):
        assert needed in text, needed
    assert "17" in text and "112" in text
    for advice in answer.advice:
        assert advice in text


def test_police_banner_stays_when_the_entry_does_not_say_it(engine: Engine, renderer: Renderer):
    answer = engine.answer("un gendarme me demande en CLSPD si je connais une famille")
    assert answer.escalate and answer.entry_id is not None
    assert not engine.kb.entries[answer.entry_id].body.startswith("**Ne répondez pas seul·e")
    assert "🔺" in renderer.render(answer).text


def test_danger_first_message_keeps_the_emergency_numbers(engine: Engine, renderer: Renderer):
    text = renderer.render(engine.answer_entry("enfant-danger-lever-secret")).text
    for number in ("17", "112", "114", "119", "3977", "3919"):
        assert number in text, number


def test_plus_gives_the_rules_that_fired(engine: Engine, renderer: Renderer, kb: KnowledgeBase):
    answer = engine.answer("un OPJ me demande l'adresse d'une usagère, je lui donne ?")
    assert answer.rules
    more = renderer.render_more(answer.entry_id, answer.rules)
    rule = next(r for r in kb.rules if r.id == answer.rules[0])
    assert rule.why in more.text and rule.id in more.html
    for sid in kb.entries[answer.entry_id or ""].sources:
        assert kb.sources[sid].label in more.text  # every source in full


def test_plus_without_an_answer_says_so(renderer: Renderer):
    reply = renderer.render_more(None)
    assert "posez d'abord votre question" in reply.text


def test_sources_of_one_code_share_a_line():
    def code(sid: str, label: str) -> Source:
        return Source(sid, label, "code", label, "", url=f"https://x.fr/{sid}")

    groups = source_groups(
        [
            code("a", "Code pénal, art. 226-13 (atteinte au secret professionnel)"),
            code("b", "Code de procédure pénale, art. 60-1 (réquisitions)"),
            code("c", "Code pénal, art. 226-14 (cas où le secret peut être levé)"),
            Source("d", "ANAS, communiqué du 21 juin 2016 (cadre de CDAS)", "communiqué", "", ""),
            Source(
                "e",
                "CSTS (aujourd'hui HCTS), avis du 17 juillet 2014",
                "avis",
                "",
                "",
                short="CSTS, avis de 2014",
            ),
        ]
    )
    # The longer codes go by their usual abbreviation; a document by its `short` form if it has one.
    assert [g.head for g in groups] == ["Code pénal, art.", "CPP, art.", "", ""]
    assert groups[0].items == (("226-13", "https://x.fr/a"), ("226-14", "https://x.fr/c"))
    assert groups[2].items == (("ANAS, communiqué du 21 juin 2016", None),)
    assert groups[3].items == (("CSTS, avis de 2014", None),)


def test_steps_the_rules_advice_already_gives_wait_for_plus(
    engine: Engine, renderer: Renderer, kb: KnowledgeBase
):
    answer = engine.answer("un élu me demande si une famille est suivie par le service")
    entry = kb.entries[answer.entry_id or ""]
    assert answer.advice
    text = renderer.render(answer).text
    dropped = [s for s in entry.first_steps if s not in text]
    assert dropped, "a step the advice repeats"
    for step in dropped:
        assert covered_by(step, answer.advice)
    for advice in answer.advice:
        assert advice in text
    # Alone, the entry shows every short step its direct answer does not already say.
    alone = renderer.render(engine.answer_entry(entry.id)).text
    direct = split_body(entry.body).direct
    for step in entry.first_steps:
        assert (step in alone) != covered_by(step, [direct]), step


def test_a_step_with_a_number_the_advice_lacks_stays():
    assert covered_by(
        "Orientez le tiers vers la personne elle-même.",
        ["Proposez au tiers de s'adresser à la personne elle-même."],
    )
    assert not covered_by("Danger : appelez le 17 ou le 112.", ["Danger : appelez le 17."])
    assert not covered_by("Préparez ce que vous direz.", [])


def test_measure_counts_answered_and_cited(engine: Engine, renderer: Renderer):
    pairs = [("answered", renderer.render(engine.answer_entry("secret-sanctions")))]
    pairs.append(("no_match", renderer.render(engine.answer("à quelle heure ferme la cantine ?"))))
    m = measure("x", pairs)
    assert m.summary.count == 2 and m.answered.count == 1 and m.cited == 1


# --- what `repere kb check` enforces ----------------------------------------------------------

ENTRY = "entries/secret-sanctions.md"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(packaged_knowledge_dir(), root)
    return root


def _edit(root: Path, old: str, new: str) -> None:
    path = root / ENTRY
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(root: Path) -> list[Problem]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [p for p in info.value.problems if p.file == ENTRY]


def _key_points_block(root: Path) -> str:
    text = (root / ENTRY).read_text(encoding="utf-8")
    start = text.index("key_points = [")
    return text[start : text.index("]\n", start) + 2]


def test_kb_check_requires_the_short_forms(kb_dir: Path):
    _edit(kb_dir, _key_points_block(kb_dir), "")
    problems = _problems(kb_dir)
    assert any("« key_points »" in p.message and "manquant" in p.message for p in problems)


def test_kb_check_refuses_more_than_three_key_points(kb_dir: Path):
    four = 'key_points = [\n  "Un.",\n  "Deux.",\n  "Trois.",\n  "Quatre.",\n]\n'
    _edit(kb_dir, _key_points_block(kb_dir), four)
    problems = _problems(kb_dir)
    assert any("de 1 à 3 points clés" in p.message and p.line for p in problems)


def test_kb_check_refuses_a_key_point_too_long_for_a_phone(kb_dir: Path):
    long_point = "Un point clé beaucoup trop long " * 8
    assert len(long_point) > KEY_POINT_MAX_CHARS
    _edit(kb_dir, _key_points_block(kb_dir), f'key_points = [\n  "{long_point}",\n]\n')
    problems = _problems(kb_dir)
    hit = next(p for p in problems if "trop long pour un téléphone" in p.message)
    text = (kb_dir / ENTRY).read_text(encoding="utf-8")
    assert hit.line == text.splitlines().index(f'  "{long_point}",') + 1


def test_kb_check_refuses_a_first_message_too_long_in_total(kb_dir: Path):
    point = "Un point clé encore lisible sur un téléphone, mais ils s'additionnent vite, " * 2
    block = f'key_points = [\n  "{point}1",\n  "{point}2",\n  "{point}3",\n]\n'
    _edit(kb_dir, _key_points_block(kb_dir), block)
    steps = "Une étape courte, mais trois étapes et trois points font un long message, " * 2
    text = (kb_dir / ENTRY).read_text(encoding="utf-8")
    start = text.index("first_steps = [")
    old_steps = text[start : text.index("]\n", start) + 2]
    _edit(kb_dir, old_steps, f'first_steps = [\n  "{steps}1",\n  "{steps}2",\n  "{steps}3",\n]\n')
    problems = _problems(kb_dir)
    assert any(
        "premier message trop long" in p.message and f"au plus {BRIEF_MAX_CHARS}" in p.message
        for p in problems
    )


def test_kb_check_measures_each_rendered_first_message(
    engine: Engine, renderer: Renderer, monkeypatch: pytest.MonkeyPatch
):
    from bot.tools import lengths

    assert lengths.too_long_first_messages(engine, renderer) == []
    monkeypatch.setattr(lengths, "FIRST_MESSAGE_MAX_CHARS", 100)
    problems = lengths.too_long_first_messages(engine, renderer)
    assert len(problems) == len(engine.kb.entries)
    assert problems[0].startswith("entries/") and "au plus 100" in problems[0]


def test_set_questions_reads_every_section(tmp_path: Path):
    from bot.tools.lengths import set_questions

    path = tmp_path / "set.toml"
    path.write_text(
        '[[q]]\ntext = "a"\nexpect = "x"\n\n[[missing]]\ntext = "b"\n\n[[article]]\ntext = "c"\n',
        encoding="utf-8",
    )
    assert set_questions(path) == ["a", "b", "c"]


def test_kb_check_refuses_a_source_short_form_too_long(kb_dir: Path):
    path = kb_dir / "sources.toml"
    text = path.read_text(encoding="utf-8")
    old = 'short = "CSTS, avis de 2014"'
    assert text.count(old) == 1
    path.write_text(text.replace(old, f'short = "{"CSTS " * 12}"'), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb_dir)
    hit = next(p for p in info.value.problems if "« short »" in p.message)
    assert hit.file == "sources.toml" and hit.line == text.splitlines().index(old) + 1
    assert str(SOURCE_SHORT_MAX_CHARS) in hit.message
