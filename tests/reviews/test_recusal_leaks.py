"""A recused SCA member learns nothing about the case: every page of the product, with
the ids of that case (and of a case they do sit on), every search, every mail.

The pages are found by walking the URL resolver, so a page added later is crawled
without a change here. Recused twice over: the cast's ``recused_sca_member`` sits
for the Home Commission (automatic recusal from its own institution's case), and a
second member loses the Borealis case to an upheld objection.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import DocumentSlot, ReviewState, Theme
from reviews.models import DocumentVersion, OutgoingMessage, Review
from reviews.permissions import sits_on
from reviews.services.conflicts import lodge_objection, rule_on_objection
from reviews.services.discussion import post_comment
from reviews.services.dossiers import reference, reopen_dossier
from reviews.services.summaries import add_issue, share_summary
from reviews.services.transitions import transition
from tests import procedure
from tests.conflicts import BEFORE_CUTOFF, alternate, seat, seat_of
from tests.dossier import submit
from tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db

# Nothing else is skipped: the admin (staff only, and no member is staff), the
# accounts pages (sign-in, sign-up: they know no case) and the language switch.
SKIPPED_PREFIXES = ("admin/", "accounts/", "i18n/")
# Public knowledge: the register names every institution and shows its status. There
# the name may appear, and is expected to; nothing about the case may.
PUBLIC_PAGES = {"institutions:directory", "institutions:detail", "accreditation:chart",
                "accreditation:chart_csv",
                # The same register and chart through the API.
                "public_api:institutions", "public_api:institution",
                "public_api:status"}  # fmt: skip
# Searched as a member would type them: a part of the name, a part of the reference.
# The page may echo the words typed; the case's full name or reference it may not.
SEARCHES = ("Home", "Borealis", "2030-03/")
DURING_THE_SESSION = dt.date(2030, 3, 12)


@dataclass
class Case:
    review: Review
    secrets: list[str] = field(default_factory=list)  # what only its content says
    # The recused member's own institution: its name is theirs to know, and is on every
    # roster of the seats sitting (the room, the report). What they must not learn is
    # the case: its reference, its address, its content.
    members_own: bool = False

    @property
    def names(self) -> list[str]:
        institution = self.review.institution
        return [institution.name, institution.acronym]

    @property
    def ref(self) -> str:
        return reference(self.review)

    def traces(self, *, public: bool) -> list[str]:
        """What may not appear; on a public page the name may, the rest may not."""
        about = [self.ref, f"/reviews/{self.review.pk}/", *self.secrets]
        if public:
            # Nothing of the review beside the name: no session, no state.
            session = self.review.session
            return [*about, f"/sessions/{session.pk}/", session.name,
                    str(self.review.get_state_display())]  # fmt: skip
        return about if self.members_own else [*self.names, *about]


def enrich(review: Review, cast: Any, focal: Any, tag: str) -> list[str]:
    """Give ``review`` everything a case has before its session: a submitted dossier
    with documents, a reopening with its reason, screening, a summary of issues shared
    with the institution, a discussion, an objection, mails. Returns its secrets."""
    version = submit(review, focal)
    DocumentVersion.objects.filter(pk=version.pk).update(original_name=f"{tag}-founding-law.pdf")
    with clock.as_of(dt.date(2030, 1, 10)):
        reopen_dossier(review=review, reason=f"{tag}: the budget is missing.", by=cast.secretariat)
        transition(review, to=ReviewState.SUBMITTED, by=focal)
        transition(review, to=ReviewState.SCREENING, by=cast.secretariat)
        add_issue(
            review=review,
            facts=f"{tag}: the head is appointed by the executive.",
            concern="Independence.",
            principles=[],
            observations=[],
            by=cast.secretariat,
        )
        share_summary(review=review, by=cast.secretariat)
        post_comment(review=review, body=f"{tag}: a word for the SCA.", by=cast.secretariat)
    review.refresh_from_db()
    return [
        f"{tag}-founding-law.pdf",
        f"{tag}: the budget is missing.",
        f"{tag}: the head is appointed by the executive.",
        f"{tag}: a word for the SCA.",
        f"{tag}: objection reasons.",
    ]


@pytest.fixture
def world(cast):
    """The cast's session with three cases: Home (the recused member's own
    institution), Borealis (a Europe member objected to, the objection upheld) and
    Sitting (on which both recused members sit)."""
    europe_member, europe_seat = seat(
        cast.session, username="objected", code=RegionCode.EUROPE, name="Nordic Commission"
    )
    europe_alternate, _alternate_seat = alternate(cast.session, RegionCode.EUROPE)
    borealis = InstitutionFactory(
        name="Borealis Rights Institute",
        acronym="BRI",
        country="IS",
        region=region(RegionCode.EUROPE),
    )
    sitting = InstitutionFactory(
        name="Sitting Case Commission",
        acronym="SITC",
        country="GH",
        region=region(RegionCode.AFRICA),
    )
    home = Case(cast.review)
    boreal = Case(procedure.open_review(borealis, cast.session))
    other = Case(procedure.open_review(sitting, cast.session))
    home.secrets = enrich(home.review, cast, cast.focal_point, "Homesecret")
    boreal.secrets = enrich(
        boreal.review, cast, procedure.focal_point(borealis, "borealis-focal"), "Borealsecret"
    )
    enrich(other.review, cast, procedure.focal_point(sitting, "sitting-focal"), "Sittingsecret")
    with clock.as_of(BEFORE_CUTOFF):
        lodge_objection(review=home.review, seat=seat_of(cast.sca_member),
                        reasons="Homesecret: objection reasons.", by=cast.focal_point)  # fmt: skip
        upheld = lodge_objection(review=boreal.review, seat=europe_seat,
                                 reasons="Borealsecret: objection reasons.",
                                 by=cast.secretariat)  # fmt: skip
    with clock.as_of(dt.date(2030, 3, 2)):
        rule_on_objection(objection=upheld, upheld=True, ruled_on=dt.date(2030, 3, 1),
                          reasons="Ties shown.", by=cast.secretariat)  # fmt: skip
    for case in (home, boreal, other):
        with clock.as_of(cast.session.starts_on):
            transition(case.review, to=ReviewState.READY, by=cast.secretariat)
            transition(case.review, to=ReviewState.AT_SESSION, by=cast.secretariat)
    assert not sits_on(cast.recused_sca_member, home.review)
    assert not sits_on(europe_member, boreal.review)
    assert sits_on(europe_alternate, boreal.review)
    assert sits_on(cast.recused_sca_member, other.review) and sits_on(europe_member, other.review)
    return {
        "cast": cast,
        "home": home,
        "boreal": boreal,
        "other": other,
        "objected": europe_member,
        "stand_in": europe_alternate,
    }


# -- the crawl --


def patterns(resolver: URLResolver | None = None, prefix: str = "", ns: str = ""):
    """Every page: (route, name with namespace, pattern), recursively."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (ns, entry.namespace or "") if part)
            yield from patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{ns}:{entry.name}" if ns else str(entry.name)
            yield prefix + str(entry.pattern), name, entry


