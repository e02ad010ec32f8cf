from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from accreditation.urls import institution_urlpatterns
from reviews.urls import root_urlpatterns

admin.site.site_header = _("NHRI Accreditation Portal")
admin.site.site_title = _("NHRI Accreditation Portal")
admin.site.index_title = _("Records of the accreditation")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(root_urlpatterns)),
    path("", include("reviews.urls")),
    path("", include("accreditation.urls")),
    # The institutions app has no pages of its own: the register shows accreditation
    # status, so accreditation serves it under the "institutions" namespace.
    path("", include((institution_urlpatterns, "institutions"))),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("reviews.api.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
