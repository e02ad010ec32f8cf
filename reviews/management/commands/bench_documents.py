"""How fast the documents are made, and in how much memory. Prints figures; asserts
nothing. Runs on the configured database (SQLite, or PostgreSQL with DATABASE_URL),
which must hold no session: it fills it with a generated session of its own.

    .venv/bin/python benchmarks/documents.py [--cases 20] [--repeat 5]

1. Letters: for each letter and language, the median of --repeat renders through the
   letters renderer, against a bare one-page WeasyPrint document of the same words.
2. Packet: the time and peak memory (the child process's maxrss) to build the full
   packet of a session of --cases cases of --pages dossier pages each, against a plain
   pypdf concatenation of the same files.
3. All the letters of a session (--letters) with one and with two worker processes.

Times of 1 and 2 are CPU times of the process doing the work, so that whatever else
runs on the machine does not skew the ratios (the wall time is printed beside 2); 3
is wall time, as it measures what a second worker brings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import multiprocessing
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.html import escape
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from institutions.enums import LANGUAGES, RegionCode, Role
from institutions.models import Institution
from institutions.services import create_user, upsert_region
from reviews.enums import DocumentSlot, ReviewKind, ReviewState
from reviews.models import (
    Document,
    DocumentKind,
    DocumentVersion,
    Dossier,
    GeneratedDocument,
    LetterKind,
    Review,
    Session,
)
from reviews.rendering import renderer_for
from reviews.rendering.letters import letter_context
from reviews.rendering.pdf import html_to_pdf
from reviews.services.letter_templates import current_template, render_text

DAY = dt.date(2030, 3, 15)
DOCUMENTS_PER_CASE = 4
BARE = """<!DOCTYPE html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm; }}
html {{ font-family: "Noto Sans", "Noto Naskh Arabic", "Noto Sans CJK SC", sans-serif; }}
</style></head><body><h1>{title}</h1>{body}</body></html>"""


def nothing(percent: int, note: str) -> None:
    pass


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    """The median CPU time of ``action`` in this process (ms): what it costs, whatever
    else the machine is doing at the time."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        action()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def letter_document(review: Review, kind: str, language: str) -> GeneratedDocument:
    return GeneratedDocument(
        kind=DocumentKind.CERTIFICATE if kind == LetterKind.CERTIFICATE else DocumentKind.LETTER,
        letter=kind,
        language=language,
        key=f"bench:{review.pk}:{kind}:{language}",
        review=review,
        institution=review.institution,
        template=current_template(kind, language),
        as_of=DAY,
    )


def bare(document: GeneratedDocument) -> bytes:
    """The same words as the letter (its subject and its text, as the letters renderer
    makes them) in a bare page, made as WeasyPrint makes it by default: no letterhead,
    no margin boxes, no stylesheet beyond the page size and the fonts. What the letter
    costs beyond this is the portal's: its context, its template, its layout."""
    review = document.review
    assert review is not None and document.template is not None
    with translation.override(document.language):
        context = letter_context(document.letter, review, DAY)
        letter = render_text(
            document.letter, document.template.subject, document.template.body, context
        )
    body = "".join(f"<p>{escape(part)}</p>" for part in letter.text.split("\n\n"))
    html = BARE.format(
        lang=document.language,
        dir="rtl" if document.language == "ar" else "ltr",
        title=escape(letter.subject),
        body=body,
    )
    return HTML(string=html).write_pdf()  # WeasyPrint's defaults: nothing of the portal's


def render_letter(spec: tuple[int, str, str]) -> int:
    review_pk, kind, language = spec
    review = Review.objects.select_related("institution", "session").get(pk=review_pk)
    rendered = renderer_for(DocumentKind.LETTER)(letter_document(review, kind, language), nothing)
    return len(rendered.content or b"")


def in_child(action: Callable[[], Any]) -> tuple[float, float, float, Any]:
    """Run ``action`` in a forked process: its CPU time and its wall time (s), the
    process's peak resident memory (MB) and what it returned. (No tracemalloc: tracing
    every allocation slows pure-Python pypdf several times and would distort the
    comparison.)"""
    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def run() -> None:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            result: Any = action()
        except Exception as error:  # reported, not raised: the benchmark goes on
            result = f"failed: {error!r}"
        cpu, wall = time.process_time() - cpu_started, time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sender.send((cpu, wall, rss, result))

    process = context.Process(target=run)
    process.start()
    outcome = receiver.recv()
    process.join()
    return outcome


