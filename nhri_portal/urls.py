from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from accreditation import api_urls as accreditation_api_urls
from accreditation.urls import institution_urlpatterns
from nhri_portal import api_docs, tokens
from reviews.api import publication
from reviews.urls import root_urlpatterns

admin.site.site_header = _("NHRI Accreditation Portal")
admin.site.site_title = _("NHRI Accreditation Portal")
admin.site.index_title = _("Records of the accreditation")

# The API's public data, for anyone without a token (accreditation/api.py and the
# published reports of reviews/api/publication.py).
public_api_urlpatterns: list[URLPattern | URLResolver] = [
    *accreditation_api_urls.urlpatterns,
    path("reports/", publication.PublishedReportList.as_view(), name="reports"),
    path("reports/<int:pk>/", publication.PublishedReport.as_view(), name="report"),
]

api_docs_urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs.docs, name="docs"),
]

token_urlpatterns: list[URLPattern | URLResolver] = [
    path("", tokens.api_token, name="page"),
    path("make/", tokens.make, name="make"),
    path("revoke/", tokens.revoke, name="revoke"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(root_urlpatterns)),
    path("", include("reviews.urls")),
    path("", include("accreditation.urls")),
    # The institutions app has no pages of its own: the register shows accreditation
    # status, so accreditation serves it under the "institutions" namespace.
    path("", include((institution_urlpatterns, "institutions"))),
    path("accounts/", include("allauth.urls")),
    # Not under accounts/, which a privileged role may reach without its second factor.
    path("account/api-token/", include((token_urlpatterns, "tokens"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include((api_docs_urlpatterns, "api_docs"))),
    path("api/v1/", include((public_api_urlpatterns, "public_api"))),
    path("api/v1/", include(([path("me/", tokens.Me.as_view(), name="me")], "account_api"))),
    path("api/v1/", include("reviews.api.urls")),
]

# Under /api/, a path no view answers and a crash are JSON too.
handler404 = "nhri_portal.api.page_not_found"
handler500 = "nhri_portal.api.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
