"""Configuration file (TOML), validated once at start with precise French messages."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bot.engine import EngineSettings
from bot.matcher import MatchWeights


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


def _engine_settings(file: str, table: Any) -> EngineSettings:
    if not isinstance(table, dict):
        raise ConfigError(file, "engine", "une section [engine] est attendue")
    settings = EngineSettings()
    known = {f.name for f in fields(EngineSettings)} - {"weights"}
    weights_known = {f.name for f in fields(MatchWeights)}
    updates: dict[str, Any] = {}
    for key, value in table.items():
        name = f"engine.{key}"
        if key == "weights":
            if not isinstance(value, dict):
                raise ConfigError(file, name, "une section [engine.weights] est attendue")
            w: dict[str, Any] = {}
            for wk, wv in value.items():
                if wk not in weights_known:
                    raise ConfigError(
                        file,
                        f"{name}.{wk}",
                        f"clé inconnue (attendu : {', '.join(sorted(weights_known))})",
                    )
                if wk == "shortlist":
                    if not isinstance(wv, int) or isinstance(wv, bool) or wv < 1:
                        raise ConfigError(file, f"{name}.{wk}", "un entier ≥ 1 est attendu")
                    w[wk] = wv
                elif wk == "steepness":
                    if not isinstance(wv, int | float) or isinstance(wv, bool) or wv <= 0:
                        raise ConfigError(file, f"{name}.{wk}", "un nombre > 0 est attendu")
                    w[wk] = float(wv)
                else:
                    w[wk] = _unit_float(file, f"{name}.{wk}", wv)
            updates["weights"] = replace(settings.weights, **w)
        elif key == "max_candidates":
            if not isinstance(value, int) or isinstance(value, bool) or not 2 <= value <= 5:
                raise ConfigError(file, name, "un entier entre 2 et 5 est attendu")
            updates[key] = value
        elif key in known:
            updates[key] = _unit_float(file, name, value)
        else:
            raise ConfigError(
                file, name, f"clé inconnue (attendu : {', '.join(sorted(known | {'weights'}))})"
            )
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
