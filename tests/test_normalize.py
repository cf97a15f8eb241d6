from bot.engine.normalize import (
    Normalizer,
    SynonymGroup,
    collapses,
    fold,
    light_stem,
    literal_stems,
    raw_tokens,
)


def test_fold_removes_accents_case_and_fullwidth():
    assert fold("Réquisition ÉCRITE") == "requisition ecrite"
    assert fold("ＯＰＪ") == "opj"
    # "e" followed by a combining acute accent (two code points)
    assert fold("re\u0301quisition") == "requisition"


def test_elision_is_stripped():
    assert raw_tokens("l'OPJ d'un usager qu'il j'ai n'est s'il c'est") == [
        "opj",
        "un",
        "usager",
        "il",
        "ai",
        "est",
        "se",
        "il",
        "est",
    ]
    assert raw_tokens("l’adresse") == ["adresse"]


def test_the_reflexive_s_stays_as_se():
    """« il s'est battu » (a fight) is not « il est battu » (beaten), typed with or without the
    apostrophe; a lone « s » before a number or at the end is no pronoun."""
    assert raw_tokens("il s'est battu") == ["il", "se", "est", "battu"]
    assert raw_tokens("il s est battu") == ["il", "se", "est", "battu"]
    assert raw_tokens("elle est battue") == ["elle", "est", "battue"]
    assert raw_tokens("les s 2") == ["les", "s", "2"]


def test_punctuation_and_emoji_are_separators():
    assert raw_tokens("secret pro ?!! 😀👍 ... (urgent)") == ["secret", "pro", "urgent"]


def test_article_numbers_stay_one_token():
    assert raw_tokens("art. 60-1 et L. 226-2-2") == ["art", "601", "et", "l", "22622"]


def test_light_stem_conflates_inflections():
    for forms in (
        ("donner", "donne", "donnes", "donnez", "donnerais", "donné"),
        ("réquisition", "réquisitions"),
        ("signaler", "signalement", "signalements"),
        ("professionnel", "professionnelle", "professionnels"),
    ):
        assert len({light_stem(fold(f)) for f in forms}) == 1, forms


def test_light_stem_keeps_short_words():
    assert light_stem("juge") == "juge"
    assert light_stem("opj") == "opj"


def _normalizer() -> Normalizer:
    groups = [
        SynonymGroup("opj", ("opj", "officier de police judiciaire", "gendarme", "policier")),
        SynonymGroup("secret", ("secret pro", "secret professionnel")),
    ]
    return Normalizer.build(["requisition judiciaire adresse usager"], groups, ["contre"])


def test_stopwords_dropped():
    assert _normalizer().tokens("je suis une ASS et je ne sais pas") == ["ass"]


def test_thesaurus_single_and_multi_word():
    n = _normalizer()
    assert n.tokens("un officier de police judiciaire") == ["opj"]
    assert n.tokens("le gendarme") == ["opj"]
    assert n.tokens("secret pro") == n.tokens("secret professionnel") == ["secret"]


def test_typo_corrected_towards_knowledge_vocabulary():
    n = _normalizer()
    assert n.tokens("requisiton judicaire") == n.tokens("requisition judiciaire")


def test_real_words_are_not_corrected():
    n = _normalizer()
    # "contre" is one edit from nothing here, but is declared known; short words are never touched.
    assert n.correct("contre") == "contre"
    assert n.correct("suit") == "suit"


def test_collapsing_terms_detected():
    assert collapses("tout de suite") == "suit"
    assert collapses("officier de police judiciaire") is None
    assert collapses("opj") is None


def test_hostile_text_does_not_break_tokens():
    n = _normalizer()
    assert n.tokens("\x00\u202e\u200b<script>alert(1)</script>{{ 7*7 }}") == [
        "script",
        "alert",
        "1",
        "script",
        "7",
        "7",
    ]
    assert n.tokens("") == []


def test_ligatures_are_spelt_out():
    assert raw_tokens("la sœur, un Œuvre, ex æquo") == [
        "la",
        "soeur",
        "un",
        "oeuvre",
        "ex",
        "aequo",
    ]


def test_glued_pronouns_come_off_but_not_the_first_letter_of_a_word():
    lexicon = frozenset({"rois", "ois", "donner", "adresse"})
    n = Normalizer.build(["donner adresse usager", "mois"], [], ["lui"], lexicon)
    assert n.words("jlui donner") == ["lui", "donner"]
    assert n.words("ladresse") == ["adresse"]
    # "trois" is missing from spaCy's tables while "rois" is there: a short rest must be a word
    # of the base, so "trois" is not cut into "t" + "rois".
    assert "rois" not in n.words("trois fois")
    assert n.words("mois") == ["mois"]


def test_bare_elision_letters_are_dropped_and_empty_text_has_no_tokens():
    assert raw_tokens("on m a demande") == ["on", "a", "demande"]
    assert raw_tokens("L. 226-2-2")[0] == "l"
    assert raw_tokens("") == [] and raw_tokens("?! 🙂") == []


def test_phone_spellings_are_read_in_full_for_word_for_word_patterns():
    # « seul dans l'appart » is a pattern written in full; the worker types « seul ds l'appart ».
    assert literal_stems(["seul", "ds", "l", "appart"]) == literal_stems(
        ["seul", "dans", "l", "appart"]
    )
    assert literal_stems(["qd", "pr", "mtn"]) == literal_stems(["quand", "pour", "maintenant"])
    # Other words are left as they are.
    assert literal_stems(["dos"]) == ["dos"]


def _fold_by_definition(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", text).translate(
        {ord("œ"): "oe", ord("Œ"): "OE", ord("æ"): "ae", ord("Æ"): "AE"}
    )
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def test_fold_fast_paths_give_the_definition_on_any_text():
    import random

    rnd = random.Random(7)
    texts = ["Élève ŒUVRE", "ﬁche Ｎ°２", "İstanbul Straße", "e\u0301te\u0301 ", "plain ascii TEXT"]
    for _ in range(3000):
        pools = [(0, 0x80), (0x80, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0xFF00, 0xFFEF)]
        texts.append(
            "".join(chr(rnd.randrange(*rnd.choice(pools))) for _ in range(rnd.randrange(1, 15)))
        )
    assert [fold(t) for t in texts] == [_fold_by_definition(t) for t in texts]
