"""The session report as a PDF, in the SCA's usual form as the HTML report shows it.

The reader is the secretariat before publication (the full report: every case of the
session) and the public once the report is published (the published report). Neither
is the report as an SCA member or an observer reads it: those leave out the cases the
reader may not know of, so the PDF of the full report is for the secretariat alone
until it is published. The key names the session, whether published, and the day and
number of its recommendations (they are only ever added): a report that changed is a
new document, an unchanged one is shared.
"""

from __future__ import annotations

from django.db.models import Count, Max
from django.utils import translation

from reviews.decision_permissions import public_reviews
from reviews.models import DocumentKind, GeneratedDocument, Recommendation, Review, Session
from reviews.rendering import Progress, Rendered, renders
from reviews.rendering.pdf import template_to_pdf
from reviews.report import assemble

LANGUAGE = "en"  # the report's language


def report_key(session: Session) -> str:
    """``report:12:published:2030-03-15:4``: the identity of the report as it now stands."""
    latest = Recommendation.objects.filter(session=session).aggregate(
        count=Count("pk"), last=Max("recorded_at")
    )
    day = latest["last"].date().isoformat() if latest["last"] else "none"
    version = "published" if session.report_published_on is not None else "full"
    return f"report:{session.pk}:{version}:{day}:{latest['count']}"


def is_published(document: GeneratedDocument) -> bool:
    return document.key.split(":")[2:3] == ["published"]


@renders(DocumentKind.REPORT)
def render_report(document: GeneratedDocument, progress: Progress) -> Rendered:
    session = document.session
    if session is None:
        raise ValueError(f"Report {document.key} names no session.")
    published = is_published(document)
    with translation.override(LANGUAGE):
        progress(10, "Assembling the report")
        reviews = public_reviews(session) if published else Review.objects.all()
        report = assemble(session, reviews)
        progress(40, "Laying out the report")
        context = {"report": report, "published": published, "language": LANGUAGE}
        content, pages = template_to_pdf("pdf/report.html", context)
    version = "published" if published else "full"
    return Rendered(
        filename=f"sca-report-{session.starts_on:%Y-%m}-{version}.pdf", content=content, pages=pages
    )
