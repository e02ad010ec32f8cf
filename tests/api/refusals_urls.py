"""The portal's URLs and one view that refuses in each of the ways views and services
do, to see each refusal reach the client as JSON (tests/api/test_errors.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from nhri_portal.errors import Conflict, DomainError, NotPermitted
from nhri_portal.urls import handler404, handler500
from nhri_portal.urls import urlpatterns as portal

REFUSALS = {
    "missing": Http404,
    "forbidden": PermissionDenied,
    "refused": lambda: DomainError("The challenge window closed on 2030-04-17."),
    "not-permitted": lambda: NotPermitted("Only the secretariat records status decisions."),
    "conflict": lambda: Conflict("Someone else changed this review first."),
    "invalid": lambda: ValidationError({"reasons": ["Give your reasons."]}),
    "crash": lambda: ZeroDivisionError("a bug"),
}


class Refuses(APIView):
    permission_classes = [AllowAny]

    def get(self, request, what):
        raise REFUSALS[what]()


urlpatterns = [*portal, path("api/v1/refusals/<str:what>/", Refuses.as_view())]
__all__ = ["handler404", "handler500", "urlpatterns"]
