"""The public accreditation data in the API (accreditation/api.py), mounted under /api/v1/
in the ``public_api`` namespace with the published reports (nhri_portal/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from accreditation import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("institutions/", api.InstitutionList.as_view(), name="institutions"),
    path("institutions/<int:pk>/", api.InstitutionDetail.as_view(), name="institution"),
    path("status/", api.StatusChart.as_view(), name="status"),
]
