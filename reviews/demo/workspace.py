"""The October 2007 session at work, for the demonstration: the deferred files at each
step before the session, so that every page of the secretariat's and the SCA's
workspace has something on it. Invented, not the record: assumptions-2007.yaml says so
(``october_workspace``), and the texts say they are examples."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nhri_portal import clock
from reviews.enums import Outcome, ReviewState, SourceKind
from reviews.models import Review, Session
from reviews.services.discussion import post_comment
from reviews.services.drafts import add_paragraph, save_draft
from reviews.services.outcomes import Paragraph
from reviews.services.screening import mark_complete
from reviews.services.submissions import record_submission, set_sanitised, share_submission
from reviews.services.summaries import add_issue, share_summary
from reviews.services.transitions import transition

EXAMPLE = "(Example for the demonstration.) "


def prepare(october: Session, steps: dict[str, dt.date], users: dict[str, Any], by: Any) -> None:
    """Walk the deferred files of ``october`` along the steps named in the assumptions."""
    cases = {r.institution.country.code: r for r in october.reviews.select_related("institution")}
    submitted = [cases[code] for code in ("PL", "SE", "PH", "PT")]
    with clock.as_of(steps["submitted"]):
        for review in submitted:
            transition(review, to=ReviewState.DOSSIER, by=by)
            transition(
                review, to=ReviewState.SUBMITTED, by=by, reason="Dossier received by e-mail."
            )
    with clock.as_of(steps["screened"]):
        for review in submitted[1:]:
            mark_complete(review=review, by=by)
            _issues(review, by)
    with clock.as_of(steps["summary_shared"]):
        for review in submitted[2:]:
            share_summary(review=review, by=by)
        _third_party(cases["PH"], by)
    with clock.as_of(steps["ready"]):
        transition(cases["PT"], to=ReviewState.READY, by=by)
        _draft(cases["PT"], users["sca-member"], by)


def _issues(review: Review, by: Any) -> None:
    add_issue(
        review=review,
        facts=EXAMPLE + "The law lets the executive appoint the members without consultation.",
        concern="The selection process may not be clear, transparent and participatory.",
        principles=["B.1"],
        observations=["1.8"],
        by=by,
    )
    add_issue(
        review=review,
        facts=EXAMPLE + "The budget is set each year by the ministry of justice.",
        concern="The institution may not have the financial autonomy it needs.",
        principles=["B.2"],
        observations=["1.10"],
        by=by,
    )


def _third_party(review: Review, by: Any) -> None:
    submission = record_submission(
        review=review,
        source_name="Example Human Rights Alliance",
        source_kind=SourceKind.CIVIL_SOCIETY,
        source_confidential=True,
        received_on=clock.today(),
        content=EXAMPLE + "The Example Human Rights Alliance reports that two members were "
        "dismissed before the end of their term.",
        by=by,
    )
    set_sanitised(
        submission=submission,
        text=EXAMPLE + "A civil society organisation reports that two members were dismissed "
        "before the end of their term.",
        by=by,
    )
    share_submission(submission=submission, by=by)


def _draft(review: Review, member: Any, by: Any) -> None:
    save_draft(
        review=review, outcome=Outcome.ACCREDIT_A, follow_up_session=None, summary="", by=member
    )
    add_paragraph(
        review=review,
        content=Paragraph(
            "",
            notes="that the members are appointed by the executive alone.",
            standard="The selection process should be clear, transparent and participatory.",
            verb="recommends",
            request="that the institution advocate a process in law that meets the standard.",
            principles=("B.1",),
            observations=("1.8",),
        ),
        by=member,
    )
    post_comment(review=review, body=EXAMPLE + "The draft follows the March discussion.", by=member)
    post_comment(review=review, body=EXAMPLE + "The answers arrived on time.", by=by)
