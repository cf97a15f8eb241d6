"""Every mistake an administrator can make in `knowledge/` is reported with its file, line and cause.

Each test copies the real base into a temporary folder, introduces one mistake, and checks the
problem reported by `load_knowledge`. Expected line numbers are always computed from the text the
test wrote, never typed by hand.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from bot.engine.knowledge import KnowledgeError, Problem, packaged_knowledge_dir
from bot.engine.loading import load_knowledge
from bot.engine.normalize import collapses

ENTRY = "entries/secret-sanctions.md"
# Sorted after secret-sanctions.md, so a phrasing copied here is the duplicate, not the original.
LATER_ENTRY = "entries/violences-conjugales.md"
EXISTING_PHRASING = "violation secret pro sanction penale"  # in secret-sanctions.md


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(packaged_knowledge_dir(), root)
    return root


def read(root: Path, name: str) -> str:
    return (root / name).read_text(encoding="utf-8")


def replace_once(root: Path, name: str, old: str, new: str) -> str:
    """Replace `old`, which must occur exactly once in `name`, and return the new text."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    assert count == 1, f"{old!r} apparaît {count} fois dans {name} (attendu : une fois)"
    new_text = text.replace(old, new)
    path.write_text(new_text, encoding="utf-8")
    return new_text


def line_of(text: str, needle: str) -> int:
    """The 1-based line holding `needle`, which must be on exactly one line."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} est sur les lignes {hits} (attendu : une seule)"
    return hits[0]


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return info.value.problems


def assert_problem(problems: list[Problem], file: str, line: int | None, *words: str) -> Problem:
    """One problem is in `file`, at `line` (any line if None), with every word in its message."""
    for p in problems:
        if p.file == file and line in (None, p.line) and all(w in p.message for w in words):
            return p
    found = "\n".join(f"  {p}" for p in problems)
    pytest.fail(f"aucun problème {file}:{line} contenant {words!r} ; problèmes signalés :\n{found}")


def field_line(text: str, key: str) -> str:
    """The whole one-line `key = ...` assignment of an entry's front matter."""
    match = re.search(rf"^{key} = .*$", text, re.MULTILINE)
    assert match is not None, f"pas de ligne « {key} = » dans le texte"
    return match.group(0)


def add_phrasing(root: Path, name: str, phrasing: str) -> str:
    return replace_once(root, name, "questions = [\n", f'questions = [\n  "{phrasing}",\n')


# --- sanity and string form -----------------------------------------------------------------------


def test_real_knowledge_base_loads_without_problem(kb_dir: Path) -> None:
    base = load_knowledge(kb_dir)
    assert "secret-sanctions" in base.entries
    assert base.rules and base.sources and base.synonyms


def test_problem_str_is_file_colon_line_colon_message() -> None:
    problem = Problem("rules.toml", 12, "règle « x » en double")
    assert str(problem) == "rules.toml:12: règle « x » en double"


def test_knowledge_error_str_lists_each_problem_as_file_line_message(kb_dir: Path) -> None:
    replace_once(kb_dir, ENTRY, 'sources = ["cp-226-13", ', 'sources = ["source-inexistante", ')
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb_dir)
    problems = info.value.problems
    assert problems
    for p in problems:
        assert str(p) == f"{p.file}:{p.line}: {p.message}"
    assert str(info.value) == "\n".join(str(p) for p in problems)


# --- entries: references -------------------------------------------------------------------------


def test_unknown_source_in_entry(kb_dir: Path) -> None:
    text = replace_once(
        kb_dir, ENTRY, 'sources = ["cp-226-13", ', 'sources = ["source-inexistante", '
    )
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, "source-inexistante"),
        "source inconnue",
        "« source-inexistante »",
        "sources.toml",
    )


def test_duplicate_entry_id_in_two_files(kb_dir: Path) -> None:
    text = read(kb_dir, ENTRY)
    (kb_dir / "entries" / "zz-copie.md").write_text(text, encoding="utf-8")
    problems = problems_of(kb_dir)
    id_line = line_of(text, 'id = "secret-sanctions"')
    assert_problem(problems, "entries/zz-copie.md", id_line, "« secret-sanctions » en double")


