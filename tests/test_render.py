"""Rendering: sources, date, disclaimer, escaping, the Matrix HTML subset, no echo of the question."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bot.engine.answer import Engine
from bot.engine.knowledge import ALLOWED_TAGS, KnowledgeBase
from bot.engine.render import Guidance, Renderer, markdown_to_text, sanitize_html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_matrix_safe(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in ALLOWED_TAGS, tag
        if tag == "a":
            assert set(attrs) <= {"href"}
            assert attrs.get("href") is None or str(attrs["href"]).startswith("https://")
        else:
            assert not attrs, (tag, attrs)


def test_answer_has_sources_date_and_disclaimer(
    engine: Engine, renderer: Renderer, kb: KnowledgeBase
):
    a = engine.answer("Puis-je donner l'adresse d'un usager à l'OPJ ?")
    reply = renderer.render(a)
    date = kb.checked.strftime("%d/%m/%Y")
    for out in (reply.text, reply.html):
        assert f"Base à jour au {date}" in out
        assert "pas un avis juridique" in out
        assert "60-1" in out and "226-13" in out
        assert "3 750 €" in out
        assert "hiérarchie" in out
    assert "https://www.legifrance.gouv.fr/" in reply.html
    assert_matrix_safe(reply.html)


def test_sections_in_order(engine: Engine, renderer: Renderer):
    # The related entries moved to `!plus` (tests/test_phone_layout.py): the first message
    # fits a phone screen.
    text = renderer.render(engine.answer("que puis-je dire en CLSPD ?")).text
    positions = [text.find(s) for s in ("À retenir", "À faire", "Sources", "Base à jour", "!plus")]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    assert "Voir aussi" not in text


def test_every_entry_renders_safely(kb: KnowledgeBase, renderer: Renderer):
    for eid, html in renderer.entry_html.items():
        assert_matrix_safe(html)
        assert html.strip(), eid
        assert not re.search(r"</?[a-z]", renderer.entry_text[eid]), eid


def test_every_entry_starts_with_a_direct_answer(kb: KnowledgeBase):
    openings = (
        "**Oui.**",
        "**Non.**",
        "**Oui, à certaines conditions.**",
        "**Ne répondez pas seul·e :**",
    )
    for entry in kb.entries.values():
        assert entry.body.startswith(openings), entry.id
        assert "**À retenir**" in entry.body and "**Que faire maintenant**" in entry.body, entry.id


def test_question_is_never_quoted_back(engine: Engine, renderer: Renderer):
    marker = "zorglubette"
    for q in (
        f"un opj demande l'adresse de {marker}",
        f"{marker} cantine",
        f"secret {marker} clspd",
    ):
        reply = renderer.render(engine.answer(q))
        assert marker not in reply.text and marker not in reply.html


def test_personal_data_warning_without_echo(engine: Engine, renderer: Renderer):
    q = "Mme Dupont au 06 12 34 56 78, l'OPJ veut son adresse, je la donne ?"
    a = engine.answer(q)
    assert "phone" in a.personal_data
    reply = renderer.render(a)
    warning = "semble contenir des données personnelles"
    assert warning in reply.text and warning in reply.html
    for secret in ("Dupont", "06 12 34 56 78", "0612345678"):
        assert secret not in reply.text and secret not in reply.html


def test_guidance_is_escaped(engine: Engine, renderer: Renderer):
    a = engine.answer("un opj demande l'adresse d'un usager")
    g = Guidance(3, "<script>alert(1)</script> appelez le cadre de permanence", "01/12/2026")
    reply = renderer.render(a, [g])
    assert "<script>" not in reply.html
    assert "&lt;script&gt;" in reply.html
    assert "Consigne du service (01/12/2026)" in reply.text
    assert_matrix_safe(reply.html)


def test_no_match_says_it_does_not_know(engine: Engine, renderer: Renderer):
    reply = renderer.render(engine.answer("à quelle heure ferme la cantine ?"))
    assert "Je ne sais pas" in reply.text
    assert_matrix_safe(reply.html)


def test_no_match_gives_the_emergency_numbers_once(
    engine: Engine, renderer: Renderer, kb: KnowledgeBase
):
    # A danger told in words no fact knows ends here: the emergency numbers are still shown.
    reply = renderer.render(engine.answer("à quelle heure ferme la cantine ?"))
    assert kb.emergency in reply.text
    assert reply.text.count(kb.emergency) == 1
    assert "3977" in reply.html
    # An answer with an entry does not add them when nothing touches a danger.
    answered = renderer.render(engine.answer("qu'est-ce que le secret professionnel ?"))
    assert kb.emergency not in answered.text


def test_no_match_with_police_still_escalates(engine: Engine, renderer: Renderer):
    a = engine.answer("un gendarme veut savoir qui habite chez la voisine du dessus, je lui dis ?")
    assert a.escalate
    reply = renderer.render(a)
    assert "hiérarchie" in reply.text


def test_clarify_lists_numbered_candidates(kb: KnowledgeBase, lexicon, renderer: Renderer):
    from bot.engine.answer import EngineSettings, NoScanner

    wide = Engine(kb, NoScanner(), EngineSettings(clarify_margin=1.0, clarify_floor=0.0), lexicon)
    a = wide.answer("secret clspd")
    text = renderer.render(a).text
    assert re.search(r"^1\. ", text, re.M) and re.search(r"^2\. ", text, re.M)


def test_help_lists_commands(renderer: Renderer):
    reply = renderer.render_help()
    for cmd in ("!aide", "!sources", "!pourquoi", "!plus"):
        assert cmd in reply.text
    assert_matrix_safe(reply.html)


def test_sanitizer_drops_unsafe_markup():
    dirty = '<p onclick="x">a</p><script>b</script><a href="javascript:alert(1)">c</a><img src=x><h1>d</h1>'
    clean = sanitize_html(dirty)
    assert_matrix_safe(clean)
    assert "javascript" not in clean and "onclick" not in clean


def test_markdown_to_text():
    assert (
        markdown_to_text("**Oui.** voir [Légifrance](https://x.fr/a)")
        == "Oui. voir Légifrance (https://x.fr/a)"
    )


def test_fast_sanitizer_gives_the_parsers_output():
    """The regular-expression path must equal the HTML parser's output wherever it is taken, on
    well-formed and hostile fragments alike (it declines the rest, which the parser handles)."""
    import random

    from bot.engine.sanitize import _fast, _parsed

    pieces = [
        "<p>", "</p>", "<strong>", "</strong>", '<a href="https://x.fr/a?b=1&amp;c=2">',
        '<a href="javascript:x">', '<a HREF="https://y">', '<a data-href="https://z">',
        '<a href="http://q" href="https://r">', "</a>", "<br>", "<br/>", "<br />", "</br>",
        "<p/>", "<h1>", "</h1>", '<img src="x">', "<P>", '<em class="x">', "texte", "é",
        "&amp;", "&lt;", "&", "&#39;", "&#x41;", "&nbsp;", "&amp", '"', "'", " ", "\n",
        "<script>", "x<y", "a>b", "<!-- c -->", "<li>", "</li>", "<ul>", "<code>", "&eacute;",
        '<a title="a>b">', '<blockquote cite="x">',
    ]  # fmt: skip
    rng = random.Random(3)
    taken = 0
    for _ in range(20_000):
        fragment = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        fast = _fast(fragment)
        if fast is not None:
            taken += 1
            assert fast == _parsed(fragment), fragment
    assert taken > 5_000  # the fast path is exercised, not always declined
    assert _fast("<script>alert(1)</script>") is None
    assert _fast("<!-- x -->") is None
