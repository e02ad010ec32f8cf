from django.urls import URLPattern, URLResolver, path

from reviews import views

app_name = "reviews"
urlpatterns: list[URLPattern | URLResolver] = []

# The front page keeps a name without a namespace: the sign-in and sign-out
# redirects (LOGIN_REDIRECT_URL, ACCOUNT_LOGOUT_REDIRECT_URL) name it "home".
root_urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
]