def test_entry_id_must_match_file_name(kb_dir: Path) -> None:
    text = replace_once(kb_dir, ENTRY, 'id = "secret-sanctions"', 'id = "secret-sanction"')
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, 'id = "secret-sanction"'),
        "l'id « secret-sanction »",
        "identique au nom du fichier « secret-sanctions »",
    )


def test_related_pointing_to_missing_entry(kb_dir: Path) -> None:
    text = replace_once(kb_dir, ENTRY, 'related = ["', 'related = ["fiche-inexistante", "')
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, "related = ["),
        "« related » renvoie à une fiche inexistante",
        "« fiche-inexistante »",
    )


# --- entries: phrasings and fields ---------------------------------------------------------------


@pytest.mark.parametrize(
    "copy",
    [
        EXISTING_PHRASING,
        "Violation Secret PRO Sanction Penale",
        "violation sécret pro sanction pénale",
        "  violation   secret pro  sanction penale ",
    ],
    ids=["identique", "casse", "accents", "espaces"],
)
def test_duplicate_phrasing_across_entries(kb_dir: Path, copy: str) -> None:
    assert f'"{EXISTING_PHRASING}"' in read(kb_dir, ENTRY)
    text = add_phrasing(kb_dir, LATER_ENTRY, copy)
    assert_problem(
        problems_of(kb_dir),
        LATER_ENTRY,
        line_of(text, f'"{copy}"'),
        "formulation en double",
        "déjà dans la fiche « secret-sanctions »",
    )


def test_entry_without_sources(kb_dir: Path) -> None:
    text = replace_once(kb_dir, ENTRY, field_line(read(kb_dir, ENTRY), "sources"), "sources = []")
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, "sources = []"),
        "au moins une source",
    )


def test_fewer_than_four_phrasings(kb_dir: Path) -> None:
    block = re.search(r"^questions = \[\n.*?^\]\n", read(kb_dir, ENTRY), re.MULTILINE | re.DOTALL)
    assert block is not None
    three = (
        'questions = [\n  "premiere formulation",\n  "deuxieme formulation",\n  "troisieme",\n]\n'
    )
    text = replace_once(kb_dir, ENTRY, block.group(0), three)
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, "questions = ["),
        "au moins 4 formulations",
        "(3 trouvée(s))",
    )


@pytest.mark.parametrize("phrasing", ["ab", "   "], ids=["deux-lettres", "espaces"])
def test_too_short_phrasing(kb_dir: Path, phrasing: str) -> None:
    text = add_phrasing(kb_dir, ENTRY, phrasing)
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, f'"{phrasing}"'),
        "formulation vide ou trop courte",
    )


def test_empty_phrasing_points_at_questions(kb_dir: Path) -> None:
    text = add_phrasing(kb_dir, ENTRY, "")
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, "questions = ["),
        "formulation vide ou trop courte",
    )


def test_updated_given_as_string(kb_dir: Path) -> None:
    text = replace_once(kb_dir, ENTRY, "updated = 2026-12-02", 'updated = "2026-12-02"')
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, "updated = "),
        "« updated » doit être une date",
        "sans guillemets",
    )


# --- entries: front matter -----------------------------------------------------------------------


def test_toml_syntax_error_in_front_matter_points_into_the_file(kb_dir: Path) -> None:
    text = replace_once(kb_dir, ENTRY, "escalate = false", "escalate = = false")
    assert_problem(
        problems_of(kb_dir), ENTRY, line_of(text, "escalate = = false"), "syntaxe TOML invalide"
    )


def test_missing_front_matter(kb_dir: Path) -> None:
    text = replace_once(kb_dir, ENTRY, '+++\nid = "secret-sanctions"', 'id = "secret-sanctions"')
    # The first line, where « +++ » was expected, now holds the id.
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, 'id = "secret-sanctions"'),
        "doit commencer par une ligne « +++ »",
    )


