from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView

from reviews.api import views

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("reviews/<int:pk>/challenge/", views.ChallengeView.as_view(), name="challenge"),
]
