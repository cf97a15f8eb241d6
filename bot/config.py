"""Configuration file (TOML), validated once at start with precise French messages."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bot.engine import EngineSettings


class ConfigError(Exception):
    """A config problem: file, key and what was expected."""

    def __init__(self, file: str, key: str, expected: str) -> None:
        self.file, self.key, self.expected = file, key, expected
        super().__init__(f"{file} : clé « {key} » : {expected}")


@dataclass(frozen=True)
class Config:
    path: str | None = None
    knowledge_dir: Path | None = None
    engine: EngineSettings = field(default_factory=EngineSettings)
    raw: dict[str, Any] = field(default_factory=dict)


def _unit_float(file: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ConfigError(file, key, f"un nombre entre 0 et 1 est attendu (reçu : {value!r})")
    return float(value)


def _number(file: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(file, key, f"un nombre est attendu (reçu : {value!r})")
    return float(value)


def _sub_table(file: str, name: str, value: Any, current: Any) -> Any:
    """Override fields of a frozen dataclass (weights, calibration) from a TOML table."""
    if not isinstance(value, dict):
        raise ConfigError(file, name, f"une section [{name}] est attendue")
    known = {f.name: f for f in fields(current)}
    updates: dict[str, Any] = {}
    for key, raw in value.items():
        full = f"{name}.{key}"
        if key not in known:
            raise ConfigError(file, full, f"clé inconnue (attendu : {', '.join(sorted(known))})")
        if key == "shortlist":
            if not isinstance(raw, int) or isinstance(raw, bool) or raw < 1:
                raise ConfigError(file, full, "un entier ≥ 1 est attendu")
            updates[key] = raw
        elif name == "engine.weights":
            number = _number(file, full, raw)
            if number < 0:
                raise ConfigError(file, full, "un nombre positif ou nul est attendu")
            updates[key] = number
        else:
            updates[key] = _number(file, full, raw)
    return replace(current, **updates)


def _engine_settings(file: str, table: Any) -> EngineSettings:
    if not isinstance(table, dict):
        raise ConfigError(file, "engine", "une section [engine] est attendue")
    settings = EngineSettings()
    thresholds = {"answer_threshold", "clarify_margin", "clarify_floor"}
    allowed = sorted(thresholds | {"max_candidates", "weights", "calibration"})
    updates: dict[str, Any] = {}
    for key, value in table.items():
        name = f"engine.{key}"
        if key in ("weights", "calibration"):
            updates[key] = _sub_table(file, name, value, getattr(settings, key))
        elif key == "max_candidates":
            if not isinstance(value, int) or isinstance(value, bool) or not 2 <= value <= 5:
                raise ConfigError(file, name, "un entier entre 2 et 5 est attendu")
            updates[key] = value
        elif key in thresholds:
            updates[key] = _unit_float(file, name, value)
        else:
            raise ConfigError(file, name, f"clé inconnue (attendu : {', '.join(allowed)})")
    return replace(settings, **updates)


def load_config(path: Path | str | None) -> Config:
    """Read and validate; with no path, every default applies."""
    if path is None:
        return Config()
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(file, "-", "fichier de configuration introuvable") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(file, "-", f"fichier illisible ({exc})") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, "-", f"syntaxe TOML invalide ({exc})") from exc
    engine = _engine_settings(file, raw.get("engine", {}))
    bot = raw.get("bot", {})
    if not isinstance(bot, dict):
        raise ConfigError(file, "bot", "une section [bot] est attendue")
    kdir = bot.get("knowledge_dir")
    knowledge_dir: Path | None = None
    if kdir is not None:
        if not isinstance(kdir, str) or not kdir:
            raise ConfigError(file, "bot.knowledge_dir", "un chemin de dossier (texte) est attendu")
        knowledge_dir = (Path(path).parent / kdir).resolve()
        if not knowledge_dir.is_dir():
            raise ConfigError(file, "bot.knowledge_dir", f"dossier introuvable : {knowledge_dir}")
    return Config(path=file, knowledge_dir=knowledge_dir, engine=engine, raw=raw)