def test_unclosed_front_matter(kb_dir: Path) -> None:
    text = replace_once(kb_dir, ENTRY, "+++\n\n**Oui.**", "\n**Oui.**")
    assert_problem(
        problems_of(kb_dir),
        ENTRY,
        line_of(text, "+++"),  # the opening line, the only one left
        "en-tête non refermé",
        "seconde ligne « +++ »",
    )


# --- entries: body -------------------------------------------------------------------------------

BODY_MISTAKES = {
    "titre": ("**À retenir**", "# À retenir", "titres Markdown (#)"),
    "html": ("**À retenir**", "<b>À retenir</b>", "HTML brut n'est pas autorisé"),
    "lien-http": (
        "- Avant de transmettre",
        "- Voir [Légifrance](http://www.legifrance.gouv.fr). Avant de transmettre",
        "lien non https refusé : http://www.legifrance.gouv.fr",
    ),
}


@pytest.mark.parametrize("mistake", BODY_MISTAKES)
def test_body_markup_is_refused(kb_dir: Path, mistake: str) -> None:
    old, new, words = BODY_MISTAKES[mistake]
    replace_once(kb_dir, ENTRY, old, new)
    assert_problem(problems_of(kb_dir), ENTRY, None, words)


@pytest.mark.parametrize("mistake", BODY_MISTAKES)
def test_body_problem_points_at_its_line(kb_dir: Path, mistake: str) -> None:
    old, new, words = BODY_MISTAKES[mistake]
    text = replace_once(kb_dir, ENTRY, old, new)
    assert_problem(problems_of(kb_dir), ENTRY, line_of(text, new), words)


# --- sources.toml --------------------------------------------------------------------------------

CP_226_13_HEAD = (
    '[cp-226-13]\nlabel = "Code pénal, art. 226-13 (atteinte au secret professionnel)"\n'
)


def test_source_with_unknown_kind(kb_dir: Path) -> None:
    text = replace_once(
        kb_dir,
        "sources.toml",
        CP_226_13_HEAD + 'kind = "code"',
        CP_226_13_HEAD + 'kind = "doctrine"',
    )
    assert_problem(
        problems_of(kb_dir),
        "sources.toml",
        line_of(text, 'kind = "doctrine"'),
        "source « cp-226-13 »",
        "kind « doctrine » inconnu",
    )


def test_source_with_non_https_url(kb_dir: Path) -> None:
    url = "www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006417945"
    text = replace_once(kb_dir, "sources.toml", f'url = "https://{url}"', f'url = "http://{url}"')
    assert_problem(
        problems_of(kb_dir),
        "sources.toml",
        line_of(text, f'url = "http://{url}"'),
        "source « cp-226-13 »",
        "l'url doit être en https",
    )


def test_source_missing_label(kb_dir: Path) -> None:
    text = replace_once(kb_dir, "sources.toml", CP_226_13_HEAD, "[cp-226-13]\n")
    assert_problem(
        problems_of(kb_dir),
        "sources.toml",
        line_of(text, "[cp-226-13]"),
        "source « cp-226-13 »",
        "champ(s) manquant(s) : label",
    )


def test_toml_syntax_error_in_sources(kb_dir: Path) -> None:
    text = replace_once(kb_dir, "sources.toml", "[cp-226-14]\n", "[cp-226-14\n")
    assert_problem(
        problems_of(kb_dir), "sources.toml", line_of(text, "[cp-226-14"), "syntaxe TOML invalide"
    )


# --- synonyms.toml -------------------------------------------------------------------------------

URGENCE_TERMS = 'termes = ["urgence", "urgent",'


def test_thesaurus_term_collapsing_to_one_word_is_refused(kb_dir: Path) -> None:
    assert collapses("tout de suite") == "suit"
    text = replace_once(
        kb_dir, "synonyms.toml", URGENCE_TERMS, 'termes = ["urgence", "tout de suite", "urgent",'
    )
    assert_problem(
        problems_of(kb_dir),
        "synonyms.toml",
        line_of(text, '"tout de suite"'),
        "l'expression « tout de suite »",
        "se réduit au seul mot « suit »",
    )


