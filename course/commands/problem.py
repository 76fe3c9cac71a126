"""`course problem`: coding-test attempts (add, list) and progress (stats)."""

from __future__ import annotations

from contextlib import closing

import click

from course.commands import context
from course.commands.options import DAY_HELP, DURATION_HELP, day_option
from course.render.format import make_console
from course.render.problems import (
    added_lines,
    attempts_json,
    attempts_table,
    stats_json,
    stats_view,
)
from tracker.parsers import parse_day, parse_duration
from tracker.problem_stats import problem_stats
from tracker.problems import NewAttempt, list_attempts
from tracker.review_queue import log_attempt


@click.group("problem")
def problem_group() -> None:
    """Coding-test problems: record attempts, list them, see your progress."""


@problem_group.command("add")
@click.argument("site")
@click.argument("number")
@click.option("--title", help="The problem's title, e.g. IOIOI.")
@click.option(
    "--tags",
    multiple=True,
    metavar="TAG,TAG",
    help="Comma-separated tags, e.g. string,kmp (may be repeated).",
)
@click.option(
    "--status",
    default="solved",
    show_default=True,
    metavar="solved|attempted|failed",
    help="How the attempt ended.",
)
@click.option("--minutes", metavar="DURATION", help=f"Time spent: {DURATION_HELP}.")
@click.option("--used-hint", is_flag=True, help="You used a hint, editorial or solution.")
@click.option("--url", help="The problem's address (default: its page on the site).")
@click.option("--note", help="Anything worth remembering about it.")
@day_option("The day of the attempt")
def add_command(
    site: str,
    number: str,
    title: str | None,
    tags: tuple[str, ...],
    status: str,
    minutes: str | None,
    used_hint: bool,
    url: str | None,
    note: str | None,
    day: str,
) -> None:
    """Record an attempt: course problem add boj 5525 --tags string --minutes 60.

    SITE is boj, programmers, leetcode or other; NUMBER is the problem's number (boj,
    programmers), its slug (leetcode: two-sum) or any name (other). Adding a problem again
    records another attempt and keeps its title, tags and URL unless you give new ones.
    Failed attempts and ones solved with a hint go to the review queue.
    """
    today = context.today()
    attempt_day = parse_day(day, today)
    new = NewAttempt(
        site,
        number,
        day=attempt_day,
        title=title,
        tags=[tag for group in tags for tag in group.split(",")],
        status=status,
        minutes=None if minutes is None else parse_duration(minutes),
        used_hint=used_hint,
        url=url,
        note=note,
    )
    with closing(context.open_store()) as db:
        added = log_attempt(db, new, today=today, now=context.now())
    for line in added_lines(added, today):
        click.echo(line)


@problem_group.command("list")
@click.option("--tag", help="Only attempts with this tag.")
@click.option("--status", metavar="solved|attempted|failed", help="Only attempts with this status.")
@click.option(
    "--site", metavar="SITE", help="Only attempts on boj, programmers, leetcode or other."
)
@click.option("--since", metavar="DATE", help=f"Only attempts on or after this day: {DAY_HELP}.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_command(
    tag: str | None, status: str | None, site: str | None, since: str | None, as_json: bool
) -> None:
    """List attempts, newest first."""
    today = context.today()
    start = parse_day(since, today) if since is not None else None
    with closing(context.open_store()) as db:
        attempts = list_attempts(db, tag=tag, status=status, site=site, start=start)
    if as_json:
        click.echo(attempts_json(attempts))
    elif not attempts:
        filtered = any(value is not None for value in (tag, status, site, since))
        click.echo(
            "No problem attempts match those filters."
            if filtered
            else "No problem attempts yet. Add one with: course problem add boj 1000"
        )
    else:
        make_console().print(attempts_table(attempts))


@problem_group.command("stats")
@click.option("--since", metavar="DATE", help=f"Count attempts on or after this day: {DAY_HELP}.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def stats_command(since: str | None, as_json: bool) -> None:
    """Solved per site and tag, median time, weak tags, streak and the review queue.

    A failed attempt (or one solved with a hint) is due again 1 day later; solving it
    without a hint on or after that day makes it due 3 days later, then 7; the clean solve
    of the 7-day review takes it off the queue. Another failure or hint starts over at 1.
    """
    today = context.today()
    start = parse_day(since, today) if since is not None else None
    with closing(context.open_store()) as db:
        stats = problem_stats(db, today, start=start)
    if as_json:
        click.echo(stats_json(stats))
    else:
        make_console().print(stats_view(stats))


COMMANDS: list[click.Command] = [problem_group]
