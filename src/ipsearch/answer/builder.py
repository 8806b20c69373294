"""Answer builder: scores candidates with the fitted model, picks one or abstains, cites.

Every quote printed is checked against the file's cited lines (``verify.py``); a passage that
does not read back is dropped rather than shown.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ipsearch.answer.analysis import ANSWER_KINDS, Analysis
from ipsearch.answer.features import Featurizer, add_context, add_relative
from ipsearch.answer.model import SPAN_GATE_BASE, Models, gate_row, merge_shares, place_gate_row
from ipsearch.answer.passages import Passage, heading_path
from ipsearch.answer.reader import Candidate, answer_key
from ipsearch.answer.which import Place, place_key, rival_scores
from ipsearch.corpus import display_path
from ipsearch.locator import on_page, unit_of
from ipsearch.models import Answer, Citation
from ipsearch.verify import verify_quote

MAX_CITATIONS = 3
# When no short span is trusted, a trusted place still answers with its best passage cited
# (no short answer): "how do I ...", "what is ..." and any question whose value is not a span.
PLACE_ANSWERED = tuple(t for t in ANSWER_KINDS if t != "place")


class Citer:
    """Passages → verified citations."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus

    def cite(self, p: Passage, score: float = 0.0) -> Citation | None:
        s = p.section
        quote = " ".join(p.text.split())
        # A PDF's lines are stored as page × 10,000 + line: cite them as a page and its lines.
        page, lines = on_page((p.first, p.last))
        if not verify_quote(self.corpus / s.source, lines, quote, page):
            return None
        return Citation(
            source=display_path(self.corpus, s.source),
            corpus_path=s.source,
            section=s.title,
            chair=s.chair,
            lines=lines,
            quote=quote,
            name=s.name,
            score=round(score, 3),
            title=s.doc_title or s.document or "",
            heading_path=heading_path(s),
            kind=p.kind,
            page=page,
            unit=unit_of(s.format),
        )

    def many(self, passages: list[Passage], limit: int = MAX_CITATIONS) -> list[Citation]:
        out: list[Citation] = []
        seen = set()
        for p in passages:
            k = (p.section.source, p.first, p.last, p.text)
            if k in seen:
                continue
            seen.add(k)
            c = self.cite(p)
            if c:
                out.append(c)
            if len(out) >= limit:
                break
        return out


def supporting(best: Candidate, cands: list[Candidate]) -> list[Passage]:
    """Passages to cite after the answer's own: one that says the same, then the strongest
    rival value of the same kind, so a reader sees conflicting figures side by side."""
    same = [c.passage for c in cands[1:] if c.text.lower() == best.text.lower()]
    rival = next(
        (c.passage for c in cands[1:]
         if c.text.lower() != best.text.lower() and c.kinds & best.kinds
         and c.passage is not best.passage),
        None,
    )  # fmt: skip
    return [*same[:1], *([rival] if rival else []), *same[1:]]


class AnswerBuilder:
    """Analysis + places + candidates → :class:`Answer` (or an abstention)."""

    def __init__(self, models: Models, citer: Citer) -> None:
        self.models = models
        self.citer = citer

    def score(
        self, feats: Featurizer, cands: list[Candidate], places: list[Place] | None = None
    ) -> list[Candidate]:
        keys = [answer_key(c.text) for c in cands]
        agree = Counter(keys)
        for c, key in zip(cands, keys, strict=True):
            c.features = feats.span(c, agree[key])
        add_context(cands, places or [])
        add_relative([c.features for c in cands])
        own = self.models.span.shares([c.features for c in cands])
        for c, share in zip(cands, merge_shares(keys, own), strict=True):
            c.score = share
        # Equal answers share one score; the one the model likes best leads (and is cited).
        order = sorted(range(len(cands)), key=lambda i: (-cands[i].score, -own[i]))
        cands[:] = [cands[i] for i in order]
        return cands

    def span_choice(self, cands: list[Candidate]) -> tuple[Candidate | None, float]:
        """The top-ranked span and the gate's probability that it is right."""
        if not cands:
            return None, 0.0
        rivals: dict[str, float] = {}
        for c in cands:  # best first: equal answers already share one (merged) score
            rivals.setdefault(answer_key(c.text), c.score)
        row = gate_row(list(rivals.values()), cands[0].features, SPAN_GATE_BASE, list(rivals))
        return cands[0], self.models.span_gate.prob(row)

    def place_confidence(self, places: list[Place], i: int = 0) -> float:
        """The gate's probability that place ``i`` is right, against its strongest rival."""
        if not places:
            return 0.0
        keys = [place_key(p.section) for p in places]
        doc_level = bool(places[i].features.get("doc_level"))
        scores = rival_scores(keys, [p.prob for p in places], i, doc_level)
        return self.models.place_gate.prob(place_gate_row(scores, places[i].features))

    def run(
        self, a: Analysis, places: list[Place], cands: list[Candidate], nearest: list[Passage]
    ) -> Answer:
        if a.type == "place":
            return self.place_answer(a, places, short=True) or self.abstain(a, nearest)
        best, conf = self.span_choice(cands)
        if best and conf >= self.models.span_gate.threshold_for(a.type, a.doc_level):
            cites = self.citer.many([best.passage, *supporting(best, cands)])
            if cites:
                return Answer(a.text, best.text, a.type, round(conf, 2), cites)
        if a.type in PLACE_ANSWERED:
            answer = self.place_answer(a, places, short=False)
            if answer:
                return answer
        return self.abstain(a, nearest)

    def place_answer(self, a: Analysis, places: list[Place], short: bool) -> Answer | None:
        """The top place as the answer (its title when ``short``), its best passage cited first."""
        conf = self.place_confidence(places)
        top = places[0] if places else None
        if (
            not top
            or top.evidence is None
            or conf < self.models.place_gate.threshold_for(a.type, a.doc_level)
        ):
            return None
        cites = self.citer.many([top.evidence])
        if not cites:
            return None
        label = top._label(a.doc_level) if short else None
        return Answer(a.text, label, a.type, round(conf, 2), cites)

    def abstain(self, a: Analysis, nearest: list[Passage]) -> Answer:
        closest = self.citer.many(nearest)
        return Answer(a.text, None, a.type, 0.0, [], abstained=True, closest=closest)