def test_thesaurus_term_collapsing_to_its_group_word_is_accepted(kb_dir: Path) -> None:
    groups = tomllib.loads(read(kb_dir, "synonyms.toml"))["groupe"]
    urgence = next(g for g in groups if g["canon"] == "urgence")
    assert "en urgence" in urgence["termes"]
    assert collapses("en urgence") is not None  # it does collapse, onto its own group's word
    assert collapses("de toute urgence") == collapses("en urgence")
    replace_once(
        kb_dir, "synonyms.toml", URGENCE_TERMS, 'termes = ["urgence", "de toute urgence", "urgent",'
    )
    load_knowledge(kb_dir)


def test_thesaurus_term_in_two_groups_is_refused(kb_dir: Path) -> None:
    replace_once(
        kb_dir,
        "synonyms.toml",
        'termes = ["procureur", "proc",',
        'termes = ["procureur", "police",',
    )
    assert_problem(
        problems_of(kb_dir), "synonyms.toml", None, "« police » est déjà dans le groupe « opj »"
    )


# --- rules.toml ----------------------------------------------------------------------------------


def test_rule_naming_unknown_entry(kb_dir: Path) -> None:
    text = replace_once(kb_dir, "rules.toml", 'entries = ["requisition-opj"]', 'entries = ["nope"]')
    assert_problem(
        problems_of(kb_dir),
        "rules.toml",
        line_of(text, 'entries = ["nope"]'),
        "nomme une fiche inconnue « nope »",
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('when = ["signal.arme"]', 'when = ["signal.arme|signal.inconnu"]'),
        ('unless = ["signal.urgence"]', 'unless = ["signal.urgence", "signal.inconnu"]'),
    ],
    ids=["when", "unless"],
)
def test_rule_using_unknown_fact(kb_dir: Path, old: str, new: str) -> None:
    text = replace_once(kb_dir, "rules.toml", old, new)
    assert_problem(
        problems_of(kb_dir),
        "rules.toml",
        line_of(text, "signal.inconnu"),
        "règle « arme-prefet »",
        "fait inconnu « signal.inconnu »",
    )


def test_rule_overriding_unknown_rule(kb_dir: Path) -> None:
    text = replace_once(
        kb_dir,
        "rules.toml",
        'overrides = ["maire-action-sociale", "maire-demande"]\ndecision = "refuser"\nsources = ["csi',
        'overrides = ["regle-inexistante"]\ndecision = "refuser"\nsources = ["csi',
    )
    # Reported on the rule's own line (its id).
    assert_problem(
        problems_of(kb_dir),
        "rules.toml",
        line_of(text, 'id = "maire-clspd"'),
        "règle « maire-clspd »",
        "remplace une règle inconnue « regle-inexistante »",
    )


ARME_PREFET_CASES = {
    "fires": (
        "fires = [\n  \"un usager m'a dit qu'il avait un fusil chez lui et il est tres agressif\",\n"
        '  "il a achete une arme et tient des propos inquietants",\n]\n'
    ),
    "does_not_fire": (
        'does_not_fire = [\n  "un usager a vole dans un magasin",\n'
        '  "l\'usager a une arme et menace sa femme maintenant",\n'
        "  # la police qui demande : une réquisition\n"
        '  "la police demande si l\'usager a une arme",\n]\n'
    ),
    "boundary": 'boundary = [\n  { question = "arme", fires = true },\n]\n',
}


@pytest.mark.parametrize("kind", ARME_PREFET_CASES)
def test_rule_missing_a_test_case_kind(kb_dir: Path, kind: str) -> None:
    text = replace_once(kb_dir, "rules.toml", ARME_PREFET_CASES[kind], "")
    assert_problem(
        problems_of(kb_dir),
        "rules.toml",
        line_of(text, 'id = "arme-prefet"'),
        "règle « arme-prefet »",
        "il faut des cas « fires », « does_not_fire » et « boundary »",
    )


