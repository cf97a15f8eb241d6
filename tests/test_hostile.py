"""Hostile input through the engine and the templates: no crash, no injection, bounded time."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.answer import Engine
from bot.engine.render import Renderer
from tests.test_render import assert_matrix_safe

HOSTILE = [
    "<script>alert('x')</script> puis-je donner l'adresse à l'OPJ ?",
    "<img src=x onerror=alert(1)> secret pro",
    "{{ config.items() }} {% for x in range(10**9) %}x{% endfor %} clspd",
    "[clique](javascript:alert(1)) requisition",
    "opj\x00adresse\x00usager",
    "\u202eJPO'l à esserda'l rennod ej-siuP",
    "ＰＵＩＳ－ＪＥ ＤＯＮＮＥＲ Ｌ＇ＡＤＲＥＳＳＥ À Ｌ＇ＯＰＪ",
    "a" * 100_000,
    "opj " * 25_000,
    "",
    "   \n\t  ",
    "\U0001f600" * 5000,
    "é" * 50_000,
]


def _check(engine: Engine, renderer: Renderer, text: str) -> None:
    t0 = time.perf_counter()
    answer = engine.answer(text)
    reply = renderer.render(answer)
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0, elapsed
    assert_matrix_safe(reply.html)
    assert "<script" not in reply.html and "javascript:" not in reply.html
    assert "onerror" not in reply.html
    # Templates must not evaluate anything the user typed.
    assert "range(10**9)" not in reply.text and "config.items" not in reply.text
    assert 0.0 <= answer.confidence <= 1.0


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_examples(engine: Engine, renderer: Renderer, text: str):
    _check(engine, renderer, text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_arbitrary_unicode(engine: Engine, renderer: Renderer, text: str):
    _check(engine, renderer, text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            [
                "opj",
                "<b>",
                "</p>",
                "{{",
                "}}",
                "{%",
                "\x00",
                "\u202e",
                "clspd",
                "secret",
                "&amp;",
                "javascript:",
                "](",
                "[x",
                "\n",
                "é",
                "226-13",
                "ＯＰＪ",
                "💥",
            ]
        ),
        max_size=60,
    )
)
def test_markup_soup(engine: Engine, renderer: Renderer, parts: list[str]):
    _check(engine, renderer, " ".join(parts))
