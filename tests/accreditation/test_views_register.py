"""The public register of institutions: the directory and an institution's page."""

import datetime as dt

import pytest
from django.urls import reverse

from accreditation.enums import Grade, StatusBasis, StatusEvent
from accreditation.services import record_decision, record_prior_status
from institutions.enums import RegionCode
from tests.factories import InstitutionFactory, region
from tests.pages import queries_for, text, visit

D = dt.date(2030, 5, 10)
HELD = dt.date(2020, 1, 1)
DIRECTORY = reverse("institutions:directory")
MEMBERS = [
    "secretariat",
    "sca_member",
    "recused_sca_member",
    "bureau_member",
    "focal_point",
    "other_focal_point",
    "observer",
    "anonymous",
]


def accredit(institution, grade=Grade.A, held_on=HELD):
    record_prior_status(institution=institution, grade=grade, held_on=held_on, note="", by=None)


def decide(institution, grade=Grade.NONE, event=StatusEvent.GRADE, on=D, reference=""):
    return record_decision(
        institution=institution,
        event=event,
        grade=grade,
        decided_on=on,
        basis=StatusBasis.REACCREDITATION,
        reference=reference,
        by=None,
    )


@pytest.mark.parametrize("member", MEMBERS)
def test_the_directory_is_public_and_lists_every_institution_without_reviews(client, cast, member):
    accredit(cast.home)
    response = visit(client, cast.members()[member], DIRECTORY)
    assert response.status_code == 200
    page = text(response)
    for name in ("Home Commission", "Other Commission", "SCA Commission", "Bureau Commission"):
        assert name in page
    assert "4 institutions" in page
    assert "New Zealand" in page  # the country's name, not its code
    assert "Session March 2030" not in page and "Invited" not in page
    assert ('href="/admin/"' in page) is (member == "secretariat")


@pytest.mark.parametrize("member", MEMBERS)
def test_an_institution_page_is_public_and_shows_no_review(client, cast, member):
    accredit(cast.home)
    url = reverse("institutions:detail", args=[cast.home.pk])
    response = visit(client, cast.members()[member], url, on=dt.date(2029, 6, 1))
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Home Commission" in page
    assert "A — compliant with the Paris Principles" in page
    assert "Session March 2030" not in page and "Invited" not in page and "Dossier" not in page
    assert ('href="/admin/"' in page) is (member == "secretariat")


def test_an_unknown_institution_is_not_found(client, db):
    assert client.get(reverse("institutions:detail", args=[999])).status_code == 404


def test_the_directory_filters_by_region_and_grade(client, db):
    accredit(InstitutionFactory(name="European A", region=region(RegionCode.EUROPE)))
    accredit(InstitutionFactory(name="European B", region=region(RegionCode.EUROPE)), Grade.B)
    accredit(InstitutionFactory(name="African A", region=region(RegionCode.AFRICA)))
    page = text(client.get(DIRECTORY, {"region": "europe", "grade": "A"}))
    assert "European A" in page
    assert "European B" not in page and "African A" not in page
    assert "1 institution" in page
    page = text(client.get(DIRECTORY, {"grade": "B"}))
    assert "European B" in page and "European A" not in page


def test_the_directory_reports_and_ignores_an_unknown_filter(client, db):
    accredit(InstitutionFactory(name="European A", region=region(RegionCode.EUROPE)))
    accredit(InstitutionFactory(name="African B", region=region(RegionCode.AFRICA)), Grade.B)
    response = client.get(DIRECTORY, {"region": "mars", "grade": "B"})
    assert response.status_code == 200
    page = text(response)
    assert "There is no region “mars”; institutions of all regions are shown." in page
    assert "African B" in page and "European A" not in page  # the valid filter still holds
    page = text(client.get(DIRECTORY, {"region": "europe", "grade": "Z+"}))
    assert "There is no status “Z+”; institutions of any status are shown." in page
    assert "European A" in page and "African B" not in page


