"""Answer builder: scores candidates with the fitted model, picks one or abstains, cites.

Every quote printed is checked against the file's cited lines (``verify.py``); a passage that
does not read back is dropped rather than shown.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ipsearch.answer.analysis import Analysis
from ipsearch.answer.features import Featurizer, add_relative
from ipsearch.answer.model import Models
from ipsearch.answer.passages import Passage, heading_path
from ipsearch.answer.reader import Candidate
from ipsearch.answer.which import Place
from ipsearch.corpus import display_path
from ipsearch.models import Answer, Citation
from ipsearch.verify import verify_quote

MAX_CITATIONS = 3


class Citer:
    """Passages → verified citations."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus

    def cite(self, p: Passage, score: float = 0.0) -> Citation | None:
        s = p.section
        quote = " ".join(p.text.split())
        if not verify_quote(self.corpus / s.source, (p.first, p.last), quote):
            return None
        return Citation(
            source=display_path(self.corpus, s.source),
            corpus_path=s.source,
            section=s.title,
            chair=s.chair,
            lines=(p.first, p.last),
            quote=quote,
            name=s.name,
            score=round(score, 3),
            title=s.doc_title or s.document or "",
            heading_path=heading_path(s),
            kind=p.kind,
            page=getattr(p, "page", None),
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


class AnswerBuilder:
    """Analysis + places + candidates → :class:`Answer` (or an abstention)."""

    def __init__(self, models: Models, citer: Citer) -> None:
        self.models = models
        self.citer = citer

    def score(self, feats: Featurizer, cands: list[Candidate]) -> list[Candidate]:
        agree = Counter(c.text.lower() for c in cands)
        for c in cands:
            c.features = feats.span(c, agree[c.text.lower()])
        add_relative([c.features for c in cands])
        for c in cands:
            c.score = self.models.span.prob(c.features)
        cands.sort(key=lambda c: -c.score)
        return cands

    def run(
        self, a: Analysis, places: list[Place], cands: list[Candidate], nearest: list[Passage]
    ) -> Answer:
        span_t, place_t = self.models.span.threshold, self.models.place.threshold
        if a.type == "place":
            top = places[0] if places else None
            if top and top.prob >= place_t:
                cites = self.citer.many([p.evidence for p in places[:3] if p.evidence and (
                    p is top or p.prob >= 0.9 * top.prob)])  # fmt: skip
                if cites:
                    return Answer(
                        a.text, top._label(a.doc_level), "place", round(top.prob, 2), cites
                    )
            return self.abstain(a, nearest)
        best = cands[0] if cands else None
        if best and best.score >= span_t:
            support = [c.passage for c in cands[1:] if c.text.lower() == best.text.lower()]
            cites = self.citer.many([best.passage, *support])
            if cites:
                return Answer(a.text, best.text, a.type, round(best.score, 2), cites)
        top = places[0] if places else None
        if (
            a.type in ("howto", "other", "definition")
            and top
            and top.prob >= place_t
            and top.evidence
        ):
            cites = self.citer.many([top.evidence])
            if cites:
                return Answer(a.text, None, a.type, round(top.prob * 0.8, 2), cites)
        return self.abstain(a, nearest)

    def abstain(self, a: Analysis, nearest: list[Passage]) -> Answer:
        closest = self.citer.many(nearest)
        return Answer(a.text, None, a.type, 0.0, [], abstained=True, closest=closest)
