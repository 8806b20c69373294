"""sections.py: documents → indexed sections with unique, stable ids and stored blocks."""

from __future__ import annotations

from ipsearch.ingest import parse_text
from ipsearch.sections import build_sections


def test_headings_that_slug_alike_get_unique_stable_ids():
    """Reliability II #11: Funding!/Funding?/Funding 2 gave two sections one id."""
    text = "# Funding!\n\nA.\n\n# Funding?\n\nB.\n\n# Funding 2\n\nC.\n"
    ids = [s.id for s in build_sections(parse_text(text, "md", "a.md"))]
    assert ids == ["a.md#funding", "a.md#funding-3", "a.md#funding-2"]
    assert ids == [s.id for s in build_sections(parse_text(text, "md", "a.md"))]


def test_duplicate_jsonl_ids_are_made_unique():
    text = '{"id": "a", "text": "apples"}\n{"id": "a", "text": "mangos"}\n'
    secs = build_sections(parse_text(text, "jsonl", "r.jsonl"))
    assert [s.id for s in secs] == ["r.jsonl#a", "r.jsonl#a-2"]
    assert [s.kind for s in secs] == ["record", "record"]


def test_one_bad_jsonl_row_skips_only_that_row():
    """Reliability II #16: a 5,000-digit number or 100,000-deep array skipped the whole file."""
    text = (
        '{"id": "a", "text": "alpha"}\n{"id": 1, "n": '
        + "9" * 5000
        + "}\n"
        + "[" * 100000
        + "]" * 100000
        + '\n{"id": "b", "text": "bravo"}\n'
    )
    doc = parse_text(text, "jsonl", "r.jsonl")
    assert [s.anchor for s in doc.sections] == ["a", "b"]
    assert "line 2, 3" in doc.warnings[0]


def test_indexed_section_carries_the_document_model():
    text = (
        "---\ntitle: Backups\nowner: team-a\n---\n\n## Nightly db-backup cronjobs\n\n"
        "| Type | Kept |\n|---|---|\n| Nightly full | 120 days |\n"
    )
    (lead, sec) = build_sections(parse_text(text, "md", "b.md"))
    assert lead.kind == "overview" and lead.title == "Backups"
    assert lead.labels == {"title": "Backups", "owner": "team-a"}
    assert sec.heading_path == ["Nightly db-backup cronjobs"] and sec.doc_title == "Backups"
    assert sec.blocks[0].kind == "heading" and sec.blocks[-1].kind == "row"
    assert "Type: Nightly full; Kept: 120 days" in sec.text
    assert [p.text for p in sec.paragraphs] == ["Type | Kept", "Nightly full | 120 days"]
    assert sec.metadata == {"title": "Backups", "owner": "team-a"} and sec.format == "md"


def test_labels_in_a_headed_page_do_not_split_it():
    text = "# Guide\n\nOwner: team\n\nText one.\n\nOwner: other\n\nText two.\n"
    secs = build_sections(parse_text(text, "md", "g.md"))
    assert len(secs) == 1 and secs[0].labels == {"Owner": "team"}
