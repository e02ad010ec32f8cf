"""The dossier's task list, its check page, submission, acknowledgement and reopening."""

import re

import pytest
from django.urls import reverse

from institutions.enums import MembershipRole
from institutions.services import add_member
from reviews.enums import REQUIRED_SLOTS, DocumentSlot, ReviewState, Theme
from reviews.models import Dossier, ReviewEvent
from reviews.services.dossiers import reopen_dossier, save_answer
from tests.dossier import add, complete, pdf_upload, submit, url
from tests.factories import UserFactory
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db


def missing_count(client, review):
    page = text(client.get(url("check", review)))
    if "Nothing required is missing." in page:
        return 0
    return int(re.search(r"(\d+) things? (?:is|are) still missing", page).group(1))


def test_a_focal_point_completes_the_dossier_by_posts_and_submits_it(client, cast):
    client.force_login(cast.focal_point)
    seen = [missing_count(client, cast.review)]
    assert "Submit the dossier</button>" not in text(client.get(url("check", cast.review)))

    response = client.post(url("complaints", cast.review), {"handles_complaints": "no"})
    assert response["Location"] == url("dossier", cast.review)
    seen.append(missing_count(client, cast.review))
    for theme in Theme:
        if theme != Theme.COMPLAINTS:
            response = client.post(url("statement", cast.review, theme), {"text": f"On {theme}."})
            assert response["Location"] == url("dossier", cast.review)
    seen.append(missing_count(client, cast.review))
    for slot in REQUIRED_SLOTS:
        response = client.post(
            url("upload", cast.review, slot),
            {"file": pdf_upload(f"{slot}.pdf"), "language": "fr", "title": ""},
        )
        assert response["Location"] == url("documents", cast.review, slot)
        seen.append(missing_count(client, cast.review))
    assert seen == [11, 10, 4, 3, 2, 1, 0]

    page = text(client.get(url("dossier", cast.review)))
    assert "10 of 10 required parts complete." in page
    check = text(client.get(url("check", cast.review)))
    assert "Submit the dossier</button>" in check
    assert "On pluralism." in check
    response = client.post(url("submit", cast.review))
    assert response["Location"] == url("submitted", cast.review)
    acknowledgement = text(client.get(response["Location"]))
    assert f"2030-03/NZ/{cast.review.pk}" in acknowledgement
    assert "What happens next" in acknowledgement
    assert "Submitted on <time" in acknowledgement
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.SUBMITTED


def test_a_double_click_on_submit_submits_once_and_both_end_on_the_acknowledgement(client, cast):
    complete(cast.review, cast.focal_point)
    client.force_login(cast.focal_point)
    first = client.post(url("submit", cast.review))
    second = client.post(url("submit", cast.review))
    assert first["Location"] == second["Location"] == url("submitted", cast.review)
    assert ReviewEvent.objects.filter(to_state=ReviewState.SUBMITTED).count() == 1
    assert "Dossier submitted" in text(client.get(second["Location"]))


def test_submitting_with_parts_missing_says_what_is_missing_and_changes_nothing(client, cast):
    client.force_login(cast.focal_point)
    response = client.post(url("submit", cast.review))
    assert response.status_code == 400
    page = text(response)
    assert "The dossier was not submitted" in page
    assert "The dossier cannot be submitted yet. Missing: Whether the institution handles" in page
    assert "11 things are still missing" in page
    assert not ReviewEvent.objects.filter(to_state=ReviewState.SUBMITTED).exists()


def test_the_missing_list_links_to_where_each_part_is_fixed(client, cast):
    client.force_login(cast.focal_point)
    page = text(client.get(url("check", cast.review)))
    assert f'href="{url("dossier", cast.review)}#complaints"' in page
    assert f'href="{url("statement", cast.review, Theme.FUNDING)}"' in page
    assert f'href="{url("documents", cast.review, DocumentSlot.BUDGET)}"' in page


def test_an_institution_that_handles_complaints_must_answer_on_them(client, cast):
    complete(cast.review, cast.focal_point)
    client.force_login(cast.focal_point)
    client.post(url("complaints", cast.review), {"handles_complaints": "yes"})
    assert Dossier.objects.get(review=cast.review).handles_complaints is True
    assert missing_count(client, cast.review) == 1
    assert f'href="{url("statement", cast.review, Theme.COMPLAINTS)}"' in text(
        client.get(url("check", cast.review))
    )


def test_the_complaints_question_needs_an_answer(client, cast):
    client.force_login(cast.focal_point)
    response = client.post(url("complaints", cast.review), {})
    assert response.status_code == 400
    assert "Say whether the institution handles complaints." in text(response)
    assert Dossier.objects.get(review=cast.review).handles_complaints is None


def test_the_task_list_shows_the_review_its_parts_and_who_changed_them(client, cast):
    colleague = UserFactory(username="colleague", first_name="Aïcha", last_name="Benali")
    add_member(user=colleague, institution=cast.home, role=MembershipRole.FOCAL_POINT, by=None)
    save_answer(review=cast.review, theme=Theme.PLURALISM, text="Plural.", by=colleague)
    save_answer(review=cast.review, theme=Theme.FUNDING, text="  ", by=cast.focal_point)
    add(cast.review, cast.focal_point, slot=DocumentSlot.BUDGET)
    page = text(visit(client, cast.focal_point, url("dossier", cast.review)))
    assert f"2030-03/NZ/{cast.review.pk}" in page
    assert "Re-accreditation" in page and "Session March 2030" in page
    assert "Dossier in progress" in page
    assert "<summary>" in page and "Dossier due" in page  # deadlines explain themselves
    items = re.findall(r'<li class="task-list__item">(.*?)</li>', page, re.S)
    assert len(items) == len(Theme) + len(DocumentSlot)
    by_label = {re.search(r">([^<]+)</a>", item).group(1): item for item in items}
    assert "Complete" in by_label["Pluralism"]
    assert "Last changed by <bdi>Aïcha Benali</bdi>" in by_label["Pluralism"]
    assert "In progress" in by_label["Funding and staff"]
    assert "Not started" in by_label["Methods of operation"]
    assert "Complete" in by_label["Budget"]
    assert "Last changed by <bdi>focal</bdi>" in by_label["Budget"]
    assert "Required" in by_label["Budget"] and "Optional" in by_label["Strategic plan"]
    assert "2 of 10 required parts complete." in page