class Command(BaseCommand):
    help = "Print how fast the letters, the packet and a session's letters are made."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=20, help="cases in the session")
        parser.add_argument("--pages", type=int, default=100, help="dossier pages per case")
        parser.add_argument("--repeat", type=int, default=5, help="renders per median")
        parser.add_argument("--letters", type=int, default=40, help="letters of the session")

    def handle(self, *args: Any, **options: Any) -> None:
        if Session.objects.exists():
            raise CommandError(
                "The database holds sessions: run the benchmark on a database of its own "
                "(benchmarks/documents.py makes one)."
            )
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            session, reviews, user = self.fill(options["cases"])
            self.letters(reviews[0], options["repeat"])
            self.packet(session, reviews, user, options["pages"], Path(media))
            self.session_letters(reviews, options["letters"])

    def fill(self, cases: int) -> tuple[Session, list[Review], Any]:
        now = timezone.now()
        region = upsert_region(code=RegionCode.EUROPE, network="European network")
        session = Session.objects.create(
            name="Benchmark session", number=9000, starts_on=DAY - dt.timedelta(4), ends_on=DAY
        )
        user = create_user(
            username="bench-secretariat",
            email="bench@example.org",
            password=None,
            roles=(Role.SECRETARIAT,),
            by=None,
        )
        reviews = [
            Review.objects.create(
                institution=Institution.objects.create(
                    name=f"Benchmark Commission {n + 1}",
                    acronym=f"BC{n}",
                    country="FR",
                    region=region,
                ),
                session=session,
                kind=ReviewKind.REACCREDITATION,
                state=ReviewState.AT_SESSION,
                created_at=now,
                state_changed_at=now,
            )
            for n in range(cases)
        ]
        return session, reviews, user

    def letters(self, review: Review, repeat: int) -> None:
        self.stdout.write(f"1. Letters: median CPU time of {repeat} renders (ms), bare page, ratio")
        render = renderer_for(DocumentKind.LETTER)
        for language, _name in LANGUAGES:
            for kind in LetterKind.values:
                document = letter_document(review, kind, language)
                bare_ms = median_ms(lambda document=document: bare(document), repeat)
                ms = median_ms(lambda document=document: render(document, nothing), repeat)
                self.stdout.write(
                    f"   {language:8} {kind:16} {ms:7.0f}  bare {bare_ms:6.0f}  "
                    f"ratio {ms / bare_ms:4.2f}"
                )

    def packet(
        self, session: Session, reviews: list[Review], user: Any, pages: int, media: Path
    ) -> None:
        total = pages * len(reviews)
        self.stdout.write(f"2. Packet: {len(reviews)} cases, {total} dossier pages")
        started = time.perf_counter()
        paths = self.dossiers(reviews, user, pages)
        self.stdout.write(f"   dossier files made in {time.perf_counter() - started:.1f} s")
        out = media / "concatenated.pdf"

        def concatenate() -> int:
            writer = PdfWriter()
            for path in paths:
                writer.append(str(path))
            writer.write(str(out))
            return len(writer.pages)

        seconds, wall, rss, pages_out = in_child(concatenate)
        self.stdout.write(
            f"   pypdf concatenation: {seconds:6.2f} s CPU ({wall:.2f} s wall), {pages_out} pages, "
            f"peak RSS {rss:.0f} MB"
        )
        try:
            build_packet = renderer_for(DocumentKind.PACKET)
        except KeyError:
            self.stdout.write("   packet: no packet renderer is registered yet")
            return
        document = GeneratedDocument.objects.create(
            kind=DocumentKind.PACKET,
            key=f"bench:packet:{session.pk}",
            language="en",
            session=session,
            recipient=user,
            requested_at=timezone.now(),
            as_of=DAY,
        )

        def build() -> int | None:
            rendered = build_packet(document, nothing)
            if rendered.path:
                Path(rendered.path).unlink(missing_ok=True)
            return rendered.pages

        packet_seconds, packet_wall, packet_rss, packet_pages = in_child(build)
        self.stdout.write(
            f"   packet:              {packet_seconds:6.2f} s CPU ({packet_wall:.2f} s wall), "
            f"{packet_pages} pages, peak RSS {packet_rss:.0f} MB"
        )
        self.stdout.write(
            f"   time ratio {packet_seconds / seconds:.2f} (target <= 1.3), "
            f"peak RSS {packet_rss:.0f} MB (target <= 500)"
        )

    def dossiers(self, reviews: list[Review], user: Any, pages: int) -> list[Path]:
        # A few distinct pages from WeasyPrint, then each document cut from them by pypdf:
        # real files of real text, made in seconds rather than minutes.
        source = PdfReader(io.BytesIO(html_to_pdf(self.source_html(min(pages, 10)))))
        now = timezone.now()
        paths = []
        for review in reviews:
            dossier = Dossier.objects.create(review=review)
            sizes = [pages // DOCUMENTS_PER_CASE] * DOCUMENTS_PER_CASE
            sizes[0] += pages - sum(sizes)
            for number, size in enumerate(s for s in sizes if s):
                writer = PdfWriter()
                for page in range(size):
                    writer.add_page(source.pages[page % len(source.pages)])
                buffer = io.BytesIO()
                writer.write(buffer)
                content = buffer.getvalue()
                document = Document.objects.create(
                    dossier=dossier,
                    slot=list(DocumentSlot)[number % len(DocumentSlot)],
                    title=f"Annex {number + 1}",
                    created_at=now,
                    created_by=user,
                )
                version = DocumentVersion(
                    document=document,
                    number=1,
                    original_name=f"annex-{number + 1}.pdf",
                    kind="pdf",
                    content_type="application/pdf",
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    page_count=size,
                    language="en",
                    uploaded_at=now,
                    uploaded_by=user,
                )
                version.file.save(version.original_name, ContentFile(content), save=True)
                paths.append(Path(version.file.path))
        return paths

    def source_html(self, pages: int) -> str:
        text = "The institution reports on its mandate, its members and its funding. " * 40
        body = "".join(
            f'<section style="break-after: page"><h1>Page {n + 1}</h1><p>{text}</p></section>'
            for n in range(pages)
        )
        return f'<!DOCTYPE html><html lang="en"><body>{body}</body></html>'

    def session_letters(self, reviews: list[Review], count: int) -> None:
        kinds = (LetterKind.INVITATION, LetterKind.RECOMMENDATION)
        specs = [
            (reviews[n % len(reviews)].pk, kinds[n % len(kinds)], LANGUAGES[n % len(LANGUAGES)][0])
            for n in range(count)
        ]
        self.stdout.write(f"3. All the letters of a session: {count} letters")
        for workers in (1, 2):
            connections.close_all()
            started = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                pool.map(render_letter, specs)
            seconds = time.perf_counter() - started
            self.stdout.write(f"   {workers} worker(s): {seconds:6.2f} s")
