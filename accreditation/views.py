"""The public pages of the accreditation: the register of institutions and the status chart.

The register's pages keep the ``institutions`` URL namespace but live here: they show
status, and imports run accreditation → institutions, never back.
"""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language_info
from django.views.decorators.http import require_safe

from accreditation.chart import Chart, chart_as_dict, chart_on, register_on
from accreditation.forms import ChartDayForm, DirectoryFilterForm
from accreditation.history import history_until
from accreditation.status import fold
from accreditation.timeline import timeline_of
from institutions.models import Institution
from nhri_portal import clock

CSV_HEADER = ("region", "country", "institution", "grade", "suspended", "since", "as_of")
# A cell starting with one of these is a formula to a spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@")
DIRECTORY_PAGE_SIZE = 50


@require_safe
def chart(request: HttpRequest) -> HttpResponse:
    form = ChartDayForm(request.GET)
    if not form.is_valid():
        context = {"errors": form.errors["as_of"], "today": clock.today()}
        return render(request, "accreditation/status/chart_bad_day.html", context, status=400)
    day = form.cleaned_data["as_of"] or clock.today()
    return render(request, "accreditation/status/chart.html", {"chart": chart_on(day)})


@require_safe
def chart_csv(request: HttpRequest) -> HttpResponse:
    form = ChartDayForm(request.GET)
    if not form.is_valid():
        message = " ".join(str(error) for error in form.errors["as_of"])
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    day = form.cleaned_data["as_of"] or clock.today()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="status-chart-{day.isoformat()}.csv"'
    write_chart_csv(chart_on(day), response)
    return response


@require_safe
def chart_json(request: HttpRequest) -> HttpResponse:
    """The chart as JSON: the same day parsing and the same rows and counts as the page."""
    form = ChartDayForm(request.GET)
    if not form.is_valid():
        message = " ".join(str(error) for error in form.errors["as_of"])
        return JsonResponse(
            {"error": message}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    day = form.cleaned_data["as_of"] or clock.today()
    return JsonResponse(chart_as_dict(chart_on(day)), json_dumps_params={"ensure_ascii": False})


@require_safe
def chart_history(request: HttpRequest) -> HttpResponse:
    """The number of accredited institutions per region at every year end, as a picture
    drawn on the server and the same numbers as a table."""
    history = history_until(clock.today())
    return render(request, "accreditation/status/history.html", {"history": history})


def write_chart_csv(chart: Chart, out: HttpResponse) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in chart.rows:
        status, institution = row.status, row.institution
        writer.writerow(
            [
                str(institution.region),
                row.country_name,
                _cell(institution.name),
                status.grade.value,
                "yes" if status.suspended else "no",
                status.since.isoformat() if status.since else "",
                chart.day.isoformat(),
            ]
        )


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET)
    filters = form.filters()
    today = clock.today()
    rows = register_on(
        today, region=filters.get("region"), grade=filters.get("grade"), kind=filters.get("kind")
    )
    page = Paginator(rows, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "problems": form.problems(),
        "filtered": bool(filters),
        "count": len(rows),
        "page": page,
        "rows": page.object_list,
        "today": today,
    }
    return render(request, "accreditation/institution/directory.html", context)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(
        Institution.objects.select_related("region", "predecessor"), pk=pk
    )
    today = clock.today()
    records = list(institution.status_records.all())
    status = fold(records, today)
    context = {
        "institution": institution,
        "other_names": _other_names(institution),
        "successors": list(institution.successors.all()),
        "status": status,
        "next_reaccreditation": status.next_reaccreditation,
        "records": records,
        "timeline": timeline_of(institution, records, today),
        "today": today,
    }
    return render(request, "accreditation/institution/detail.html", context)


def _other_names(institution: Institution) -> list[tuple[str, str]]:
    names = institution.other_names if isinstance(institution.other_names, dict) else {}
    return [(_language_name(code), str(name)) for code, name in sorted(names.items())]


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
