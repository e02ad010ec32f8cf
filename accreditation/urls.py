from django.urls import URLPattern, URLResolver, path

from accreditation import views

app_name = "accreditation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("status-chart/", views.chart, name="chart"),
    path("status-chart.csv", views.chart_csv, name="chart_csv"),
    path("status-chart.json", views.chart_json, name="chart_json"),
    path("status-chart/history/", views.chart_history, name="chart_history"),
]

# The public register of institutions, under the "institutions" namespace (see
# nhri_portal/urls.py): it shows status, so it is served from here.
institution_urlpatterns: list[URLPattern | URLResolver] = [
    path("institutions/", views.directory, name="directory"),
    path("institutions/<int:pk>/", views.detail, name="detail"),
]
