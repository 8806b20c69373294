"""Parsing in a process pool gives what parsing in-process gives, in the planned order."""

from __future__ import annotations

from ipsearch.index import parsepool
from ipsearch.ingest import Skip


def test_pool_results_equal_serial_results_in_order(tmp_path, monkeypatch):
    corpus = tmp_path.resolve()
    jobs = []
    for i in range(9):
        p = corpus / f"f{i}.md"
        p.write_text(f"# Title {i}\n\nSome text about topic {i}.\n\n## Part\n\nMore {i}.\n")
        jobs.append((p, p.name, f"h{i}", p.stat().st_size))
    (corpus / "empty.txt").write_text("")
    jobs.append((corpus / "empty.txt", "empty.txt", "h", 0))
    serial = list(parsepool.parse_all(jobs, corpus))
    monkeypatch.setattr(parsepool, "MIN_FILES", 1)
    monkeypatch.setattr(parsepool, "MIN_BYTES", 0)
    monkeypatch.setattr(parsepool, "workers", lambda: 2)
    pooled = list(parsepool.parse_all(jobs, corpus))
    assert [r.sections for r in pooled] == [r.sections for r in serial]
    assert any("topic 3" in s.text for s in pooled[3].sections)
    assert isinstance(pooled[-1].error, Skip) and str(pooled[-1].error) == "empty file"
