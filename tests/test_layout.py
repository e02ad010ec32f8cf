"""The base layout (templates/base.html) that every page, allauth's included, is drawn in."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from tests.factories import InstitutionFactory
from tests.pages import text, visit

PAGES = [
    "/",
    "/institutions/",
    "/status-chart/?as_of=2025-01-01",
    "/status-chart/?as_of=yesterday",
    "/accounts/login/",
    "/accounts/signup/",
    "/reports/",
]


@pytest.fixture
def pages(cast):
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=cast.session.starts_on, note="", by=None
    )
    return [*PAGES, reverse("institutions:detail", args=[cast.home.pk])]


@pytest.mark.parametrize("member", ["secretariat", "focal_point", "anonymous"])
def test_every_page_has_one_h1_landmarks_a_skip_link_and_no_inline_script_or_style(
    client, cast, pages, member
):
    for url in pages:  # signed in, allauth's pages lead home
        page = text(visit(client, cast.members()[member], url, follow=True))
        assert page.count("<h1") == 1, url
        assert '<a class="skip-link" href="#main">' in page, url
        assert '<main id="main"' in page and "<header" in page and "<footer" in page, url
        assert '<nav class="site-nav" aria-label="Main">' in page, url
        # Scripts only as files of our own (htmx): never inline.
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S)
        assert scripts == [""] * page.count("<script"), url
        assert re.findall(r'<script src="([^"]+)"', page) == ["/static/js/htmx.min.js"], url
        assert not re.search(r"\sstyle=", page), url
        assert "<style" not in page, url


def test_the_navigation_follows_the_role(client, cast):
    anonymous = text(visit(client, None, "/"))
    assert 'href="/accounts/login/"' in anonymous and "Sign out" not in anonymous
    assert 'href="/admin/"' not in anonymous
    secretariat = text(visit(client, cast.secretariat, "/"))
    assert 'href="/admin/"' in secretariat
    assert '<form class="inline-form" method="post" action="/accounts/logout/">' in secretariat
    focal = text(visit(client, cast.focal_point, "/"))
    assert 'href="/admin/"' not in focal and "Sign out" in focal
    for link in ('href="/institutions/"', 'href="/status-chart/"', 'href="/reports/"'):
        assert link in anonymous and link in focal
    assert 'href="/mail/"' in focal and 'href="/mail/"' not in anonymous
    assert 'href="/outbox/"' in secretariat and 'href="/outbox/"' not in focal
    bureau = text(visit(client, cast.bureau_member, "/"))
    assert 'href="/bureau/"' in bureau and 'href="/bureau/"' in secretariat
    assert 'href="/bureau/"' not in focal and 'href="/outbox/"' not in bureau
    assert 'href="/api/docs/"' in anonymous and 'href="/api/docs/"' in focal
    assert 'href="/account/api-token/"' in focal and 'href="/account/api-token/"' not in anonymous


def test_the_language_switcher_posts_to_set_language_and_offers_the_six_languages(client, db):
    page = text(client.get("/status-chart/"))
    assert '<form class="language-switcher" method="post" action="/i18n/setlang/">' in page
    assert '<label for="language-select">' in page
    offered = re.findall(r'<option value="([^"]+)" lang=', page)
    assert offered == [code for code, _name in settings.LANGUAGES]
    assert '<input type="hidden" name="next" value="/status-chart/">' in page


def test_choosing_arabic_draws_the_pages_right_to_left(client, db):
    assert '<html lang="en" dir="ltr">' in text(client.get("/"))
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.status_code == 302
    page = text(client.get("/"))
    assert '<html lang="ar" dir="rtl">' in page


@pytest.mark.parametrize("language", ["fr", "es", "zh-hans", "ru"])
def test_the_other_languages_are_drawn_left_to_right(client, db, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert f'<html lang="{language}" dir="ltr">' in text(client.get("/"))


def test_signing_in_uses_the_portal_layout_and_sign_up_is_closed(client, db):
    login = text(client.get("/accounts/login/"))
    assert "NHRI Accreditation Portal" in login
    assert "Accounts are created by the secretariat" in login
    assert "/accounts/signup/" not in login
    assert '<label for="id_login">' in login and '<label for="id_password">' in login
    signup = client.get("/accounts/signup/")
    assert "Sign Up Closed" in text(signup)
    assert 'class="site-header"' in text(signup)


def test_signing_in_leads_home(client, cast):
    cast.focal_point.set_password("a-long-test-password")
    cast.focal_point.save()
    response = client.post(
        "/accounts/login/", {"login": "focal", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


TRANSLATED = {
    "fr": ("Tableau des statuts", "Synthèse par région", "Pays ou territoire", "Aller au contenu"),
    "es": ("Cuadro de estatus", "Resumen por región", "País o territorio", "Saltar al contenido"),
    "ar": ("جدول المركز", "ملخص حسب المنطقة", "البلد أو الإقليم", "انتقل إلى المحتوى"),
    "zh-hans": ("地位一览表", "按区域汇总", "国家或地区", "跳到主要内容"),
    "ru": (
        "Таблица статусов",
        "Сводка по регионам",
        "Страна или территория",
        "Перейти к основному",
    ),
}


@pytest.mark.parametrize("language", list(TRANSLATED))
def test_the_layout_and_the_chart_are_translated(client, db, language):
    record_prior_status(
        institution=InstitutionFactory(),
        grade=Grade.A,
        held_on=dt.date(2020, 1, 1),
        note="",
        by=None,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = text(client.get("/status-chart/?as_of=2025-01-01"))
    for words in TRANSLATED[language]:
        assert words in page, words


def test_the_arabic_home_page_is_right_to_left_and_in_arabic(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = text(client.get("/"))
    assert '<html lang="ar" dir="rtl">' in page
    assert "بوابة اعتماد المؤسسات الوطنية لحقوق الإنسان" in page
    assert "اعتماد المؤسسات الوطنية لحقوق الإنسان</h1>" in page


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "31 July 2007"),
        ("fr", "31 juillet 2007"),
        ("ru", "31 июля 2007"),
        ("zh-hans", "2007年7月31日"),
        ("es", "31 de julio de 2007"),
    ],
)
def test_days_are_written_as_the_readers_language_writes_them(client, db, language, written):
    from django.urls import reverse

    page = client.get(
        reverse("accreditation:chart"), {"as_of": "2007-07-31"}, HTTP_ACCEPT_LANGUAGE=language
    )
    text = page.content.decode()
    assert f'<time datetime="2007-07-31">{written}' in text


def test_moments_in_arabic_put_the_day_first():
    import datetime as dt

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("ar"):
        written = date_format(dt.datetime(2026, 11, 28, 9, 5), "DATETIME_FORMAT")
    assert written.startswith("28 ")
    assert written.endswith("09:05")
