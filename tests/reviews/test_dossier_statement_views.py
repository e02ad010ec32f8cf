"""A theme of the Statement of Compliance: saving, autosaving and citing documents."""

import re

import pytest

from reviews.enums import DocumentSlot, Theme
from reviews.forms import ANSWER_MAX_CHARS
from reviews.models import ComplianceAnswer, Evidence
from reviews.services.dossiers import save_answer
from tests.dossier import add, url
from tests.pages import text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def stored(theme=Theme.PLURALISM):
    answer = ComplianceAnswer.objects.filter(theme=theme).first()
    return answer.text if answer else None


@pytest.fixture
def focal(client, cast):
    client.force_login(cast.focal_point)
    return cast


def test_the_page_shows_the_standards_the_theme_answers_to(client, focal):
    page = text(client.get(url("statement", focal.review, Theme.INDEPENDENCE)))
    assert "<h1>Independence: selection, appointment, tenure, immunity</h1>" in page
    assert "<dt>B.3</dt>" in page and "appointed by an official act" in page
    assert "<dt>2.1</dt>" in page and "Guarantee of tenure" in page
    assert "<dt>1.7</dt>" not in page  # pluralism's
    assert '<label for="id_text">Your answer</label>' in page
    assert 'aria-describedby="id_text_helptext autosave-status"' in page


def test_saving_an_answer_returns_to_the_task_list_with_a_message(client, focal):
    response = client.post(
        url("statement", focal.review, Theme.PLURALISM), {"text": "Eleven members."}, follow=True
    )
    assert response.redirect_chain == [(url("dossier", focal.review), 302)]
    assert "Your answer on “Pluralism” was saved." in text(response)
    assert stored() == "Eleven members."


