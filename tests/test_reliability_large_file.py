"""Issue 11 item 21, one large file: a large prose ``.txt`` is read line by line from its bytes,
its sections are made one at a time as they are written, and a section of many megabytes is
indexed in parts, so memory is bounded by the file, not a multiple of it. Timing is measured
in ``benchmarks/large_file.py``, never here."""

from __future__ import annotations

import codecs
import random
import tracemalloc
from pathlib import Path

import pytest

from ipsearch.ingest import parse_file, split_lines, utf8_lines
from ipsearch.ingest.model import Block
from ipsearch.ingest.model import Section as DocSection
from ipsearch.sections import MAX_SECTION_CHARS, bounded, build_sections, iter_sections

WORDS = [
    "partnership",
    "skills",
    "funding",
    "tunnelling",
    "aerospace",
    "council",
    "review",
    "evidence",
    "board",
]


def _prose(n_paragraphs: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    paras = []
    for _ in range(n_paragraphs):
        words = [rng.choice(WORDS) for _ in range(rng.randint(30, 90))]
        text = " ".join(words).capitalize() + " café’s."
        paras.append("\n".join(text[i : i + 70] for i in range(0, len(text), 70)))
    return "A long report\n\n" + "\n\n".join(paras) + "\n"


@pytest.mark.parametrize(
    "data",
    [
        b"Alpha\nBravo\n",
        b"Alpha\nBravo",
        b"Alpha\n\n\n",
        b"\n",
        b"a\r\nb\r\r\nc\rd\n",
        b"\xef\xbb\xbfTitle\n\nText \xe2\x80\x99 here\n",
        "caf\u00e9 \u00ad ﬁnance\n\u2028same line\n".encode(),
    ],
)
def test_lines_decoded_from_bytes_are_the_lines_grep_numbers(data):
    assert list(utf8_lines(data)) == split_lines(data.decode("utf-8-sig"))


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + "Alpha\n".encode("utf-16-le"),
        b"caf\xe9 latin-1\n",
        b"nul\x00byte\n",
    ],
)
def test_bytes_that_are_not_plain_utf8_take_the_general_decoder(data):
    assert utf8_lines(data) is None


def test_a_file_read_from_bytes_gives_the_sections_of_its_text(tmp_path):
    from ipsearch.ingest import parse_text, read_text

    p = tmp_path / "r.txt"
    p.write_bytes(_prose(40).replace("\n", "\r\n").encode())
    text, _ = read_text(p, "r.txt")
    assert build_sections(parse_file(p, "r.txt")) == build_sections(
        parse_text(text, "txt", "r.txt")
    )


def test_a_section_longer_than_the_limit_is_indexed_in_parts_with_exact_lines(tmp_path):
    text = _prose(300)
    p = tmp_path / "big.txt"
    p.write_text(text, encoding="utf-8")
    lines = text.split("\n")  # grep -n's lines
    doc = parse_file(p, "big.txt")
    whole = sum(len(b.text) for b in doc.blocks())
    limit = whole // 4
    parts = bounded(doc.sections[0], limit)
    assert len(parts) >= 4
    assert [b for s in parts for b in s.blocks] == doc.sections[0].blocks
    for n, s in enumerate(parts[1:], 2):
        assert s.title.endswith(f"(part {n})") and s.inferred
        assert sum(len(b.text) for b in s.blocks) <= limit
        # Each part starts and ends on the lines of its own first and last paragraph.
        assert lines[s.first - 1].startswith(s.blocks[0].text[:20])
        assert s.last == s.blocks[-1].last and lines[s.last].strip() == ""
    ids = [x.id for x in build_sections(doc)]
    assert len(ids) == len(set(ids))


def test_sections_under_the_limit_are_not_split():
    blocks = [Block("paragraph", "x" * 1000, i, i) for i in range(1, 50)]
    s = DocSection(["T"], 0, 1, 49, blocks, lead=True)
    assert bounded(s) == [s] and MAX_SECTION_CHARS > 49_000


def test_sections_are_made_one_at_a_time_as_they_are_taken(tmp_path):
    """The stream holds one section's copies of its text at a time; the list holds them all."""
    p = tmp_path / "h.txt"
    text = _prose(1500)
    # Underlined headings every few paragraphs: many sections.
    paras = text.split("\n\n")
    for i in range(1, len(paras), 5):
        paras[i] = f"Heading {i}\n{'-' * len(f'Heading {i}')}\n\n{paras[i]}"
    p.write_text("\n\n".join(paras), encoding="utf-8")

    def peak(consume) -> int:
        doc = parse_file(p, "h.txt")
        tracemalloc.start()
        try:
            consume(doc)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def stream(doc) -> None:
        for _ in iter_sections(doc):
            pass

    streamed, listed = peak(stream), peak(build_sections)
    assert len(build_sections(parse_file(p, "h.txt"))) > 250
    assert streamed * 5 < listed, (streamed, listed)


def test_a_large_file_is_parsed_in_the_writing_process_as_a_stream(tmp_path, monkeypatch):
    from ipsearch.index import parsepool

    monkeypatch.setattr(parsepool, "STREAM_BYTES", 1000)
    (tmp_path / "a.txt").write_text(_prose(30), encoding="utf-8")
    got = parsepool.parse_one(tmp_path / "a.txt", "a.txt", "h", tmp_path, stream=True)
    assert got.error is None and not isinstance(got.sections, list)
    assert [s.id for s in got.sections] == [
        s.id for s in build_sections(parse_file(tmp_path / "a.txt", "a.txt"), "h")
    ]
    jobs = [(tmp_path / "a.txt", "a.txt", "h", Path(tmp_path / "a.txt").stat().st_size)]
    (first,) = parsepool.parse_all(jobs, tmp_path)
    assert not isinstance(first.sections, list)
