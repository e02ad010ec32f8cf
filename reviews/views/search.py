"""Precedent search: every published recommendation paragraph, for anyone; staff also
find the unpublished ones they may read (reviews/search.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from institutions.models import Institution
from reviews.forms.search import PrecedentSearchForm
from reviews.search import findable_paragraphs, hits, search_paragraphs

PER_PAGE = 20


@require_safe
def precedents(request: HttpRequest) -> HttpResponse:
    user = request.user
    institutions = Institution.objects.filter(
        pk__in=findable_paragraphs(user).values("recommendation__review__institution_id")
    )
    form = PrecedentSearchForm(request.GET, institutions=institutions)
    query, filters = form.query_and_filters()
    page = Paginator(search_paragraphs(user, query, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "problems": form.problems(),
        "query": query,
        "searched": any(request.GET.get(name) for name in form.fields),
        "page": page,
        "hits": hits(user, page.object_list, query),
    }
    return render(request, "reviews/search/precedents.html", context)