def test_a_too_long_answer_is_refused_and_the_typed_text_comes_back(client, focal):
    typed = "Our <members> & staff. " * (ANSWER_MAX_CHARS // 20)
    response = client.post(url("statement", focal.review, Theme.PLURALISM), {"text": typed})
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert f"An answer can have at most {ANSWER_MAX_CHARS} characters" in page
    assert "Our &lt;members&gt; &amp; staff. Our &lt;members&gt;" in page
    assert page.count("Our &lt;members&gt; &amp; staff.") == ANSWER_MAX_CHARS // 20
    assert stored() is None


def test_autosave_answers_htmx_with_the_status_and_stores_the_draft(client, focal):
    response = client.post(
        url("statement_autosave", focal.review, Theme.PLURALISM), {"text": "Draft."}, **HTMX
    )
    assert response.status_code == 200
    page = text(response)
    assert page.startswith("Saved at <time datetime=")
    assert "<html" not in page
    assert stored() == "Draft."
    response = client.post(
        url("statement_autosave", focal.review, Theme.PLURALISM), {"text": "Draft 2."}, **HTMX
    )
    assert stored() == "Draft 2."
    answer = ComplianceAnswer.objects.get(theme=Theme.PLURALISM)
    assert answer.history.count() == 2  # every autosave is kept


def test_an_autosave_without_htmx_is_a_plain_save(client, focal):
    response = client.post(
        url("statement_autosave", focal.review, Theme.PLURALISM), {"text": "No script."}
    )
    assert response["Location"] == url("dossier", focal.review)
    assert stored() == "No script."


def test_a_refused_autosave_says_so_in_the_status_region(client, focal):
    response = client.post(
        url("statement_autosave", focal.review, Theme.PLURALISM),
        {"text": "x" * (ANSWER_MAX_CHARS + 1)},
        **HTMX,
    )
    assert response.status_code == 400
    assert text(response).startswith('<span class="autosave-status__problem">Not saved: ')
    assert stored() is None


def test_the_page_wires_the_textarea_for_autosave_into_a_polite_status_region(client, focal):
    save_answer(review=focal.review, theme=Theme.PLURALISM, text="Kept.", by=focal.focal_point)
    page = text(client.get(url("statement", focal.review, Theme.PLURALISM)))
    autosave = url("statement_autosave", focal.review, Theme.PLURALISM)
    assert f'hx-post="{autosave}"' in page
    assert 'hx-trigger="input changed delay:1500ms, blur"' in page
    assert 'hx-target="#autosave-status"' in page
    assert 'id="autosave-status" class="autosave-status" role="status" aria-live="polite"' in page
    assert ">Kept.</textarea>" in page
    assert "Last saved by <bdi>focal</bdi> on <time" in page


def test_an_answer_cites_pages_of_a_document_of_the_dossier(client, focal):
    version = add(focal.review, focal.focal_point, slot=DocumentSlot.BUDGET, name="budget.pdf")
    save_answer(review=focal.review, theme=Theme.FUNDING, text="See budget.", by=focal.focal_point)
    address = url("cite", focal.review, Theme.FUNDING)
    response = client.post(address, {"document": version.document_id, "pages": "3, 7-9"})
    assert response["Location"] == url("statement", focal.review, Theme.FUNDING)
    page = text(client.get(response["Location"]))
    assert "Budget: budget.pdf</a>, pages 3, 7-9" in page
    again = client.post(address, {"document": version.document_id, "pages": "3, 7-9"}, follow=True)
    assert "These pages were already linked to your answer." in text(again)
    assert Evidence.objects.count() == 1


def test_bad_pages_are_refused_with_the_rule_and_the_typed_pages_kept(client, focal):
    version = add(focal.review, focal.focal_point)
    save_answer(review=focal.review, theme=Theme.FUNDING, text="See law.", by=focal.focal_point)
    response = client.post(
        url("cite", focal.review, Theme.FUNDING), {"document": version.document_id, "pages": "3-x"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Write pages as numbers and ranges, e.g. “3, 7-9”." in page
    assert 'value="3-x"' in page
    assert Evidence.objects.count() == 0


def test_a_document_of_another_dossier_cannot_be_cited(client, focal):
    from tests.procedure import open_review

    theirs = add(open_review(focal.other, focal.session), focal.other_focal_point)
    save_answer(review=focal.review, theme=Theme.FUNDING, text="x", by=focal.focal_point)
    response = client.post(
        url("cite", focal.review, Theme.FUNDING), {"document": theirs.document_id, "pages": ""}
    )
    assert response.status_code == 400
    assert "Choose one of the documents of this dossier." in text(response)
    assert Evidence.objects.count() == 0


def test_citing_before_the_answer_is_saved_says_to_save_it_first(client, focal):
    version = add(focal.review, focal.focal_point)
    response = client.post(
        url("cite", focal.review, Theme.FUNDING), {"document": version.document_id, "pages": "1"}
    )
    assert response.status_code == 400
    assert "Save your answer first, then link it to pages of documents." in text(response)


def test_the_documents_to_cite_come_in_the_order_of_the_task_list(client, focal):
    add(focal.review, focal.focal_point, slot=DocumentSlot.OTHER, name="annex.pdf")
    add(focal.review, focal.focal_point, slot=DocumentSlot.ANNUAL_REPORT, name="report.pdf")
    add(focal.review, focal.focal_point, slot=DocumentSlot.FOUNDING_LAW, name="law.pdf")
    save_answer(review=focal.review, theme=Theme.FUNDING, text="x", by=focal.focal_point)
    page = text(client.get(url("statement", focal.review, Theme.FUNDING)))
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page)
    assert options == [
        "Founding law or constitutional text: law.pdf",
        "Latest published annual report: report.pdf",
        "Other document: annex.pdf",
    ]


def test_the_statement_page_shows_who_saved_which_version(client, cast):
    from institutions.enums import MembershipRole
    from institutions.services import add_member
    from tests.factories import UserFactory

    colleague = UserFactory(username="colleague", first_name="Chloé", last_name="Colleague")
    add_member(user=colleague, institution=cast.home, role=MembershipRole.FOCAL_POINT, by=None)
    save_answer(
        review=cast.review, theme=Theme.PLURALISM, text="Our first draft.", by=cast.focal_point
    )
    save_answer(review=cast.review, theme=Theme.PLURALISM, text="Chloé's rewrite.", by=colleague)
    client.force_login(cast.focal_point)
    page = client.get(url("statement", cast.review, Theme.PLURALISM))
    content = page.content.decode()
    assert "The last 2 saved versions and who saved them" in content
    assert content.index("Chloé&#x27;s rewrite.") < content.index("Our first draft.")
    assert "Chloé Colleague" in content


def test_a_wrong_citation_can_be_removed_by_the_institution_only(client, cast):
    from reviews.services.dossiers import cite

    version = add(cast.review, cast.focal_point)
    answer = save_answer(review=cast.review, theme=Theme.PLURALISM, text="x", by=cast.focal_point)
    evidence = cite(answer=answer, document=version.document, pages="2", by=cast.focal_point)
    address = url("uncite", cast.review, Theme.PLURALISM, evidence.pk)
    expected = {"other_focal_point": 404, "sca_member": 404, "bureau_member": 404,
                "observer": 404, "recused_sca_member": 404}  # fmt: skip
    for name, status in expected.items():
        client.force_login(getattr(cast, name))
        assert client.post(address).status_code == status, name
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    client.force_login(cast.focal_point)
    page = client.get(url("statement", cast.review, Theme.PLURALISM))
    assert "Remove" in text(page)
    response = client.post(address)
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert client.post(address).status_code == 302  # a second click changes nothing
