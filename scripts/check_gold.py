"""Check gold question sets against their corpora, as eval/README-gold.md describes.

Usage: python3 scripts/check_gold.py [GOLD.jsonl ...] [--corpus DIR]

With no file, every ``eval/*-qa.jsonl`` is checked against ``eval/corpora/<name>/`` and the seed set
``eval/seed-qa-dev.jsonl`` gets the format checks its own form allows. For each item of the
``source``/``evidence`` form:

1. ``source`` matches exactly one corpus file (a substring of its path relative to the corpus root);
2. ``evidence`` occurs in that file once both are normalised the same way (markup of the file's
   format removed, entities decoded, whitespace collapsed: see ``normalise``);
3. every entry of ``answers`` occurs, case-insensitively, in the normalised evidence;
4. where ``section`` is given, the nearest heading above one occurrence of the evidence contains it;
5. a negative's ``grep`` terms (optional key) match no corpus file, case-insensitively, neither in
   its raw text (as ``grep -ril`` would) nor in its normalised text.

Exit status: 0 all items pass, 1 some item fails, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gold_text import format_of, headings_at, normalise, segments  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
KINDS = ("keyword", "topic", "factoid", "paraphrase", "negative")
KEYS = ("id", "question", "kind", "command", "source", "section", "answers", "evidence")
SEED_KEYS = {"id", "question", "kind", "section", "answers", "command"}
# Files in a corpus folder that describe it rather than belong to it.
NOT_DOCUMENTS = re.compile(r"^(SOURCE\.md|LICEN[CS]E.*|COPYING.*|COPYRIGHT.*|copyright|GPL-.*)$")

# --- checks ---------------------------------------------------------------------------------


@dataclass
class Report:
    gold: Path
    items: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def corpus_files(corpus: Path) -> list[str]:
    return sorted(
        p.relative_to(corpus).as_posix()
        for p in corpus.rglob("*")
        if p.is_file() and not NOT_DOCUMENTS.match(p.name)
    )


def check_schema(item: dict, seed: bool) -> list[str]:
    errs = []
    if seed:
        if set(item) != SEED_KEYS:
            errs.append(f"keys {sorted(item)} are not the seed set's {sorted(SEED_KEYS)}")
    elif tuple(item)[: len(KEYS)] != KEYS or set(item) - set(KEYS) - {"grep"}:
        errs.append(f"keys {list(item)} are not {list(KEYS)} (+ optional grep)")
    kind = item.get("kind")
    if kind not in KINDS:
        errs.append(f"kind {kind!r} is not one of {KINDS}")
    if (item.get("command") == "search") != (kind == "keyword"):
        errs.append(f"command {item.get('command')!r} does not fit kind {kind!r}")
    if not isinstance(item.get("answers"), list):
        errs.append("answers is not a list")
    elif kind in ("keyword", "negative") + (() if seed else ("topic",)) and item["answers"]:
        errs.append(f"a {kind} item has answers")
    if "grep" in item and (kind != "negative" or not isinstance(item["grep"], list)):
        errs.append("grep must be a list on a negative item")
    if kind == "negative" and not seed:
        if any(item.get(k) is not None for k in ("source", "section", "evidence")):
            errs.append("a negative has source, section or evidence")
    elif not seed and not (item.get("source") and item.get("evidence")):
        errs.append("an answerable item lacks source or evidence")
    return errs


def check_item(item: dict, corpus: Path, files: list[str], cache: dict) -> list[str]:
    if item["kind"] == "negative":
        return check_negative(item, corpus, files, cache)
    matches = [f for f in files if item["source"] in f]
    if len(matches) != 1:
        return [f"source {item['source']!r} matches {len(matches)} files: {matches[:5]}"]
    path = matches[0]
    if path not in cache:
        cache[path] = segments(corpus / path)
    evidence = normalise(item["evidence"], format_of(path))
    heads = headings_at(cache[path], evidence)
    if heads is None:
        return [f"evidence not found in {path}: {evidence[:80]!r}"]
    errs = [
        f"answer {a!r} not in the evidence"
        for a in item["answers"]
        if a.lower() not in evidence.lower() and a.lower() not in item["evidence"].lower()
    ]
    section = item["section"]
    if section and not any(h and section.lower() in h.lower() for h in heads):
        errs.append(f"section {section!r} not in the heading(s) above the evidence: {heads[:3]}")
    return errs


def check_negative(item: dict, corpus: Path, files: list[str], cache: dict) -> list[str]:
    """Each term is looked for in the raw file (as grep -ri would) and in its normalised text
    (so that a phrase split by markup, e.g. `<code>x</code> (integer)`, is found too)."""
    errs = []
    for term in item.get("grep", []):
        hits = [f for f in files if term.lower() in _texts(corpus / f, cache)]
        if hits:
            errs.append(f"grep term {term!r} matches {len(hits)} files, e.g. {hits[:3]}")
    return errs


def _texts(path: Path, cache: dict) -> str:
    key = ("texts", path)
    if key not in cache:
        raw = path.read_text(encoding="utf-8", errors="replace")
        cache[key] = (raw + "\n" + normalise(raw, format_of(path.name))).lower()
    return cache[key]


def corpus_for(gold: Path) -> Path:
    return gold.parent / "corpora" / gold.name.removesuffix("-qa.jsonl")


def check_file(gold: Path, corpus: Path | None = None) -> Report:
    report = Report(gold)
    items = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line]
    seed = bool(items) and "evidence" not in items[0]
    corpus = corpus or corpus_for(gold)
    files = [] if seed else corpus_files(corpus)
    if not seed and not files:
        report.errors.append(f"no corpus files under {corpus}")
        return report
    cache: dict = {}
    seen: set[str] = set()
    for item in items:
        report.items += 1
        kind = item.get("kind", "?")
        report.kinds[kind] = report.kinds.get(kind, 0) + 1
        errs = check_schema(item, seed)
        if item.get("id") in seen:
            errs.append("duplicate id")
        seen.add(item.get("id"))
        if not errs and not seed:
            errs = check_item(item, corpus, files, cache)
        report.errors.extend(f"{item.get('id')}: {e}" for e in errs)
    return report


def default_sets() -> list[Path]:
    return sorted(EVAL.glob("*-qa.jsonl")) + sorted(EVAL.glob("seed-qa-*.jsonl"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="*", type=Path, help="gold sets (default: all under eval/)")
    ap.add_argument("--corpus", type=Path, help="corpus root (default: eval/corpora/<name>/)")
    args = ap.parse_args(argv)
    golds = args.gold or default_sets()
    missing = [g for g in golds if not g.is_file()]
    if missing or (args.corpus and not args.corpus.is_dir()):
        print(f"error: no such file or folder: {missing or args.corpus}", file=sys.stderr)
        return 2
    status = 0
    for gold in golds:
        report = check_file(gold, args.corpus)
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.kinds.items()))
        verdict = "ok" if report.ok else f"{len(report.errors)} problem(s)"
        print(f"{gold.name}: {report.items} items ({kinds}): {verdict}")
        for err in report.errors:
            print(f"  {err}")
        status |= not report.ok
    return status


if __name__ == "__main__":
    sys.exit(main())
