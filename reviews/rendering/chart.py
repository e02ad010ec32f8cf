"""The status chart as a PDF: the chart of one day (``document.as_of``) in the
document's language, by region with its legend, as the chart page shows it."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from accreditation.chart import chart_on
from accreditation.enums import Grade
from reviews.models import DocumentKind, GeneratedDocument
from reviews.rendering import Progress, Rendered, renders
from reviews.rendering.pdf import template_to_pdf

# The grades the legend explains, in the chart's order.
LEGEND = (Grade.A, Grade.B, Grade.C, Grade.A_RESERVE)


@renders(DocumentKind.CHART)
def render_chart(document: GeneratedDocument, progress: Progress) -> Rendered:
    if document.as_of is None:
        raise ValueError("A chart document needs the day it shows (as_of).")
    with translation.override(document.language):
        progress(10, _("Reading the status of every institution"))
        chart = chart_on(document.as_of)
        progress(40, _("Laying out the chart"))
        context = {"chart": chart, "grades": LEGEND, "language": document.language}
        content, pages = template_to_pdf("pdf/chart.html", context)
    filename = f"status-chart-{document.as_of.isoformat()}-{document.language}.pdf"
    return Rendered(filename=filename, content=content, pages=pages)
