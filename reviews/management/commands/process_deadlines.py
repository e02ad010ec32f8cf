import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.services.sweep import process_deadlines


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date written YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Apply the rules whose day has come: close windows, refer or adopt, lapse."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=str,
            default=None,
            help="Replay the sweep as of this day (YYYY-MM-DD); today by default.",
        )

    def handle(self, *args: object, **options: object) -> None:
        as_of = iso_date(str(options["as_of"])) if options["as_of"] else None
        report = process_deadlines(as_of=as_of)
        for line in report.actions:
            self.stdout.write(f"- {line}")
        for line in report.conflicts:
            self.stderr.write(f"! {line}")
        self.stdout.write(
            f"Deadline sweep as of {report.as_of}: {len(report.actions)} "
            f"change(s), {len(report.conflicts)} conflict(s)."
        )
