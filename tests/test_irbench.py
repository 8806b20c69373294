import json
import random

import pytest

from ipsearch.irmetrics import evaluate, ndcg_at, recall_at, rr_at


def test_metrics_by_hand():
    rel = {"a": 1, "c": 1}
    assert rr_at(["b", "a", "c"], rel) == 0.5
    assert recall_at(["b", "a"], rel) == 0.5
    assert ndcg_at(["a", "c"], rel) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], rel) == pytest.approx((1 / 1.5849625) / (1 + 1 / 1.5849625))


def test_metrics_agree_with_ir_measures():
    ir_measures = pytest.importorskip("ir_measures")
    rng = random.Random(7)
    docs = [f"d{i}" for i in range(40)]
    qrels = {f"q{i}": {d: 1 for d in rng.sample(docs, rng.randint(1, 4))} for i in range(30)}
    run = {q: rng.sample(docs, 25) for q in qrels}
    ours = evaluate(run, qrels)
    trec_run = {q: {d: float(100 - i) for i, d in enumerate(ds)} for q, ds in run.items()}
    theirs = ir_measures.calc_aggregate(
        [ir_measures.nDCG @ 10, ir_measures.R @ 100, ir_measures.RR @ 10], qrels, trec_run
    )
    assert ours["ndcg@10"] == pytest.approx(theirs[ir_measures.nDCG @ 10])
    assert ours["recall@100"] == pytest.approx(theirs[ir_measures.R @ 100])
    assert ours["mrr@10"] == pytest.approx(theirs[ir_measures.RR @ 10])


@pytest.fixture
def collection(tmp_path):
    d = tmp_path / "tiny"
    d.mkdir()
    docs = {
        "d1": ("Solar panels", "Photovoltaic cells convert sunlight into electricity."),
        "d2": ("Wind farms", "Offshore wind turbines generate power at sea."),
        "d3": ("Honey bees", "Bees pollinate crops and make honey in hives."),
        "d4": ("Coral reefs", "Warm seas bleach coral reefs when temperatures rise."),
    }
    with open(d / "corpus.jsonl", "w") as f:
        for i, (t, x) in docs.items():
            f.write(json.dumps({"id": i, "title": t, "text": x}) + "\n")
    (d / "queries.tsv").write_text(
        "query_id\ttext\nq1\tsunlight electricity\nq2\tturbines at sea\nq3\tpollinate hives\n"
    )
    (d / "qrels.tsv").write_text("query_id\tdoc_id\trelevance\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\n")
    return d


def test_bench_ir_plumbing(collection, main_run):
    code, out, _ = main_run("bench-ir", str(collection), "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) >= {
        "ndcg@10",
        "recall@100",
        "mrr@10",
        "index_s",
        "query_ms_p50",
        "query_ms_p95",
        "queries",
    }
    assert data["queries"] == 3 and data["ndcg@10"] == 1.0 and data["mrr@10"] == 1.0
    assert data["sections"] == 4


def test_bench_ir_missing_files(tmp_path, main_run):
    code, _, err = main_run("bench-ir", str(tmp_path))
    assert code == 2 and "has no corpus.jsonl" in err