def test_the_directory_shows_a_suspension_and_an_ended_accreditation(client, db):
    suspended = InstitutionFactory(name="Suspended Commission")
    accredit(suspended)
    decide(suspended, event=StatusEvent.SUSPENSION, on=dt.date(2021, 1, 1))
    lapsed = InstitutionFactory(name="Lapsed Commission")
    accredit(lapsed)
    decide(lapsed, event=StatusEvent.LAPSE, on=dt.date(2021, 1, 1))
    page = text(client.get(DIRECTORY))
    assert '<span class="badge badge--suspended">suspended</span>' in page
    assert 'No status</span> <span class="note">(Accreditation lapsed)' in page


def test_an_institution_page_shows_a_pending_downgrade_and_the_old_grade_standing(client, db):
    made = InstitutionFactory(name="Downgraded Commission")
    accredit(made)
    decide(made, grade=Grade.B, reference="SCA 2030 session")
    page = text(
        visit(client, None, reverse("institutions:detail", args=[made.pk]), on=dt.date(2030, 6, 1))
    )
    assert 'B from <time datetime="2031-05-10">10 May 2031</time>; A stands until then.' in page
    assert "SCA 2030 session" in page  # the history names the decision before it applies
    assert "Votes in GANHRI" in page  # A's rights stand too
    later = text(
        visit(client, None, reverse("institutions:detail", args=[made.pk]), on=dt.date(2031, 5, 10))
    )
    assert "A stands until then" not in later
    assert "B — partially compliant" in later
    assert "Votes in GANHRI" not in later and "Attends GANHRI meetings" in later


def test_an_institution_page_explains_the_next_reaccreditation(client, db):
    made = InstitutionFactory(name="Accredited Commission")
    decide(made, grade=Grade.A, on=dt.date(2025, 5, 10))
    page = text(
        visit(client, None, reverse("institutions:detail", args=[made.pk]), on=dt.date(2026, 1, 1))
    )
    assert "Next re-accreditation due 2030-05-10 = grade decided 2025-05-10 + 5 years" in page
    assert "Statute art. 15" in page
    history = page.split('id="history-heading"')[1]
    for cell in ("Grade decided", "2025-05-10", "Re-accreditation"):
        assert cell in history


def test_an_institution_page_shows_its_facts_and_says_a_successor_inherits_nothing(client, db):
    old = InstitutionFactory(name="Old Commission", region=region(RegionCode.EUROPE))
    accredit(old)
    new = InstitutionFactory(
        name="New Commission",
        acronym="NEWC",
        region=old.region,
        predecessor=old,
        other_names={"fr": "Nouvelle Commission"},
        legal_basis="Act 12 of 2029",
        website="https://newc.example.org/",
        kind="ombuds",
    )
    page = text(client.get(reverse("institutions:detail", args=[new.pk])))
    for fact in (
        "Nouvelle Commission",
        "(French)",
        "NEWC",
        "Act 12 of 2029",
        "Ombuds office",
        'href="https://newc.example.org/"',
        "ENNHRI",
        f'href="/institutions/{old.pk}/">Old Commission',
        "A successor does not inherit the status",
    ):
        assert fact in page, fact
    assert "No status has been recorded for this institution." in page
    old_page = text(client.get(reverse("institutions:detail", args=[old.pk])))
    assert f'href="/institutions/{new.pk}/">New Commission' in old_page


def test_the_directory_costs_the_same_queries_for_3_and_12_institutions(client, cast):
    def add(count):
        for n in range(count):
            made = InstitutionFactory(region=region(list(RegionCode)[n % 4]))
            accredit(made, [Grade.A, Grade.B][n % 2])

    client.force_login(cast.secretariat)
    client.get(DIRECTORY)
    add(3)
    few = queries_for(client, DIRECTORY)
    add(9)
    many = queries_for(client, DIRECTORY)
    assert few == many
