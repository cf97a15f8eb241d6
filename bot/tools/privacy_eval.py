"""Measure the personal-data scanner against the annotated corpus."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bot.engine.privacy import PrivacyScanner
from bot.engine.privacy_patterns import KINDS, Finding

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "privacy_corpus.jsonl"
# The last quarter of the corpus is held out: it is only read to report, never to tune.
HELDOUT_FRACTION = 0.25
PARTS = ("all", "dev", "heldout")


def load_corpus(corpus_path: Path, part: str = "all") -> list[dict[str, Any]]:
    """Read the JSONL corpus and return the requested part of it."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}")
    with corpus_path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    cut = len(rows) - int(len(rows) * HELDOUT_FRACTION)
    if part == "dev":
        return rows[:cut]
    if part == "heldout":
        return rows[cut:]
    return rows


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def evaluate(scanner: PrivacyScanner, corpus_path: Path, part: str = "all") -> dict[str, Any]:
    """Per-kind precision/recall (overlap match), FP rate on clean sentences, mean scan time."""
    rows = load_corpus(corpus_path, part)
    pred_total = dict.fromkeys(KINDS, 0)
    pred_ok = dict.fromkeys(KINDS, 0)
    gold_total = dict.fromkeys(KINDS, 0)
    gold_found = dict.fromkeys(KINDS, 0)
    clean_sentences = clean_flagged = pii_sentences = pii_flagged = 0
    misses: list[dict[str, Any]] = []
    false_alarms: list[dict[str, Any]] = []
    elapsed = 0.0
    for line_no, row in enumerate(rows, start=1):
        text: str = row["text"]
        gold: list[dict[str, Any]] = row["spans"]
        t0 = time.perf_counter()
        found: tuple[Finding, ...] = scanner.scan(text)
        elapsed += time.perf_counter() - t0
        if gold:
            pii_sentences += 1
            pii_flagged += bool(found)
        else:
            clean_sentences += 1
            clean_flagged += bool(found)
        for f in found:
            pred_total[f.kind] += 1
            hit = any(
                g["kind"] == f.kind and _overlaps(f.start, f.end, g["start"], g["end"])
                for g in gold
            )
            pred_ok[f.kind] += hit
            if not hit:
                false_alarms.append({"line": line_no, "kind": f.kind})
        for g in gold:
            gold_total[g["kind"]] += 1
            hit = any(
                f.kind == g["kind"] and _overlaps(f.start, f.end, g["start"], g["end"])
                for f in found
            )
            gold_found[g["kind"]] += hit
            if not hit:
                misses.append({"line": line_no, "kind": g["kind"]})
    per_kind = {
        k: {
            "precision": _ratio(pred_ok[k], pred_total[k]),
            "recall": _ratio(gold_found[k], gold_total[k]),
            "predicted": pred_total[k],
            "gold": gold_total[k],
        }
        for k in KINDS
    }
    return {
        "part": part,
        "sentences": len(rows),
        "per_kind": per_kind,
        "micro": {
            "precision": _ratio(sum(pred_ok.values()), sum(pred_total.values())),
            "recall": _ratio(sum(gold_found.values()), sum(gold_total.values())),
        },
        "clean_sentences": clean_sentences,
        "fp_rate": _ratio(clean_flagged, clean_sentences),
        "pii_sentences": pii_sentences,
        "pii_sentence_recall": _ratio(pii_flagged, pii_sentences),
        "mean_scan_ms": 1000 * elapsed / len(rows) if rows else 0.0,
        # Line numbers (within the part) and kinds only: the report never repeats any text.
        "misses": misses,
        "false_alarms": false_alarms,
    }


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.1%}"


def format_report(report: dict[str, Any]) -> str:
    """Render a report from evaluate() as a plain-text table."""
    lines = [
        f"Privacy scanner — part: {report['part']}, {report['sentences']} sentences",
        f"{'kind':<10} {'precision':>9} {'recall':>8} {'pred':>5} {'gold':>5}",
    ]
    for kind, m in report["per_kind"].items():
        lines.append(
            f"{kind:<10} {_fmt(m['precision']):>9} {_fmt(m['recall']):>8} "
            f"{m['predicted']:>5} {m['gold']:>5}"
        )
    micro = report["micro"]
    lines.append(f"{'all':<10} {_fmt(micro['precision']):>9} {_fmt(micro['recall']):>8}")
    lines.append(
        f"FP rate on sentences without personal data: {_fmt(report['fp_rate']).strip()}"
        f" ({report['clean_sentences']} sentences)"
    )
    lines.append(
        f"Sentences with personal data flagged: {_fmt(report['pii_sentence_recall']).strip()}"
        f" ({report['pii_sentences']} sentences)"
    )
    lines.append(f"Mean scan time: {report['mean_scan_ms']:.2f} ms per sentence")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the dev, held-out and overall reports for a corpus."""
    args = sys.argv[1:] if argv is None else argv
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    scanner = PrivacyScanner()
    for part in ("dev", "heldout", "all"):
        print(format_report(evaluate(scanner, corpus, part)))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
