"""Injected fake personal data (Faker fr_FR) is never echoed back and never stored."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.answer import Engine
from bot.engine.render import Renderer
from bot.matrix.logsafe import RedactFilter, redact
from bot.storage.store import Store

fake = Faker("fr_FR")

TEMPLATES = [
    "{name} au {phone}, l'OPJ veut son adresse {address}, je la donne ?",
    "secret pro : {name} ({email}) m'a confié un truc, je dois le dire au juge ?",
    "NIR {nir} de {name}, la CAF le demande, je transmets ?",
    "que puis-je dire en CLSPD sur {name}, né le {birth}, {address} ?",
]


def _nir() -> str:
    body = f"{fake.random_int(1, 2)}{fake.random_int(50, 99):02d}{fake.random_int(1, 12):02d}"
    body += (
        f"{fake.random_int(1, 95):02d}{fake.random_int(1, 999):03d}{fake.random_int(1, 999):03d}"
    )
    return f"{body}{97 - int(body) % 97:02d}"


@st.composite
def question(draw: st.DrawFn) -> tuple[str, list[str]]:
    seed = draw(st.integers(0, 10**9))
    Faker.seed(seed)
    data = {
        "name": fake.name(),
        "phone": fake.phone_number(),
        "email": fake.email(),
        "address": fake.street_address(),
        "nir": _nir(),
        "birth": fake.date_of_birth().strftime("%d/%m/%Y"),
    }
    template = draw(st.sampled_from(TEMPLATES))
    text = template.format(**data)
    used = [v for k, v in data.items() if "{" + k + "}" in template]
    return text, used


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(question())
def test_personal_data_is_never_echoed(
    engine: Engine, renderer: Renderer, case: tuple[str, list[str]]
):
    text, used = case
    answer = engine.answer(text)
    reply = renderer.render(answer)
    for value in used:
        assert value not in reply.text and value not in reply.html
    assert answer.personal_data, text


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(question())
def test_personal_data_is_never_stored(
    engine: Engine, tmp_path_factory, case: tuple[str, list[str]]
):
    text, used = case
    path = Path(tmp_path_factory.mktemp("db")) / "repere.db"

    async def pipeline() -> None:
        async with Store(path) as store:
            answer = engine.answer(text)
            await store.count_answer(answer.entry_id, answer.status)
            await store.mark_answered("$event:localhost")

    asyncio.run(pipeline())
    blob = b"".join(p.read_bytes() for p in path.parent.iterdir())
    for value in used:
        assert value.encode() not in blob


def test_log_filter_removes_ids_and_text():
    record = logging.LogRecord(
        "nio", logging.WARNING, __file__, 1,
        "undecryptable Megolm event from %s in %s (%s) mail a.b@x.fr",
        ("@alice.martin@interieur.gouv.fr:agent.tchap.gouv.fr", "!abc123:agent.tchap.gouv.fr", "$AbCdEfGhIjKlMnOpQrSt"),
        None,
    )  # fmt: skip
    RedactFilter().filter(record)
    message = record.getMessage()
    assert "alice" not in message and "abc123" not in message and "AbCdEf" not in message
    assert "a.b@x.fr" not in message
    assert redact("@bob:localhost") == "@[utilisateur]"
