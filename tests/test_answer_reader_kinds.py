"""Question analysis of code tokens, and the reader's frequency, location and command spans."""

from __future__ import annotations

import pytest

from ipsearch.answer.analysis import QuestionAnalyzer, code_tokens
from ipsearch.answer.passages import Passage
from ipsearch.answer.reader import Reader
from ipsearch.models import Section


def section() -> Section:
    return Section(id="a.md#x", source="a.md", title="X", kind="section", first_line=1,
                   last_line=9, text="", paragraphs=[])  # fmt: skip


def _cands(text: str, question: str) -> dict[str, set[str]]:
    p = Passage("sentence", text, 1, 1, section(), 0)
    return {c.text: c.kinds for c in Reader().run(QuestionAnalyzer().run(question), [p])}


@pytest.mark.parametrize(
    ("question", "token"),
    [
        ("What is the default value of max_connections?", "max_connections"),
        ("Which doc covers the pg_hba.conf file?", "pg_hba.conf"),
        ("What does --force-with-lease do?", "--force-with-lease"),
        ("Where is the .netrc file read?", ".netrc"),
        ("What reads /etc/hosts first?", "/etc/hosts"),
        ("What does std::mem::swap do?", "std::mem::swap"),
        ("What does `os.path.join()` return?", "os.path.join"),
    ],
)
def test_focus_keeps_code_tokens_whole(question, token):
    a = QuestionAnalyzer().run(question)
    assert token in a.focus
    assert token in code_tokens(question)


def test_plain_words_are_no_code_tokens():
    assert code_tokens("How long are nightly backups kept, and why?") == []
    assert QuestionAnalyzer().run("How long are backups kept?").focus == ["long", "backups", "kept"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How often does the cleanup job run?", "frequency"),
        ("How frequently are reports sent?", "frequency"),
        ("Where is the config file stored?", "location"),
        ("Where are logs written?", "location"),
        ("Where does the manual explain hooks?", "place"),
        ("How long are backups retained?", "duration"),
        ("What is the default value of worker_count?", "value"),
        ("whats the default port", "value"),
        ("What is the maximum size of a message?", "quantity"),
        ("What is a default branch?", "definition"),
        ("When I delete a branch, how do I get it back?", "howto"),
        ("If a build fails, who is paged?", "person"),
        ("When do developers join the rota?", "date"),
    ],
)
def test_how_often_and_where_types(question, kind):
    assert QuestionAnalyzer().run(question).type == kind


def test_reader_frequency_spans():
    q = "How often does the cleanup job run?"
    got = _cands("The cleanup job runs weekly; the report runs every 10 minutes.", q)
    assert "frequency" in got["weekly"]
    assert "frequency" in got["every 10 minutes"]
    got = _cands("Backups are checked twice a day and pruned once per month.", q)
    assert {"twice a day", "once per month"} <= {t for t, k in got.items() if "frequency" in k}


def test_reader_location_spans_only_for_where_questions():
    text = "The settings file, kept in the home directory of each user, is read at start-up."
    got = _cands(text, "Where is the settings file kept?")
    assert "location" in got["home directory of each user"]
    got = _cands("Logs go to /var/log/app/current and ~/.app/log.", "Where are logs written?")
    assert "location" in got["/var/log/app/current"]
    assert "location" in got["~/.app/log"]
    other = _cands(text, "What is read at start-up?")
    assert not any("location" in k for k in other.values())


def test_reader_name_line_term_is_a_command_and_the_question_own_command_is_not():
    got = _cands("lsblk - list block devices", "Which command lists block devices?")
    assert {"code", "gloss"} <= got["lsblk"]
    q = "Which command besides pack_files packs files?"
    got = _cands("Use pack_files or zip_files to pack files.", q)
    assert "code" in got["zip_files"]
    assert "pack_files" not in got


def test_reader_numbers_written_in_words_make_quantities_and_durations():
    q = "How much data does a chunk hold?"
    got = _cands("Each chunk holds four megabytes (4MB) of data.", q)
    assert "quantity" in got["four megabytes"] and "quantity" in got["4MB"]
    got = _cands("The lock is held for two hours, then ten seconds.", "How long is the lock held?")
    assert "duration" in got["two hours"] and "duration" in got["ten seconds"]
    got = _cands("A word is sixty-four bits wide.", "How many bits wide is a word?")
    assert "number" in got["sixty-four"] and "quantity" in got["sixty-four bits"]
    assert "four" not in got  # part of "sixty-four", not a number of its own
    got = _cands("It waits two hundred and fifty milliseconds.", "How long does it wait?")
    assert "two hundred and fifty milliseconds" in got
    got = _cands("Someone often goes halfway there.", "How many are there?")
    assert not got  # number words inside other words are no numbers


def test_reader_double_backtick_literals_are_read_whole(tmp_path):
    line = "(default: ``True``) If true, words longer than :attr:`width` are broken."
    (tmp_path / "a.rst").write_text(line + "\n")
    p = Passage("sentence", line, 1, 1, Section(id="a.rst#x", source="a.rst", title="X",
                kind="section", first_line=1, last_line=1, text="", paragraphs=[]), 0)  # fmt: skip
    a = QuestionAnalyzer().run("What is the default of break_long_words?")
    got = {c.text: c.kinds for c in Reader(tmp_path).run(a, [p])}
    assert "marked" in got["True"] and "marked" in got["width"]
    assert not any("If true" in t and "marked" in k for t, k in got.items())