def test_toml_syntax_error_in_rules(kb_dir: Path) -> None:
    text = replace_once(kb_dir, "rules.toml", "priority = 52\n", "priority = cinquante\n")
    assert_problem(
        problems_of(kb_dir),
        "rules.toml",
        line_of(text, "priority = cinquante"),
        "syntaxe TOML invalide",
    )


# --- several mistakes ----------------------------------------------------------------------------


def test_several_mistakes_are_all_reported(kb_dir: Path) -> None:
    entry = replace_once(
        kb_dir, ENTRY, 'sources = ["cp-226-13", ', 'sources = ["source-inexistante", '
    )
    later = add_phrasing(kb_dir, LATER_ENTRY, "ab")
    url = "www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006417945"
    sources = replace_once(
        kb_dir, "sources.toml", f'url = "https://{url}"', f'url = "http://{url}"'
    )
    rules = replace_once(
        kb_dir, "rules.toml", 'when = ["signal.arme"]', 'when = ["signal.inconnu"]'
    )

    problems = problems_of(kb_dir)

    assert_problem(problems, ENTRY, line_of(entry, "source-inexistante"), "source inconnue")
    assert_problem(problems, LATER_ENTRY, line_of(later, '"ab"'), "trop courte")
    assert_problem(problems, "sources.toml", line_of(sources, "http://"), "https")
    assert_problem(problems, "rules.toml", line_of(rules, "signal.inconnu"), "fait inconnu")


# --- loader defects found while writing these tests, fixed since ---------


def test_entry_with_empty_front_matter_is_reported(kb_dir: Path) -> None:
    (kb_dir / "entries" / "nouvelle-fiche.md").write_text("+++\n+++\n\n**Oui.** Texte.\n", "utf-8")
    assert_problem(
        problems_of(kb_dir), "entries/nouvelle-fiche.md", None, "champ obligatoire manquant"
    )


def test_thesaurus_term_in_two_groups_points_at_the_second_group(kb_dir: Path) -> None:
    text = replace_once(
        kb_dir,
        "synonyms.toml",
        'termes = ["procureur", "proc",',
        'termes = ["procureur", "police",',
    )
    assert_problem(
        problems_of(kb_dir),
        "synonyms.toml",
        line_of(text, 'termes = ["procureur", "police",'),
        "« police » est déjà dans le groupe « opj »",
    )


def test_field_line_is_the_field_not_a_title_mentioning_it(kb_dir: Path) -> None:
    replace_once(kb_dir, ENTRY, 'title = "', 'title = "Quelles sources ? ')
    text = replace_once(kb_dir, ENTRY, field_line(read(kb_dir, ENTRY), "sources"), "sources = []")
    assert_problem(problems_of(kb_dir), ENTRY, line_of(text, "sources = []"), "au moins une source")


def test_less_than_sign_in_body_is_not_html(kb_dir: Path) -> None:
    replace_once(
        kb_dir,
        ENTRY,
        "- Il n'est pas nécessaire",
        "- Même pour un montant < 5 000 €, il n'est pas nécessaire",
    )
    load_knowledge(kb_dir)


def test_rule_tests_not_a_table_is_reported(kb_dir: Path) -> None:
    rule = (
        '\n[[rule]]\nid = "essai"\nwhen = ["signal.arme"]\ndecision = "refuser"\ntests = "aucun"\n'
    )
    rules = (kb_dir / "rules.toml").read_text(encoding="utf-8") + rule
    (kb_dir / "rules.toml").write_text(rules, encoding="utf-8")
    assert_problem(
        problems_of(kb_dir), "rules.toml", line_of(rules, 'id = "essai"'), "règle « essai »"
    )


