"""Personal data is blanked before matching; what the rules read survives (bot/engine/masking.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.answer import Engine, NoScanner
from bot.engine.masking import Screened, mask
from bot.engine.privacy import PrivacyScanner
from bot.engine.render import Renderer
from bot.tools.personal_eval import echoed, evaluate, load_cases, report

# Invented people: "Mme Fatima Benali", "Kevin Durand", "12 rue des Lilas 35000 Rennes"...
PERSONAL = [
    ("Mme Fatima Benali", "name"),
    ("Kevin Durand", "name"),
    ("12 rue des Lilas 35000 Rennes", "address"),
    ("06 12 34 56 78", "phone"),
    ("k.durand@example.fr", "email"),
    ("1 85 05 78 006 084 91", "nir"),
]


@pytest.mark.parametrize(("data", "kind"), PERSONAL)
def test_personal_data_is_blanked_and_reported(
    scanner: PrivacyScanner, data: str, kind: str
) -> None:
    text = f"la police demande des infos sur {data}, je dois répondre ?"
    screened = scanner.screen(text)
    assert kind in screened.kinds
    for word in data.split():
        if word not in {"Mme", "rue", "des"}:
            assert word not in screened.masked, (word, screened.masked)
    assert screened.masked.startswith("la police demande des infos sur")
    assert screened.masked.endswith(", je dois répondre ?")


def test_dates_and_reference_numbers_are_blanked(scanner: PrivacyScanner) -> None:
    text = (
        "convoquée le 12/03/2026 puis le 3 avril 2026, née le 05/11/1990, "
        "n° CAF 1234567, dossier 2024/00123"
    )
    screened = scanner.screen(text)
    for data in ("12/03/2026", "3 avril 2026", "05/11/1990", "1234567", "2024/00123"):
        assert data not in screened.masked
    assert "birthdate" in screened.kinds
    assert "CAF" in screened.masked and "dossier" in screened.masked


KEPT = [
    "l'article 226-13 du code pénal s'applique à Mme Benali ?",
    "le L121-6-2 CASF permet au maire de savoir pour Kevin Durand ?",
    "le L. 226-2-2 casf pour la famille Traoré",
    "j'appelle le 17 ou le 112 pour Mme Benali ?",
    "faut appeler le 119, le 3919 ou le 3977 pour Jessica ?",
    "Inès a 16 ans et son frère 17 mois, Mme Benali les frappe",
    "la loi n° 2016-297 du 14 mars 2016 pour Mme Benali",
    "le décret du 2 janvier 2018 pour Kevin",
    "une amende de 3 750 € et 1 an pour Mme Benali, art. 60-1 et 77-1-1",
]


@pytest.mark.parametrize("text", KEPT)
def test_what_the_rules_read_survives(scanner: PrivacyScanner, text: str) -> None:
    screened = scanner.screen(text)
    assert screened.kinds == ("name",)
    kept = [w for w in text.split() if any(c.isdigit() for c in w)]
    assert kept
    for word in kept:
        assert word in screened.masked, (word, screened.masked)


def test_rule_cases_fire_the_same_with_personal_data_around(engine: Engine) -> None:
    # Every rule case of rules.toml, with a name, a phone and an address added around it: the
    # rules fire exactly as on the case alone.
    cases = [c.question for r in engine.kb.rules for c in r.cases]
    assert len(cases) > 50
    for question in cases:
        with_data = f"Mme Benali, 06 12 34 56 78 : {question} (12 rue des Lilas 35000 Rennes)"
        alone = engine.answer(question)
        masked = engine.answer(with_data)
        assert masked.rules == alone.rules, question
        assert masked.personal_data == ("name", "phone", "address")


@pytest.mark.parametrize(
    "text",
    [
        "on me demande des renseignements sur un monsieur qu'on suit, je réponds ?",
        "une dame qu'on accompagne depuis 2 ans, jusqu'où je peux parler ?",
        "le refus de requisition ca vaut pr tt le monde ou seulement pr les AS ?",
        "le maire veut un fichier des familles pr mieux cibler",
    ],
)
def test_no_false_positive_on_everyday_words(engine: Engine, text: str) -> None:
    assert engine.scanner.screen(text) == Screened((), text)
    assert engine.answer(text).personal_data == ()


PAIRS = [
    (
        "la police m'appelle pour avoir l'adresse de Mme Fatima Benali née le 12/03/1985",
        "la police m'appelle pour avoir l'adresse d'une dame",
    ),
    (
        "le bailleur de Karim Haddad, 12 rue des Lilas 35000 Rennes, veut savoir s'il touche le RSA",
        "le bailleur veut savoir s'il touche le RSA",
    ),
    (
        "un OPJ demande le dossier de Kevin Durand n° CAF 1234567, je le donne ?",
        "un OPJ demande le dossier, je le donne ?",
    ),
    (
        "une ado de 16 ans, Inès Martin, me dit que son père la frappe, j'appelle le 119 ?",
        "une ado de 16 ans me dit que son père la frappe, j'appelle le 119 ?",
    ),
]


@pytest.mark.parametrize(("text", "plain"), PAIRS)
def test_personal_data_does_not_move_the_match(
    engine: Engine, renderer: Renderer, text: str, plain: str
) -> None:
    with_data, without = engine.answer(text), engine.answer(plain)
    assert (with_data.status, with_data.entry_id) == (without.status, without.entry_id)
    assert with_data.rules == without.rules
    assert with_data.personal_data
    reply = renderer.render(with_data)
    assert not echoed(["Benali", "Haddad", "Lilas", "Durand", "1234567", "Martin"], reply)


def test_masking_changes_the_match_where_the_data_would_have(engine: Engine) -> None:
    # Unmasked, the data is matched as words: the same engine without masking ranks differently.
    class Unmasked:
        def kinds(self, text: str) -> tuple[str, ...]:
            return ()

        def screen(self, text: str) -> Screened:
            return Screened((), text)

    raw = Engine(engine.kb, Unmasked(), engine.settings, engine.normalizer.lexicon)
    text = PAIRS[1][0]
    assert raw.answer(text).confidence != engine.answer(text).confidence


def test_one_scan_per_question(engine: Engine) -> None:
    calls: list[str] = []
    real = engine.scanner

    class Counting:
        def kinds(self, text: str) -> tuple[str, ...]:
            calls.append("kinds")
            return real.kinds(text)

        def screen(self, text: str) -> Screened:
            calls.append("screen")
            return real.screen(text)

    counted = Engine(engine.kb, Counting(), engine.settings, engine.normalizer.lexicon)
    answer = counted.answer("l'adresse de Mme Benali pour l'OPJ")
    assert calls == ["screen"]
    assert answer.personal_data == ("name",)


def test_no_scanner_still_blanks_dates() -> None:
    screened = NoScanner().screen("convoqué le 12/03/2026 par Mme Benali")
    assert screened == Screened((), "convoqué le   par Mme Benali")


def test_mask_drops_text_past_the_scanned_part() -> None:
    assert mask("a" * 5000, ()) == "a" * 4000


def test_personal_eval_counts_and_hides_heldout_text(
    engine: Engine, renderer: Renderer, tmp_path: Path
) -> None:
    path = tmp_path / "set.toml"
    path.write_text(
        "[[personal]]\n"
        f'text = "{PAIRS[0][0]}"\n'
        f'plain = "{PAIRS[0][1]}"\n'
        'entry = "requisition-opj"\n'
        'data = ["Fatima Benali", "12/03/1985"]\n'
        "[[personal]]\n"
        'text = "bonjour Mme Benali"\n'
        'plain = "bonjour"\n'
        'entry = "requisition-opj"\n'
        'data = ["Benali"]\n',
        encoding="utf-8",
    )
    results = evaluate(engine, renderer, load_cases(path))
    assert [r.passed["not_echoed"] for r in results] == [True, True]
    assert [r.passed["warned"] for r in results] == [True, True]
    assert results[1].passed["text"] is False
    hidden = report(results, "heldout")
    assert "Benali" not in hidden and "bonjour" not in hidden
    assert "Benali" in report(results, "dev", show=True)


def test_institution_names_are_blanked_not_reported(scanner: PrivacyScanner) -> None:
    screened = scanner.screen("la directrice de l'école Jules Ferry appelle, et l'hôpital Necker")
    assert screened.kinds == ()
    assert "Jules" not in screened.masked and "Necker" not in screened.masked
    assert "école" in screened.masked and "hôpital" in screened.masked
    # Domain words after a place word are the place's kind, not its name: they stay.
    for text in ("le collège de France", "la gare SNCF", "le Centre Communal d'Action Sociale"):
        assert scanner.screen(text).masked == text
