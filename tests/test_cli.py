"""The command line, run as a user would: a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def repere(
    *args: str, stdin: str | None = None, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env=None if env is None else {**os.environ, **env},
    )


def test_ask_keeps_the_trained_model_for_the_next_start(tmp_path: Path):
    """Without a data directory, `ask` keeps the weights in the user's cache directory (0600);
    the next start reads them and answers the same."""
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    question = "un gendarme veut le num de tel d'une famille"
    first = repere("ask", "--json", question, env=env)
    (saved,) = (tmp_path / "repere").glob("model-*.npz")
    assert saved.stat().st_mode & 0o777 == 0o600
    second = repere("ask", "--json", question, env=env)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout and '"requisition-opj"' in first.stdout


def test_ask_plain():
    out = repere("ask", "Puis-je donner l'adresse d'un usager à l'OPJ ?")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "60-1" in text and "226-13" in text and "3 750 €" in text
    assert "hiérarchie" in text and "Base à jour au" in text


def test_ask_json_stdin_keeps_order_and_fields():
    questions = [
        "un gendarme veut le num de tel d'une famille",
        "a quelle heure ferme la cantine",
        "Mme Dupont 06 12 34 56 78 que dire en clspd",
    ]
    out = repere("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 3
    expected = {
        "status",
        "entry_id",
        "confidence",
        "escalate",
        "decision",
        "rules",
        "sources",
        "personal_data",
        "candidates",
        "question",
        "choices",
        "text",
        "html",
    }
    for row in rows:
        assert set(row) == expected
    assert rows[0]["escalate"] is True and rows[0]["entry_id"] == "requisition-opj"
    assert rows[1]["status"] == "no_match"
    assert set(rows[2]["personal_data"]) >= {"phone"}
    assert all({"id", "label", "url"} == set(s) for s in rows[0]["sources"])


def test_kb_check():
    out = repere("kb", "check")
    assert out.returncode == 0, out.stderr
    assert "31 fiches" in out.stdout


def test_kb_export_json():
    out = repere("kb", "export", "--json")
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert len(data["entries"]) == 31
    assert set(data["entries"][0]) == {"id", "title", "questions", "tags", "sources", "escalate"}


def test_broken_knowledge_dir_gives_file_and_line(tmp_path: Path):
    import shutil

    kdir = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", kdir)
    p = kdir / "entries" / "cddf.md"
    p.write_text(
        p.read_text(encoding="utf-8").replace('sources = ["', 'sources = ["inconnue", "', 1),
        encoding="utf-8",
    )
    out = repere("--knowledge", str(kdir), "kb", "check")
    assert out.returncode == 3
    assert "entries/cddf.md:" in out.stderr and "source inconnue" in out.stderr


def test_config_error_is_precise(tmp_path: Path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[engine]\nanswer_threshold = 3\n", encoding="utf-8")
    out = repere("--config", str(cfg), "kb", "check")
    assert out.returncode == 2
    assert str(cfg) in out.stderr and "engine.answer_threshold" in out.stderr
    assert "entre 0 et 1" in out.stderr


def test_config_toml_syntax_error(tmp_path: Path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[engine\n", encoding="utf-8")
    out = repere("--config", str(cfg), "kb", "check")
    assert out.returncode == 2 and "TOML" in out.stderr


def test_example_config_is_valid():
    out = repere("--config", str(ROOT / "config.example.toml"), "kb", "check")
    assert out.returncode == 0, out.stderr


def test_kb_eval_compares_with_the_baselines():
    # About 4 min alone on 2 cores (five logistic regressions); a guard against a hang, not a speed
    # goal (that is `repere bench`).
    r = repere("kb", "eval", "--baselines", timeout=900)
    assert r.returncode == 0, r.stderr
    for method in ("Repère", "rapidfuzz", "BM25", "TF-IDF", "Régression logistique"):
        assert method in r.stdout
    assert "Confusions les plus fréquentes" in r.stdout
    # Every method is also compared at Repère's share of off-topic questions declined.
    assert "À rejet égal" in r.stdout and "écart" in r.stdout


def test_kb_eval_with_typos_and_a_bad_rate():
    r = repere("kb", "eval", "--typos", "0.3")
    assert r.returncode == 0, r.stderr
    assert "fautes de frappe dans 30% des mots" in r.stdout
    bad = repere("kb", "eval", "--typos", "beaucoup")
    assert bad.returncode == 2
    assert "attendu un nombre entre 0 et 1" in bad.stderr


def test_common_options_before_or_after_the_subcommand(tmp_path: Path):
    """`repere --config f run` and `repere run --config f` mean the same, for every subcommand."""
    cfg = tmp_path / "c.toml"
    cfg.write_text("[engine]\nanswer_threshold = 3\n", encoding="utf-8")
    for args in (
        ("--config", str(cfg), "run"),
        ("run", "--config", str(cfg)),
        ("kb", "check", "--config", str(cfg)),
        ("kb", "--config", str(cfg), "check"),
        ("guidance", "list", "--config", str(cfg)),
        ("ask", "--config", str(cfg), "secret pro"),
    ):
        out = repere(*args)
        assert out.returncode == 2, (args, out.stderr)
        assert "engine.answer_threshold" in out.stderr, args
    missing = tmp_path / "absent"
    for args in (
        ("--knowledge", str(missing), "kb", "check"),
        ("kb", "check", "--knowledge", str(missing)),
    ):
        out = repere(*args)
        assert out.returncode == 3, (args, out.stderr)
    # Given before the subcommand, an option is not reset by the subcommand's own default.
    out = repere("--config", str(cfg), "kb", "check", "--knowledge", str(missing))
    assert out.returncode == 2
