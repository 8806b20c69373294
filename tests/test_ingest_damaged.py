"""Damaged PDF, DOCX and ODT files are skipped with a reason, never a traceback."""

from __future__ import annotations

import random

import pytest

from ipsearch.ingest import Skip, docx, odt, pdf
from ipsearch.ingest.model import Document
from tests.fixtures_make import leaflet_docx, leaflet_odt, leaflet_pdf


def _damaged(data: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    cut = [data[: len(data) * k // 8] for k in range(1, 8)]
    flipped = []
    for n in (1, 5, 25, 125):
        b = bytearray(data)
        for _ in range(n):
            b[rng.randrange(len(b))] = rng.randrange(256)
        flipped.append(bytes(b))
    return cut + flipped


@pytest.mark.parametrize(
    ("parser", "make"),
    [(pdf, leaflet_pdf), (docx, leaflet_docx), (odt, leaflet_odt)],
    ids=["pdf", "docx", "odt"],
)
def test_cut_or_corrupted_files_parse_or_skip(parser, make):
    for i, data in enumerate(_damaged(make(), seed=13)):
        try:
            doc = parser.parse(data, f"damaged-{i}")
        except Skip as e:
            assert str(e)
            continue
        assert isinstance(doc, Document)
