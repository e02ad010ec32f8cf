"""Build the March 2007 session from the record, through the product's own services.

Every row is made the way a user's action would make it: the secretariat
registers institutions, invites them, screens dossiers, records the SCA's
outcomes and notifies; the deadline sweep closes the windows and adopts.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import Body, MembershipRole, RegionCode, Role, SeatRole
from institutions.models import Institution, Region
from institutions.services import (
    add_member,
    add_observer,
    add_seat_person,
    assign_seat,
    create_user,
    register_institution,
    upsert_region,
)
from nhri_portal import clock
from reviews.demo import workspace
from reviews.enums import Outcome, ReviewKind, ReviewState, Vote
from reviews.models import Review, Session
from reviews.services.bureau import cast_vote
from reviews.services.cases import invite, open_special_review
from reviews.services.outbox import release_session_letters
from reviews.services.outcomes import Paragraph, notify, record_outcome
from reviews.services.publication import publish_report
from reviews.services.sessions import create_session, seat_in_session
from reviews.services.sweep import process_deadlines
from reviews.services.transitions import transition

DEMO_DIR = Path(__file__).resolve().parent
REGION_CODES = {
    "Africa": RegionCode.AFRICA,
    "Americas": RegionCode.AMERICAS,
    "Asia-Pacific": RegionCode.ASIA_PACIFIC,
    "Europe": RegionCode.EUROPE,
}
NETWORK_ACRONYMS = {"Africa": "NANHRI", "Asia-Pacific": "APF", "Europe": "ENNHRI"}
GRADE_OUTCOMES = {"A": Outcome.ACCREDIT_A, "B": Outcome.ACCREDIT_B, "C": Outcome.ACCREDIT_C}
BUREAU_ROLES = {
    "chair": SeatRole.CHAIR,
    "vice-chair": SeatRole.VICE_CHAIR,
    "previous chair": SeatRole.PREVIOUS_CHAIR,
}
# The demonstration users: one per role, each tied to what makes the role visible.
DEMO_USERS = (
    ("secretariat", Role.SECRETARIAT, "Sam", "Secretariat"),
    ("sca-member", None, "Sade", "SCA member for Nigeria"),
    ("sca-chair", None, "Cam", "SCA chair for Canada"),
    ("bureau-member", None, "Bo", "Bureau member for Canada"),
    ("focal-point", None, "Fleur", "Focal point of France's CNCDH"),
    ("observer", None, "Oz", "Observer for the APF"),
)


def read(name: str) -> dict[str, Any]:
    with open(DEMO_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass
class DemoResult:
    passwords: dict[str, str] = field(default_factory=dict)
    sweep: list[str] = field(default_factory=list)


def already_loaded() -> bool:
    return get_user_model().objects.filter(username="secretariat").exists()


@transaction.atomic
def load(*, show_passwords: bool) -> DemoResult:
    history, assumed = read("history-2007.yaml"), read("assumptions-2007.yaml")
    timeline = {key: value for key, value in assumed["timeline"].items()}
    result = DemoResult()
    with clock.as_of(timeline["invited"] - dt.timedelta(days=30)):
        users = _users(result, show_passwords)
        secretariat = users["secretariat"]
        institutions = _register(history, secretariat)
        _prior_status(assumed, institutions, secretariat)
        march, october = _sessions(history, assumed, secretariat)
        _sca_seats(assumed, institutions, [march, october], users, secretariat)
        add_member(
            user=users["focal-point"],
            institution=institutions["FR"],
            role=MembershipRole.FOCAL_POINT,
            by=secretariat,
        )
        add_observer(
            region=Region.objects.get(code=RegionCode.ASIA_PACIFIC),
            user=users["observer"],
            by=secretariat,
        )
    session_data = history["sessions"][0]
    reviews = _prepare_cases(session_data, institutions, march, timeline, secretariat)
    with clock.as_of(timeline["bureau_elected"]):
        _bureau(history, institutions, users["bureau-member"], secretariat)
    with clock.as_of(timeline["notified"]):
        _record_outcomes(session_data, institutions, reviews, march, october, secretariat)
    _bureau_votes(reviews, users["bureau-member"], timeline["notified"])
    for day in sorted({timeline["notified"] + dt.timedelta(days=n) for n in (29, 49)}):
        result.sweep += process_deadlines(as_of=day).actions
    with clock.as_of(timeline["letters_released"]):
        release_session_letters(session=march, by=secretariat)
    with clock.as_of(timeline["report_published"]):
        publish_report(session=march, by=secretariat)
    workspace.prepare(october, assumed["october_workspace"], users, secretariat)
    return result


def _users(result: DemoResult, show_passwords: bool) -> dict[str, Any]:
    users = {}
    for username, role, first, last in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        users[username] = create_user(
            username=username,
            email=f"{username}@demo.nhri-portal.invalid",
            password=password,
            roles=(role,) if role else (),
            first_name=first,
            last_name=last,
            by=None,
        )
        if show_passwords:
            result.passwords[username] = password
    return users


def _register(history: dict[str, Any], by: Any) -> dict[str, Institution]:
    regions: dict[str, Region] = {}
    for name, data in history["regions"].items():
        regions[name] = upsert_region(
            code=REGION_CODES[name],
            network=data["network"],
            network_acronym=NETWORK_ACRONYMS.get(name, ""),
        )
    institutions = {}
    for item in history["institutions"]:
        institutions[item["country"]] = register_institution(
            name=item["name"],
            acronym=item.get("acronym", ""),
            country=item["country"],
            region=regions[item["region"]],
            name_confirmed=item.get("name_confirmed", True),
            working_language=_language(item["country"]),
            by=by,
        )
    return institutions


def _language(country: str) -> str:
    french, spanish, arabic = {"FR", "BF"}, {"BO", "PE", "HN", "PR", "MX"}, {"JO"}
    if country in french:
        return "fr"
    if country in spanish:
        return "es"
    return "ar" if country in arabic else "en"


def _prior_status(assumed: dict[str, Any], institutions: dict[str, Institution], by: Any) -> None:
    block = assumed["prior_status"]
    for item in block["grades"]:
        record_prior_status(
            institution=institutions[item["country"]],
            grade=Grade(item["grade"]),
            held_on=block["held_on"],
            note=item["why"],
            by=by,
        )


def _sessions(history: dict[str, Any], assumed: dict[str, Any], by: Any) -> tuple[Session, Session]:
    data, later = history["sessions"][0], assumed["october_session"]
    march = create_session(
        name="SCA session of March 2007 (ICC 19th session)",
        starts_on=data["start"],
        ends_on=data["end"],
        place=data["place"],
        by=by,
    )
    october = create_session(
        name=later["name"],
        starts_on=later["start"],
        ends_on=later["end"],
        place=later["place"],
        dates_confirmed=later["dates_confirmed"],
        by=by,
    )
    return march, october


def _sca_seats(
    assumed: dict[str, Any],
    institutions: dict[str, Institution],
    sessions: list[Session],
    users: dict[str, Any],
    by: Any,
) -> None:
    block = assumed["sca_seats"]
    for item in block["seats"]:
        seat = assign_seat(
            institution=institutions[item["country"]],
            body=Body.SCA,
            role=SeatRole(item["role"]),
            starts_on=block["term_start"],
            note=item["why"],
            by=by,
        )
        if item["country"] == "NG":
            add_seat_person(seat=seat, user=users["sca-member"], by=by)
        if item["role"] == "chair":
            add_seat_person(seat=seat, user=users["sca-chair"], by=by)
        for session in sessions:
            seat_in_session(session=session, seat=seat, by=by)


def _prepare_cases(
    session_data: dict[str, Any],
    institutions: dict[str, Institution],
    march: Session,
    timeline: dict[str, dt.date],
    by: Any,
) -> dict[str, Review]:
    reviews: dict[str, Review] = {}
    with clock.as_of(timeline["invited"]):
        for item in session_data["outcomes"]:
            country, outcome = item["country"], item["outcome"]
            if outcome == "special-review":
                continue  # opened by the SCA at this session, for a later one
            if outcome == "suspended":
                reviews[country] = open_special_review(
                    institution=institutions[country],
                    session=march,
                    opened_at=None,
                    reason=item.get("note", ""),
                    by=by,
                )
            else:
                reviews[country] = invite(
                    institution=institutions[country],
                    session=march,
                    kind=ReviewKind.REACCREDITATION,
                    by=by,
                )
    steps = (
        ("dossier_started", ReviewState.DOSSIER, ""),
        ("dossier_submitted", ReviewState.SUBMITTED, "Dossier received by e-mail."),
        ("screening", ReviewState.SCREENING, ""),
        ("ready", ReviewState.READY, ""),
    )
    for key, state, reason in steps:
        with clock.as_of(timeline[key]):
            for review in reviews.values():
                transition(review, to=state, by=by, reason=reason)
    with clock.as_of(march.starts_on):
        for review in reviews.values():
            transition(review, to=ReviewState.AT_SESSION, by=by)
    return reviews


def _bureau(
    history: dict[str, Any], institutions: dict[str, Institution], user: Any, by: Any
) -> None:
    for item in history["bureau"]["members"]:
        seat = assign_seat(
            institution=institutions[item["country"]],
            body=Body.BUREAU,
            role=BUREAU_ROLES.get(item["role"], SeatRole.MEMBER),
            starts_on=clock.today(),
            note=item["role"],
            by=by,
        )
        if item["country"] == "CA":
            add_seat_person(seat=seat, user=user, by=by)


def _record_outcomes(
    session_data: dict[str, Any],
    institutions: dict[str, Institution],
    reviews: dict[str, Review],
    march: Session,
    october: Session,
    by: Any,
) -> None:
    agreed_on = march.ends_on
    for item in session_data["outcomes"]:
        country, outcome, note = item["country"], item["outcome"], item.get("note", "")
        if outcome == "special-review":
            open_special_review(
                institution=institutions[country],
                session=october,
                opened_at=march,
                reason=note,
                by=by,
            )
            continue
        review = reviews[country]
        if outcome == "deferred":
            record_outcome(
                review=review,
                outcome=Outcome.DEFER,
                agreed_on=agreed_on,
                follow_up_session=october,
                summary=note,
                by=by,
            )
            continue
        chosen = Outcome.SUSPEND if outcome == "suspended" else GRADE_OUTCOMES[outcome]
        paragraphs = [Paragraph(text=note[0].upper() + note[1:] + ".")] if note else []
        record_outcome(
            review=review,
            outcome=chosen,
            agreed_on=agreed_on,
            summary=note,
            paragraphs=paragraphs,
            by=by,
        )
        notify(review=review, by=by)


def _bureau_votes(reviews: dict[str, Review], user: Any, notified: dt.date) -> None:
    """The demonstration Bureau member (Canada) approves each recommendation."""
    seat = user.seats.get()
    with clock.as_of(notified + dt.timedelta(days=30)):
        for review in reviews.values():
            review.refresh_from_db()
            if review.state == ReviewState.BUREAU:
                cast_vote(review=review, seat=seat, vote=Vote.APPROVE, by=user)
