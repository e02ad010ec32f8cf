from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from nhri_portal import clock
from reviews.dashboard import home_for


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What the portal is, to a visitor; what each of their roles can do next, to a user."""
    return render(
        request, "reviews/review/home.html", {"home": home_for(request.user, clock.today())}
    )
