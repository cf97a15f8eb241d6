"""Configuration file (TOML), validated once at start with precise French messages."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bot.engine.answer import EngineSettings


class ConfigError(Exception):
    """A config problem: file, key and what was expected."""

    def __init__(self, file: str, key: str, expected: str) -> None:
        self.file, self.key, self.expected = file, key, expected
        super().__init__(f"{file} : clé « {key} » : {expected}")


@dataclass(frozen=True)
class MatrixSettings:
    homeserver: str
    user_id: str
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    device_name: str = "Repère"

    @property
    def server_name(self) -> str:
        return self.user_id.split(":", 1)[1]


@dataclass(frozen=True)
class BotSettings:
    data_dir: Path | None = None
    respond_in_groups: str = "mention"  # or "all"
    allowed_servers: tuple[str, ...] = ()  # empty: the bot's own server only
    catch_up_minutes: float = 10.0
    # Messages longer than this are cut before any processing (a question is a few lines).
    max_message_chars: int = 4000
    # Per-sender flood limit, in memory only.
    rate_limit_per_minute: int = 12
    admin_room: str | None = None
    # How long an undecryptable message waits for its key before the sender is told.
    decrypt_grace_seconds: float = 20.0
    # A typing notice is sent only when composing takes longer than this (most answers are instant).
    typing_delay_seconds: float = 0.3
    # A clarification waits this long for its answer, in memory only, then is forgotten.
    clarify_timeout_seconds: float = 300.0


@dataclass(frozen=True)
class Roles:
    supervisors: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    # Room moderators (power level >= 50) are NOT supervisors unless this is set: on Tchap the
    # creator of any room gets power level 100, so power levels say nothing about who is a cadre.
    moderators_are_supervisors: bool = False


@dataclass(frozen=True)
class PrivacySettings:
    # Off by default: unanswered questions are kept only if the operator asks, scrubbed and dated.
    record_unanswered: bool = False
    retention_days: int = 30
    # Off by default: redact a question holding personal data when the bot has the power to.
    redact_messages: bool = False


@dataclass(frozen=True)
class Config:
    path: str | None = None
    knowledge_dir: Path | None = None
    engine: EngineSettings = field(default_factory=EngineSettings)
    matrix: MatrixSettings | None = None
    bot: BotSettings = field(default_factory=BotSettings)
    roles: Roles = field(default_factory=Roles)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)


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
    thresholds = {
        "answer_threshold",
        "clarify_margin",
        "clarify_floor",
        "escalate_floor",
        "danger_floor",
        "topic_floor",
        "decided_floor",
        "ask_sure",
        "decided_unknown",
    }
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
    unknown = set(raw) - {"engine", "bot", "matrix", "roles", "privacy"}
    if unknown:
        raise ConfigError(
            file,
            sorted(unknown)[0],
            "section inconnue (attendu : bot, engine, matrix, privacy, roles)",
        )
    base = Path(path).parent
    engine = _engine_settings(file, raw.get("engine", {}))
    bot = _table(file, "bot", raw)
    knowledge_dir = _dir(file, "bot.knowledge_dir", bot.pop("knowledge_dir", None), base, True)
    bot_settings = _bot(file, bot, base)
    if bot_settings.data_dir is not None:
        # The trained model's weights, kept between starts (engine/training.py).
        model = replace(engine.model, cache_dir=bot_settings.data_dir / "cache")
        engine = replace(engine, model=model)
    return Config(
        path=file,
        knowledge_dir=knowledge_dir,
        engine=engine,
        matrix=_matrix(file, raw) if "matrix" in raw else None,
        bot=bot_settings,
        roles=_roles(file, _table(file, "roles", raw)),
        privacy=_privacy(file, _table(file, "privacy", raw)),
    )


def _privacy(file: str, p: dict[str, Any]) -> PrivacySettings:
    _check_keys(file, "privacy", p, {"record_unanswered", "retention_days", "redact_messages"})
    flags = {}
    for key in ("record_unanswered", "redact_messages"):
        value = p.get(key, False)
        if not isinstance(value, bool):
            raise ConfigError(file, f"privacy.{key}", "true ou false est attendu")
        flags[key] = value
    days = p.get("retention_days", 30)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ConfigError(
            file, "privacy.retention_days", "un nombre de jours entre 1 et 365 est attendu"
        )
    return PrivacySettings(flags["record_unanswered"], days, flags["redact_messages"])


def _table(file: str, name: str, raw: dict[str, Any]) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(file, name, f"une section [{name}] est attendue")
    return dict(value)


def _str(file: str, key: str, value: Any, what: str = "un texte non vide") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(file, key, f"{what} est attendu (reçu : {value!r})")
    return value.strip()


def _dir(file: str, key: str, value: Any, base: Path, must_exist: bool) -> Path | None:
    if value is None:
        return None
    path = (base / _str(file, key, value, "un chemin de dossier")).resolve()
    if must_exist and not path.is_dir():
        raise ConfigError(file, key, f"dossier introuvable : {path}")
    return path


def _user_id(file: str, key: str, value: Any) -> str:
    uid = _str(file, key, value, "un identifiant Matrix (@nom:serveur)")
    if not uid.startswith("@") or ":" not in uid:
        raise ConfigError(
            file,
            key,
            f"un identifiant Matrix de la forme @nom:serveur est attendu (reçu : {uid!r})",
        )
    return uid


def _check_keys(file: str, section: str, table: dict[str, Any], known: set[str]) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(
                file, f"{section}.{key}", f"clé inconnue (attendu : {', '.join(sorted(known))})"
            )


def _matrix(file: str, raw: dict[str, Any]) -> MatrixSettings:
    import os

    m = _table(file, "matrix", raw)
    _check_keys(
        file, "matrix", m, {"homeserver", "user_id", "password", "access_token", "device_name"}
    )
    homeserver = _str(file, "matrix.homeserver", m.get("homeserver"), "une URL (https://…)")
    if not homeserver.startswith(("https://", "http://")):
        raise ConfigError(
            file,
            "matrix.homeserver",
            f"une URL commençant par https:// est attendue (reçu : {homeserver!r})",
        )
    user_id = _user_id(file, "matrix.user_id", m.get("user_id"))
    password = os.environ.get("REPERE_PASSWORD") or m.get("password")
    token = os.environ.get("REPERE_ACCESS_TOKEN") or m.get("access_token")
    for key, value in (("password", password), ("access_token", token)):
        if value is not None and not isinstance(value, str):
            raise ConfigError(file, f"matrix.{key}", "un texte est attendu")
    device_name = _str(file, "matrix.device_name", m.get("device_name", "Repère"))
    return MatrixSettings(
        homeserver.rstrip("/"), user_id, password or None, token or None, device_name
    )


def _bot(file: str, b: dict[str, Any], base: Path) -> BotSettings:
    _check_keys(
        file, "bot", b,
        {"data_dir", "respond_in_groups", "allowed_servers", "catch_up_minutes",
         "max_message_chars", "rate_limit_per_minute", "admin_room", "decrypt_grace_seconds", "typing_delay_seconds",
         "clarify_timeout_seconds"},
    )  # fmt: skip
    respond = b.get("respond_in_groups", "mention")
    if respond not in ("mention", "all"):
        raise ConfigError(
            file,
            "bot.respond_in_groups",
            f"« mention » ou « all » est attendu (reçu : {respond!r})",
        )
    servers = b.get("allowed_servers", [])
    if not isinstance(servers, list) or not all(isinstance(x, str) and x for x in servers):
        raise ConfigError(
            file,
            "bot.allowed_servers",
            'une liste de noms de serveurs est attendue, par ex. ["agent.tchap.gouv.fr"]',
        )
    catch_up = _number(file, "bot.catch_up_minutes", b.get("catch_up_minutes", 10))
    if not 0 <= catch_up <= 24 * 60:
        raise ConfigError(
            file, "bot.catch_up_minutes", "un nombre de minutes entre 0 et 1440 est attendu"
        )
    ints = {}
    for key, default, lo, hi in (
        ("max_message_chars", 4000, 100, 100_000),
        ("rate_limit_per_minute", 12, 1, 100_000),
    ):
        value = b.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ConfigError(
                file, f"bot.{key}", f"un entier entre {lo} et {hi} est attendu (reçu : {value!r})"
            )
        ints[key] = value
    grace = _number(file, "bot.decrypt_grace_seconds", b.get("decrypt_grace_seconds", 20))
    if not 0 < grace <= 600:
        raise ConfigError(
            file, "bot.decrypt_grace_seconds", "un nombre de secondes entre 0 et 600 est attendu"
        )
    typing_delay = _number(file, "bot.typing_delay_seconds", b.get("typing_delay_seconds", 0.3))
    if not 0 <= typing_delay <= 10:
        raise ConfigError(
            file, "bot.typing_delay_seconds", "un nombre de secondes entre 0 et 10 est attendu"
        )
    clarify_timeout = _number(
        file, "bot.clarify_timeout_seconds", b.get("clarify_timeout_seconds", 300)
    )
    if not 10 <= clarify_timeout <= 3600:
        raise ConfigError(
            file,
            "bot.clarify_timeout_seconds",
            "un nombre de secondes entre 10 et 3600 est attendu",
        )
    admin_room = b.get("admin_room")
    if admin_room is not None:
        admin_room = _str(
            file, "bot.admin_room", admin_room, "un identifiant de salon (!xxx:serveur)"
        )
    return BotSettings(
        data_dir=_dir(file, "bot.data_dir", b.get("data_dir"), base, False),
        respond_in_groups=respond,
        allowed_servers=tuple(servers),
        catch_up_minutes=catch_up,
        max_message_chars=ints["max_message_chars"],
        rate_limit_per_minute=ints["rate_limit_per_minute"],
        admin_room=admin_room,
        decrypt_grace_seconds=grace,
        typing_delay_seconds=typing_delay,
        clarify_timeout_seconds=clarify_timeout,
    )


def _roles(file: str, r: dict[str, Any]) -> Roles:
    _check_keys(file, "roles", r, {"supervisors", "admins", "moderators_are_supervisors"})
    lists = {}
    for key in ("supervisors", "admins"):
        value = r.get(key, [])
        if not isinstance(value, list):
            raise ConfigError(file, f"roles.{key}", "une liste d'identifiants Matrix est attendue")
        lists[key] = frozenset(_user_id(file, f"roles.{key}", v) for v in value)
    moderators = r.get("moderators_are_supervisors", False)
    if not isinstance(moderators, bool):
        raise ConfigError(file, "roles.moderators_are_supervisors", "true ou false est attendu")
    return Roles(lists["supervisors"], lists["admins"], moderators)


def require_matrix(config: Config) -> tuple[MatrixSettings, Path]:
    """The settings `repere run` cannot do without."""
    file = config.path or "(pas de fichier)"
    if config.matrix is None:
        raise ConfigError(
            file, "matrix", "une section [matrix] (homeserver, user_id, password) est attendue"
        )
    if config.bot.data_dir is None:
        raise ConfigError(file, "bot.data_dir", "un dossier de données (data_dir) est attendu")
    if not config.matrix.password and not config.matrix.access_token:
        raise ConfigError(
            file, "matrix.password",
            "un mot de passe (ou access_token, ou la variable REPERE_PASSWORD) est attendu pour la première connexion",
        )  # fmt: skip
    return config.matrix, config.bot.data_dir
