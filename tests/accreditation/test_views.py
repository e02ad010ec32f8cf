import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from accreditation.enums import Grade, StatusBasis, StatusEvent
from accreditation.services import record_decision, record_prior_status
from institutions.enums import RegionCode
from tests.factories import InstitutionFactory, region
from tests.pages import queries_for, text, visit

D = dt.date(2030, 5, 10)
HELD = dt.date(2020, 1, 1)
CHART = reverse("accreditation:chart")
CSV = reverse("accreditation:chart_csv")
BAD_DAYS = ["2007-13-45", "yesterday", "20070731", "2007-7-31", "2007-02-30"]


def accredit(institution, grade=Grade.A):
    record_prior_status(institution=institution, grade=grade, held_on=HELD, note="", by=None)


def csv_rows(response):
    return list(csv.reader(io.StringIO(text(response))))


@pytest.mark.parametrize(
    "member",
    [
        "secretariat",
        "sca_member",
        "recused_sca_member",
        "bureau_member",
        "focal_point",
        "other_focal_point",
        "observer",
        "anonymous",
    ],
)
def test_the_chart_is_public_and_the_same_for_the_whole_cast(client, cast, member):
    accredit(cast.home)
    response = visit(client, cast.members()[member], f"{CHART}?as_of=2029-06-01")
    assert response.status_code == 200
    page = text(response)
    assert "Home Commission" in page
    assert "Other Commission" not in page  # no status, so not on the chart
    assert "Session March 2030" not in page  # nothing of the review
    assert ('href="/admin/"' in page) is (member == "secretariat")
    assert ("Sign out" in page) is (member != "anonymous")


@pytest.mark.parametrize(
    "member",
    [
        "secretariat",
        "sca_member",
        "recused_sca_member",
        "bureau_member",
        "focal_point",
        "other_focal_point",
        "observer",
        "anonymous",
    ],
)
def test_the_chart_csv_is_public_and_the_same_for_the_whole_cast(client, cast, member):
    accredit(cast.home)
    response = visit(client, cast.members()[member], f"{CSV}?as_of=2029-06-01")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="status-chart-2029-06-01.csv"' in response["Content-Disposition"]
    assert csv_rows(response) == [
        ["region", "country", "institution", "grade", "suspended", "since", "as_of"],
        ["Asia-Pacific", "New Zealand", "Home Commission", "A", "no", "2020-01-01", "2029-06-01"],
    ]


def test_the_chart_shows_a_downgrade_on_the_day_it_takes_effect(client, db):
    made = InstitutionFactory(name="Downgraded Commission", region=region(RegionCode.AFRICA))
    accredit(made)
    record_decision(
        institution=made,
        event=StatusEvent.GRADE,
        grade=Grade.B,
        decided_on=D,
        basis=StatusBasis.REACCREDITATION,
        by=None,
    )
    last_day_of_a = (D + dt.timedelta(days=364)).isoformat()
    first_day_of_b = (D + dt.timedelta(days=365)).isoformat()
    assert csv_rows(client.get(f"{CSV}?as_of={last_day_of_a}"))[1][3] == "A"
    assert csv_rows(client.get(f"{CSV}?as_of={first_day_of_b}"))[1][3] == "B"
    page = text(client.get(f"{CHART}?as_of={first_day_of_b}"))
    assert 'title="B — partially compliant">B</abbr>' in page


def test_the_chart_counts_a_reserve_with_a_and_shows_it_in_the_table(client, db):
    accredit(
        InstitutionFactory(name="Reserved Commission", region=region(RegionCode.AFRICA)),
        Grade.A_RESERVE,
    )
    accredit(InstitutionFactory(region=region(RegionCode.AFRICA)), Grade.A)
    page = text(client.get(f"{CHART}?as_of=2025-01-01"))
    assert "incl. 1 A(R)" in page
    assert ">A(R)</abbr>" in page
    assert '<td class="num">2 <span class="note">' in page


def test_the_chart_is_drawn_for_today_when_no_day_is_given(client, db):
    accredit(InstitutionFactory(name="Accredited Commission"))
    before = text(visit(client, None, CHART, on=HELD - dt.timedelta(days=1)))
    after = text(visit(client, None, CHART, on=HELD))
    assert "Accredited Commission" not in before
    assert 'as of <time datetime="2019-12-31">31 December 2019</time>.' in before
    assert "Accredited Commission" in after


@pytest.mark.parametrize("day", BAD_DAYS)
def test_a_bad_day_gives_400_and_says_which_format_is_expected(client, db, day):
    accredit(InstitutionFactory(name="Accredited Commission"))
    response = client.get(CHART, {"as_of": day})
    assert response.status_code == 400
    page = text(response)
    assert f"“{day}” is not a date. Give the day as YYYY-MM-DD, for example 2007-07-31." in page
    assert "The chart was not drawn" in page
    assert "Accredited Commission" not in page


@pytest.mark.parametrize("day", BAD_DAYS)
def test_a_bad_day_gives_400_in_plain_text_for_the_csv(client, db, day):
    response = client.get(CSV, {"as_of": day})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert text(response) == (
        f"“{day}” is not a date. Give the day as YYYY-MM-DD, for example 2007-07-31."
    )


def test_a_bad_day_is_escaped_in_the_page(client, db):
    response = client.get(CHART, {"as_of": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert "<script>alert" not in text(response)


def test_a_formula_in_an_institution_name_is_defused_in_the_csv(client, db):
    accredit(InstitutionFactory(name="=HYPERLINK(1)"))
    assert csv_rows(client.get(f"{CSV}?as_of=2025-01-01"))[1][2] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("url", [CHART, CSV])
def test_the_chart_costs_the_same_queries_for_3_and_12_institutions(client, cast, url):
    codes = list(RegionCode)

    def add(count):
        for n in range(count):
            made = InstitutionFactory(region=region(codes[n % 4]))
            accredit(made, [Grade.A, Grade.B, Grade.C][n % 3])
            if n % 2:
                record_decision(
                    institution=made,
                    event=StatusEvent.GRADE,
                    grade=Grade.C,
                    decided_on=D,
                    basis=StatusBasis.REACCREDITATION,
                    by=None,
                )

    client.force_login(cast.secretariat)
    day = f"{url}?as_of={D.isoformat()}"
    client.get(day)
    add(3)
    few = queries_for(client, day)
    add(9)
    many = queries_for(client, day)
    assert few == many
