"""The report of a session, for those who attend it: each reads the sections of the
cases they may know of."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reviews.permissions import visible_reviews
from reviews.report import assemble
from reviews.views.room import load_session
from reviews.views.signed_in import SignedInRequest


@login_required
@require_safe
def report(request: SignedInRequest, pk: int) -> HttpResponse:
    session = load_session(request.user, pk)
    context = {"report": assemble(session, visible_reviews(request.user))}
    return render(request, "reviews/report/report.html", context)
