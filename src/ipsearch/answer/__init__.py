"""Questions → short answers with exact citations, or an honest "no answer".

A pipeline of small stages, each one class with one ``run()``:
analysis (what the question asks for) → retriever (passages of the top sections) →
reader (candidate spans) → places and answer builder (fitted scores, pick or abstain, cite).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ipsearch.answer.analysis import Analysis, QuestionAnalyzer
from ipsearch.answer.builder import AnswerBuilder, Citer
from ipsearch.answer.features import Featurizer
from ipsearch.answer.model import Models, load
from ipsearch.answer.passages import Passage, PassageRetriever, Retrieved, SectionRanker
from ipsearch.answer.reader import Candidate, Reader
from ipsearch.answer.terms import Vocabulary
from ipsearch.answer.which import Includers, ItemNouns, Place, PlaceRanker
from ipsearch.models import Answer, TopicMatch, TopicResult
from ipsearch.retrieval.searcher import Searcher

NEAREST = 3


@dataclass
class Trace:
    """Everything one question went through, for ``--explain`` and for fitting."""

    analysis: Analysis
    retrieved: Retrieved
    places: list[Place]
    candidates: list[Candidate]
    corrected: str | None = None
    nearest: list[Passage] = field(default_factory=list)


class Pipeline:
    """Answers questions from an open index."""

    def __init__(self, searcher: Searcher, models: Models | None = None) -> None:
        self.searcher = searcher
        self.models = models or load()
        self.vocab = Vocabulary(searcher)
        self.ranker = SectionRanker(searcher)
        self.retriever = PassageRetriever(searcher, self.ranker)
        self.analyzer = QuestionAnalyzer(ItemNouns(searcher))
        self.reader = Reader(searcher.store.corpus)
        self.places = PlaceRanker(self.models.place, Includers(searcher))
        self.builder = AnswerBuilder(self.models, Citer(searcher.store.corpus))

    def trace(self, question: str) -> Trace:
        corrected = self.vocab.respell(question)
        a = self.analyzer.run(corrected or question)
        a.text = question
        query = a.focus_text or (corrected or question)
        retrieved = self.retriever.run(query)
        feats = Featurizer(self.vocab, a)
        feats.dense_known = bool(retrieved.dense)
        places = self.places.run(feats, retrieved)
        cands = []
        if a.type != "place":  # a place question is answered by places, not spans
            read = self.reader.select(retrieved.passages, lambda p: feats.passage_cov(p)[0])
            cands = self.reader.run(a, read)
        cands = self.builder.score(feats, cands, places)
        ranked = sorted(retrieved.passages, key=lambda p: (-feats.passage_cov(p)[1], p.rank))
        nearest = [p for p in ranked if p.kind != "heading"][:NEAREST]
        return Trace(a, retrieved, places, cands, corrected, nearest)

    def ask(self, question: str) -> Answer:
        t = self.trace(question)
        answer = self.builder.run(t.analysis, t.places, t.candidates, t.nearest)
        answer.corrected = t.corrected
        return answer

    def which(self, topic: str, limit: int = 10) -> TopicResult:
        """Sections that cover ``topic``, most probable first (those the model trusts)."""
        corrected = self.vocab.respell(topic)
        a = Analysis(text=topic, type="place", focus=(corrected or topic).split())
        a.focus = [w for w in self.analyzer.run(corrected or topic).focus] or a.focus
        retrieved = self.retriever.run(a.focus_text)
        feats = Featurizer(self.vocab, a)
        feats.dense_known = bool(retrieved.dense)
        places = self.places.run(feats, retrieved)
        out = []
        for i, p in enumerate(places):
            conf = self.builder.place_confidence(places, i)
            if conf < self.models.place_gate.threshold_for(a.type) or p.evidence is None:
                continue
            cite = self.builder.citer.cite(p.evidence, conf)
            if cite:
                s = p.section
                out.append(TopicMatch(s.title, s.name, s.chair, round(conf, 3), cite))
        return TopicResult(topic=topic, corrected=corrected, sections=out[:limit])


__all__ = ["Pipeline", "Trace", "Answer"]
