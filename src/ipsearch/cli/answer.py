"""ask, which and eval: answers with citations, sections by topic, the gold-set score."""

from __future__ import annotations

from pathlib import Path

import click

from ipsearch.cli.app import App, common, open_searcher, semantic_option
from ipsearch.errors import ExitStatus


@click.command()
@click.argument("question", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="Terminal text, or Markdown with footnote citations.",
)
@click.option("--explain", is_flag=True, help="Also print the question analysis, top passages "
              "and candidate scores (on stderr).")  # fmt: skip
@semantic_option
@common()
def ask(app: App, question: tuple[str, ...], fmt: str, explain: bool, no_semantic: bool) -> int:
    """Answer QUESTION briefly, quoting the sentences that say so (exit 1: no answer)."""
    from ipsearch.answer import Pipeline
    from ipsearch.errors import UsageError
    from ipsearch.render.human import answer_human
    from ipsearch.render.json import answer_json, emit_json
    from ipsearch.render.markdown import answer_markdown

    text = " ".join(question).strip()
    if not text:
        raise UsageError("empty question")
    with open_searcher(app.fresh_store(), no_semantic) as s:
        pipeline = Pipeline(s)
        answer = pipeline.ask(text)
        if explain:
            from ipsearch.answer.explain import explain as describe

            click.echo(describe(pipeline.trace(text)), err=True)
    if app.as_json:
        emit_json(answer_json(answer))
    elif fmt == "markdown":
        click.echo(answer_markdown(answer))
    else:
        answer_human(answer, app.style)
    return ExitStatus.NOT_FOUND if answer.abstained else ExitStatus.FOUND


@click.command()
@click.argument("topic", nargs=-1, required=True)
@click.option(
    "-n", "--limit", type=click.IntRange(1, 100), default=5, show_default=True,
    help="Most sections to show.",
)  # fmt: skip
@semantic_option
@common()
def which(app: App, topic: tuple[str, ...], limit: int, no_semantic: bool) -> int:
    """Rank the sections that cover TOPIC, each with its best evidence line."""
    from ipsearch.answer import Pipeline
    from ipsearch.errors import UsageError
    from ipsearch.render.human import topics_human
    from ipsearch.render.json import emit_json, topics_json

    text = " ".join(topic).strip()
    if not text:
        raise UsageError("empty topic")
    with open_searcher(app.fresh_store(), no_semantic) as s:
        result = Pipeline(s).which(text, limit=limit)
    if app.as_json:
        emit_json(topics_json(result))
    else:
        topics_human(result, app.style)
    return ExitStatus.FOUND if result.sections else ExitStatus.NOT_FOUND


@click.command("eval")
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", "kinds", multiple=True, metavar="K", help="Only items of kind K.")
@click.option(
    "--exclude-kind", "exclude", multiple=True, metavar="K", help="Leave out items of kind K."
)
@click.option("-v", "--verbose", is_flag=True, help="List each miss.")
@click.option("--calibration", is_flag=True, help="Print the reliability table of confidences.")
@semantic_option
@common()
def eval_(
    app: App,
    gold: Path,
    kinds: tuple[str, ...],
    exclude: tuple[str, ...],
    verbose: bool,
    calibration: bool,
    no_semantic: bool,
):
    """Score ask/search on a GOLD.jsonl file of questions with expected answers.

    Reads the seed form (section word) and the shared form (source, section, evidence); prints
    figures per kind (use --corpus for the gold's corpus).
    """
    from ipsearch.errors import UsageError
    from ipsearch.evaluate import evaluate, load_gold, misses, select
    from ipsearch.render.human import eval_human
    from ipsearch.render.json import emit_json, eval_json

    items = select(load_gold(gold), kinds, exclude)
    if not items:
        raise UsageError(f"no gold items left in {gold} after --kind/--exclude-kind")
    with open_searcher(app.fresh_store(), no_semantic) as s:
        report = evaluate(s, items)
    missed = misses(report)
    if app.as_json:
        emit_json(eval_json(report, missed))
    else:
        eval_human(report, missed, app.style, verbose, calibration)
    return ExitStatus.FOUND