def test_duplicate_rule_points_at_the_second_definition(kb_dir: Path) -> None:
    rule = (
        '\n[[rule]]\nid = "arme-prefet"\nwhen = ["signal.arme"]\ndecision = "refuser"\n'
        '[rule.tests]\nfires = ["arme"]\ndoes_not_fire = ["rien"]\n'
        'boundary = [{ question = "arme", fires = true }]\n'
    )
    old = (kb_dir / "rules.toml").read_text(encoding="utf-8")
    (kb_dir / "rules.toml").write_text(old + rule, encoding="utf-8")
    lines = (old + rule).splitlines()
    second = max(n for n, line in enumerate(lines, start=1) if line == 'id = "arme-prefet"')
    assert_problem(problems_of(kb_dir), "rules.toml", second, "règle « arme-prefet » en double")


# --- off-topic questions (hors-sujet.toml) ---------------------------------------------------------

OFF_TOPIC = "hors-sujet.toml"


def add_off_topic(root: Path, question: str) -> str:
    return replace_once(root, OFF_TOPIC, "questions = [\n", f'questions = [\n  "{question}",\n')


def test_off_topic_question_that_is_also_a_phrasing(kb_dir: Path) -> None:
    text = add_off_topic(kb_dir, EXISTING_PHRASING.upper())
    assert_problem(
        problems_of(kb_dir),
        OFF_TOPIC,
        line_of(text, f'"{EXISTING_PHRASING.upper()}"'),
        "aussi une formulation de la fiche « secret-sanctions »",
    )


def test_off_topic_question_given_twice(kb_dir: Path) -> None:
    first = tomllib.loads(read(kb_dir, OFF_TOPIC))["questions"][0]
    add_off_topic(kb_dir, first)
    assert_problem(problems_of(kb_dir), OFF_TOPIC, None, "question en double")


def test_off_topic_questions_must_be_a_list_of_texts(kb_dir: Path) -> None:
    (kb_dir / OFF_TOPIC).write_text('questions = "horaires"\n', encoding="utf-8")
    assert_problem(problems_of(kb_dir), OFF_TOPIC, 1, "liste de textes")


def test_off_topic_file_is_optional(kb_dir: Path) -> None:
    (kb_dir / OFF_TOPIC).unlink()
    assert load_knowledge(kb_dir).off_topic == ()


def test_emergency_line_must_give_17_and_112(kb_dir: Path) -> None:
    text = replace_once(kb_dir, "base.toml", "ou le 112", "ou le 18")
    problems = problems_of(kb_dir)
    assert_problem(problems, "base.toml", line_of(text, "urgence = "), "urgence", "112")


@pytest.mark.parametrize(
    ("old", "new", "word"),
    [
        ('"usager-arme-prefet"]', '"usager-arme"]', "usager-arme"),
        ('fiches_avec_numeros = ["', 'fiches_avec_numeros = "secret-perimetre"\nx = ["', "liste"),
    ],
)
def test_emergency_entries_must_be_a_list_of_known_entries(
    kb_dir: Path, old: str, new: str, word: str
) -> None:
    text = replace_once(kb_dir, "base.toml", old, new)
    problems = problems_of(kb_dir)
    assert_problem(problems, "base.toml", line_of(text, "fiches_avec_numeros ="), word)


def test_exception_for_an_unknown_fact(kb_dir: Path) -> None:
    text = replace_once(
        kb_dir,
        "rules.toml",
        '[exceptions]\n"signal.urgence" = [',
        '[exceptions]\n"signal.nope" = [',
    )
    assert_problem(
        problems_of(kb_dir),
        "rules.toml",
        line_of(text, '"signal.nope" = ['),
        "exceptions : fait inconnu « signal.nope »",
    )


def test_exception_phrase_must_be_word_for_word(kb_dir: Path) -> None:
    text = replace_once(
        kb_dir, "rules.toml", '"« fais quoi maintenant »", ', '"fais quoi maintenant", '
    )
    assert_problem(
        problems_of(kb_dir),
        "rules.toml",
        line_of(text, "[exceptions]") + 1,
        "exceptions du fait « signal.urgence »",
        "entre « »",
    )