def test_reader_marked_spans_run_over_line_breaks_and_links_are_no_code(tmp_path):
    lines = ["The mean is affected by `outliers", "<https://example.org/o>`_, see :func:`median`",
             "for a robust one."]  # fmt: skip
    (tmp_path / "a.rst").write_text("\n".join(lines) + "\n")
    s = Section(id="a.rst#x", source="a.rst", title="X", kind="section", first_line=1,
                last_line=3, text="", paragraphs=[])  # fmt: skip
    p = Passage("sentence", " ".join(lines), 1, 3, s, 0)
    a = QuestionAnalyzer().run("Which function gives the middle value?")
    got = {c.text: c.kinds for c in Reader(tmp_path).run(a, [p])}
    assert "marked" in got["median"]
    assert not any("marked" in k and ("see" in t or "outliers" in t) for t, k in got.items())


def _marked(tmp_path, lines: list[str], text: str, question: str) -> list[tuple[str, int]]:
    """The marked candidates of a sentence ``text`` read from a Markdown block ``lines``."""
    (tmp_path / "a.md").write_text("\n".join(lines) + "\n")
    s = Section(id="a.md#x", source="a.md", title="X", kind="section", first_line=1,
                last_line=len(lines), text="", paragraphs=[])  # fmt: skip
    p = Passage("sentence", text, 1, len(lines), s, 0)
    a = QuestionAnalyzer().run(question)
    return sorted((c.text, c.start) for c in Reader(tmp_path).run(a, [p]) if "marked" in c.kinds)


def test_a_marked_value_is_placed_where_the_source_marks_it_not_at_its_first_substring(tmp_path):
    lines = ["Instead, we clone `a` when", "creating `c`, increasing the count."]
    text = "Instead, we clone a when creating c, increasing the count."
    got = _marked(tmp_path, lines, text, "Which value is cloned?")
    assert got == [("a", text.index(" a ") + 1), ("c", text.index("c,"))]


def test_a_short_marked_value_of_another_sentence_is_not_placed_in_this_one(tmp_path):
    lines = ["Set `a` first. Then read a book about `--force` and `--force-with-lease`."]
    text = "Then read a book about --force and --force-with-lease."
    got = _marked(tmp_path, lines, text, "Which flag forces the push?")
    assert got == [
        ("--force", text.index("--force")),
        ("--force-with-lease", text.index("--force-")),
    ]


def test_a_legend_or_glossary_line_gives_its_terms_meaning():
    q = "What does M mean in the short format?"
    assert "meaning" in _cands("'M' = modified", q)["modified"]
    assert "meaning" in _cands("?? = not tracked yet.", q)["not tracked yet"]
    assert "meaning" in _cands("ls - list directory contents", q)["list directory contents"]
    assert not any("meaning" in k for k in _cands("We use x - y here.", q).values())


def test_a_cell_answers_a_question_of_a_certain_kind_only_when_it_reads_as_that_kind():
    p = Passage("row", "Prev | Up | 24 hours", 1, 1, section(), 0,
                cells=["Prev", "Up", "24 hours"], header=["a", "b", "c"])  # fmt: skip
    a = QuestionAnalyzer().run("How long are backups kept?")
    got = {c.text: c.kinds for c in Reader().run(a, [p])}
    assert "Prev" not in got and "Up" not in got
    assert {"cell", "duration"} <= got["24 hours"]
    who = QuestionAnalyzer().run("Who owns the backups?")
    assert "Up" in {c.text for c in Reader().run(who, [p])}  # a name may be any cell


def test_what_does_x_verb_reads_the_object_of_that_verb_in_any_form():
    q = QuestionAnalyzer()
    assert q.run("What does the builder create?").object_verb == "create"
    assert q.run("What does ABC stand for?").object_verb is None
    assert q.run("What does the tool do?").object_verb is None
    got = _cands(
        "The builder creates a new staging area, then stops.", "What does the builder create?"
    )
    assert "object" in got["new staging area"]
    got = _cands("Produce fresh tokens for sessions", "What does the helper produce?")
    assert "object" in got["fresh tokens for sessions"]


def test_an_asking_sentence_and_a_punctuation_field_give_no_candidates():
    q = QuestionAnalyzer().run("When is the rota made?")
    ask = Passage("sentence", "When is the rota made on Monday?", 1, 1, section(), 0)
    assert not Reader().run(q, [ask])
    field = Passage("field", "Decoding::", 1, 1, section(), 0, key="Decoding", field_value=":")
    assert not [c for c in Reader().run(QuestionAnalyzer().run("Which type is it?"), [field])
                if "field" in c.kinds]  # fmt: skip


def test_a_number_joined_to_its_unit_by_a_hyphen_describes_a_noun_it_is_no_quantity():
    got = _cands(
        "Pages are 8192-byte blocks; a row holds 40 bytes.", "How much space does a row use?"
    )
    assert "8192-byte" not in got and "quantity" in got["40 bytes"]