def values_for(route: str, param: str, converter: str, ids: dict[str, list[int]]) -> list[Any]:
    """The values a parameter takes: the ids of the cases' objects, by what the
    parameter names; a parameter nobody told us about gets every id we hold."""
    if param == "pk":
        for prefix, kind in (("sessions/", "session"), ("institutions/", "institution")):
            if route.startswith(prefix):
                return ids[kind]
        return ids["review"]
    known = {"review_pk": "review", "version_pk": "version", "objection_pk": "objection",
             "seat_pk": "seat", "number": "number"}  # fmt: skip
    if param in known:
        return ids[known[param]]
    if converter == "slug" or param in ("theme", "slot"):
        return [Theme.ESTABLISHMENT.value, DocumentSlot.FOUNDING_LAW.value]
    return sorted(set(itertools.chain.from_iterable(ids.values())))


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<param>\w+)>")


def urls(ids: dict[str, list[int]]):
    """(url, name, route) for every page of the product but the skipped ones."""
    for route, name, _pattern in patterns():
        if route.startswith(SKIPPED_PREFIXES):
            continue
        params = [(m["param"], m["converter"] or "str") for m in ROUTE_PARAM.finditer(route)]
        choices = [values_for(route, param, conv, ids) for param, conv in params]
        for combination in itertools.product(*choices):
            url = route
            for value in combination:
                url = ROUTE_PARAM.sub(str(value), url, count=1)
            yield "/" + url, name, route


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def appears(trace: str, text: str) -> bool:
    """``trace`` as a whole word: an acronym inside a random token (a CSRF token, a
    hash) is not the institution, nor is reference 2030-03/NZ/1 a part of .../NZ/12."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(trace)}(?![A-Za-z0-9])", text) is not None


@dataclass
class Crawl:
    visited: int = 0
    post_only: set[str] = field(default_factory=set)
    found: list[tuple[str, str, str]] = field(default_factory=list)  # (method url, trace)


def crawl(user: Any, cases: list[Case], ids: dict[str, list[int]]) -> Crawl:
    """GET every page (plainly, as htmx, and searched), and POST to it empty-handed, as
    ``user``; note every trace of ``cases`` found."""
    client = Client()
    client.force_login(user)
    result = Crawl()
    with clock.as_of(DURING_THE_SESSION):
        for url, name, _route in urls(ids):
            public = name in PUBLIC_PAGES
            traces = [t for case in cases for t in case.traces(public=public)]
            requests = [("GET", url, client.get(url))]
            if requests[0][2].status_code == 405:
                result.post_only.add(name)
            else:
                requests.append(("GET htmx", url, client.get(url, headers={"HX-Request": "true"})))
                for words in SEARCHES:
                    query = {key: words for key in ("q", "search", "institution", "reference")}
                    requests.append((f"GET ?q={words}", url, client.get(url, query)))
            requests.append(("POST", url, client.post(url, {})))
            for method, address, response in requests:
                result.visited += 1
                body = body_of(response) + response.get("Location", "")
                # The page's own address (the language switcher sends people back to it)
                # is what we asked for, not what the page told.
                body = body.replace(address, "")
                result.found += [
                    (f"{method} {address}", name, t) for t in traces if appears(t, body)
                ]
    return result


def test_the_reference_has_the_documented_format(world):
    home = world["home"]
    assert re.fullmatch(r"\d{4}-\d{2}/[A-Z]{2}/\d+", home.ref)
    assert home.ref == f"2030-03/NZ/{home.review.pk}"


def ids_of(world: dict[str, Any]) -> dict[str, list[int]]:
    cast = world["cast"]
    recused, other = [world["home"].review, world["boreal"].review], world["other"].review
    reviews = [*recused, other]
    return {
        "review": [r.pk for r in reviews],
        "session": [cast.session.pk],
        "institution": [r.institution_id for r in reviews],
        "version": list(
            DocumentVersion.objects.filter(document__dossier__review__in=recused)
            .order_by("pk")
            .values_list("pk", flat=True)[:2]
        ),
        "objection": [o.pk for r in recused for o in r.member_objections.all()],
        "seat": [s.pk for s in cast.session.seats.all()],
        "number": [1],
    }


@pytest.mark.parametrize("who", ["recused_sca_member", "objected"])
def test_a_recused_member_finds_no_trace_of_the_case_anywhere(world, who):
    cast = world["cast"]
    member = world[who] if who == "objected" else cast.recused_sca_member
    # Each is recused from one case and sits on the other two.
    recused_from = world["home"] if who == "recused_sca_member" else world["boreal"]

    result = crawl(member, [replace(recused_from, members_own=who == "recused_sca_member")],
                   ids_of(world))  # fmt: skip

    assert result.found == []
    assert result.visited > 200
    # POST-only pages are answered 405 to a GET; they were still POSTed to above.
    assert {"reviews:objection_lodge", "reviews:move", "reviews:discuss"} <= result.post_only


@pytest.mark.parametrize("who", ["recused_sca_member", "objected"])
def test_no_mail_about_the_case_reaches_a_recused_member(world, who):
    cast = world["cast"]
    member = world[who] if who == "objected" else cast.recused_sca_member
    recused_from = world["home"] if who == "recused_sca_member" else world["boreal"]
    traces = recused_from.traces(public=False)

    rows = OutgoingMessage.objects.filter(to=member.email)
    sent = [m for m in mail.outbox if member.email in m.to]

    assert not rows.filter(review=recused_from.review).exists()
    leaked = [
        trace
        for text in [*(r.subject + r.body for r in rows), *(m.subject + m.body for m in sent)]
        for trace in traces
        if appears(trace, text)
    ]
    assert leaked == []
    # The case did make mail: the institution and the secretariat were told.
    assert OutgoingMessage.objects.filter(review=recused_from.review).count() >= 4


def test_the_crawl_would_find_the_case_for_a_member_who_sits_on_it(world):
    """The proof that the crawl reaches the case pages: a member sitting on each case
    finds its name and reference on them."""
    ids = ids_of(world)
    home = crawl(world["cast"].sca_member, [world["home"]], ids)
    boreal = crawl(world["stand_in"], [world["boreal"]], ids)
    for result, case in ((home, world["home"]), (boreal, world["boreal"])):
        found = {trace for _where, _name, trace in result.found}
        assert case.review.institution.name in found
        assert case.ref in found
        assert {name for _where, name, _trace in result.found} >= {"reviews:case"}