def test_the_task_list_says_when_the_dossier_was_submitted_and_by_whom(client, cast):
    submit(cast.review, cast.focal_point)
    page = text(visit(client, cast.focal_point, url("dossier", cast.review)))
    assert "Submitted on <time" in page
    assert "by <bdi>focal</bdi>. It can no longer be changed." in page
    assert 'name="handles_complaints"' not in page


def test_the_secretariat_reopens_with_a_reason_the_focal_point_then_reads(client, cast):
    submit(cast.review, cast.focal_point)
    page = text(visit(client, cast.secretariat, url("dossier", cast.review)))
    assert "Reopen the dossier</button>" in page
    assert "Reopen the dossier</button>" not in text(
        visit(client, cast.focal_point, url("dossier", cast.review))
    )
    client.force_login(cast.secretariat)
    response = client.post(url("reopen", cast.review), {"reason": "The budget is of 2005."})
    assert response["Location"] == url("dossier", cast.review)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.DOSSIER
    page = text(visit(client, cast.focal_point, url("dossier", cast.review)))
    assert "The secretariat reopened the dossier" in page
    assert "The budget is of 2005." in page
    assert 'name="handles_complaints"' in page  # open to changes again


def test_reopening_without_a_reason_is_refused_and_keeps_the_page(client, cast):
    submit(cast.review, cast.focal_point)
    client.force_login(cast.secretariat)
    response = client.post(url("reopen", cast.review), {"reason": "   "})
    assert response.status_code == 400
    assert "Say what must be corrected; the institution will see it." in text(response)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.SUBMITTED


def test_a_dossier_reopened_earlier_shows_only_while_it_is_open(client, cast):
    submit(cast.review, cast.focal_point)
    reopen_dossier(review=cast.review, reason="Fix the chart.", by=cast.secretariat)
    cast.review.refresh_from_db()
    client.force_login(cast.focal_point)
    client.post(url("submit", cast.review))
    page = text(client.get(url("dossier", cast.review)))
    assert "Fix the chart." not in page


def test_the_home_page_links_each_review_of_a_focal_point_to_its_dossier(client, cast):
    page = text(visit(client, cast.focal_point, reverse("home")))
    assert f'href="{url("dossier", cast.review)}">Work on the dossier' in page


def test_an_unknown_theme_or_slot_is_not_found(client, cast):
    client.force_login(cast.focal_point)
    assert client.get(url("statement", cast.review, "secrets")).status_code == 404
    assert client.get(url("documents", cast.review, "passwords")).status_code == 404


def test_the_pages_load_htmx_from_a_file_and_the_policy_allows_no_inline_script(client, cast):
    response = visit(client, cast.focal_point, url("statement", cast.review, Theme.PLURALISM))
    page = text(response)
    assert '<script src="/static/js/htmx.min.js" defer></script>' in page
    assert '"allowEval":false' in page and '"includeIndicatorStyles":false' in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert " style=" not in page and "<style" not in page
    assert "hx-on" not in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy


def test_the_task_list_costs_the_same_queries_with_one_or_six_documents(client, cast):
    add(cast.review, cast.focal_point)
    client.force_login(cast.focal_point)
    small = queries_for(client, url("dossier", cast.review))
    for slot in list(DocumentSlot)[1:6]:
        version = add(cast.review, cast.focal_point, slot=slot)
        add(cast.review, cast.focal_point, slot=slot, replaces=version.document)
    for theme in Theme:
        save_answer(review=cast.review, theme=theme, text="Text.", by=cast.focal_point)
    assert queries_for(client, url("dossier", cast.review)) == small


def test_the_check_page_costs_the_same_queries_with_one_or_six_documents(client, cast):
    add(cast.review, cast.focal_point)
    client.force_login(cast.focal_point)
    small = queries_for(client, url("check", cast.review))
    for slot in list(DocumentSlot)[1:6]:
        add(cast.review, cast.focal_point, slot=slot)
    for theme in Theme:
        save_answer(review=cast.review, theme=theme, text="Text.", by=cast.focal_point)
    assert queries_for(client, url("check", cast.review)) == small


def test_every_dossier_page_has_one_h1_and_no_inline_script_or_style(client, cast):
    version = submit(cast.review, cast.focal_point)
    client.force_login(cast.focal_point)
    acknowledgement = text(client.get(url("submitted", cast.review)))
    reopen_dossier(review=cast.review, reason="Fix.", by=cast.secretariat)
    pages = [
        url("dossier", cast.review),
        url("statement", cast.review, Theme.PLURALISM),
        url("documents", cast.review, DocumentSlot.FOUNDING_LAW),
        url("check", cast.review),
    ]
    for address, page in [(url("submitted", cast.review), acknowledgement)] + [
        (address, text(client.get(address))) for address in pages
    ]:
        assert page.count("<h1") == 1, address
        assert '<main id="main"' in page and '<nav aria-label="Breadcrumb">' in page, address
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None, address
        assert not re.search(r"\sstyle=", page) and "<style" not in page, address
    assert version.document.versions.count() == 1
