"""What each letter to an institution says: the context its template is rendered with.

The letters (recommendation, deferral, special review, decision) are written as drafts
by the outbox (:func:`reviews.services.outbox.draft_letter`); this module only gathers
what they quote. Build a context inside ``translation.override(language)``: the
sentences it composes are in the letter's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.enums import ACCREDITED_GRADES
from accreditation.rulebook import RuleKey
from accreditation.status import statuses_on
from reviews.enums import Outcome, ParagraphKind
from reviews.models import MailKind, Recommendation, Review, Session
from reviews.report import A_GRADES, outcome_text, references


@dataclass(frozen=True)
class LetterParagraph:
    number: int
    text: str
    references: str


def template_of(kind: str) -> str:
    """``emails/letters/<kind>``: the body; ``<kind>_subject`` the subject."""
    return f"emails/letters/{kind}"


def site_url(path: str) -> str:
    """``path`` as a full address, for the links in a mail (no request to build them from)."""
    return settings.SITE_URL.rstrip("/") + path


def challenge_url(review: Review) -> str:
    """The page where the institution lodges its challenge."""
    try:
        path = reverse("reviews:challenge", args=[review.pk])
    except NoReverseMatch:  # the challenge page is not installed: point to the case
        path = reverse("reviews:case", args=[review.pk])
    return site_url(path)


def letter_context(review: Review, kind: str) -> dict[str, object]:
    """Everything the letter of ``kind`` about ``review`` quotes."""
    from reviews.services.dossiers import reference  # dossiers → transitions → outbox

    context: dict[str, object] = {
        "review": review,
        "institution": review.institution,
        "reference": reference(review),
        "case_url": site_url(reverse("reviews:case", args=[review.pk])),
    }
    recommendation = Recommendation.objects.filter(review=review).first()
    if recommendation is not None:
        context.update(_recommendation_context(review, recommendation))
        if kind in (MailKind.DEFERRAL, MailKind.SPECIAL_REVIEW):
            context.update(_follow_up_context(recommendation.follow_up_session))
    if kind == MailKind.DECISION:
        context.update(_decision_context(review))
    return context


def _recommendation_context(review: Review, recommendation: Recommendation) -> dict[str, object]:
    """The outcome in the SCA's words, its summary and its numbered paragraphs:
    commendations first, then issues, numbered on from them."""
    held = statuses_on({review.institution_id}, review.session.starts_on)[review.institution_id]
    downgrade = recommendation.outcome == Outcome.ACCREDIT_B and held.grade in A_GRADES
    paragraphs = list(recommendation.paragraphs.prefetch_related("principles", "observations"))
    ordered = [p for p in paragraphs if p.kind == ParagraphKind.COMMENDATION] + [
        p for p in paragraphs if p.kind != ParagraphKind.COMMENDATION
    ]
    numbered = [
        LetterParagraph(number=n, text=p.text, references=references(p))
        for n, p in enumerate(ordered, start=1)
    ]
    commendations = sum(1 for p in paragraphs if p.kind == ParagraphKind.COMMENDATION)
    return {
        "recommendation": recommendation,
        "outcome_text": outcome_text(recommendation, downgrade=downgrade),
        "downgrade": downgrade,
        "summary": recommendation.summary.strip(),
        "commendations": numbered[:commendations],
        "issues": numbered[commendations:],
    }


def _follow_up_context(session: Session | None) -> dict[str, object]:
    """The session that takes the case up again and the dossier it expects."""
    if session is None:
        return {}
    due = session.deadlines.filter(rule_key=RuleKey.DOSSIER_DUE).first()
    return {"follow_up_session": session, "dossier_due_on": due.due_on if due else None}


def _decision_context(review: Review) -> dict[str, object]:
    decision = getattr(review, "decision", None)
    if decision is None:
        return {}
    record = decision.status_record
    effective_on = record.effective_on if record is not None else decision.decided_on
    next_reaccreditation: dt.date | None = None
    if record is not None and record.grade in ACCREDITED_GRADES:
        next_reaccreditation = rulebook.compute(
            RuleKey.REACCREDITATION_INTERVAL,
            anchor_on=decision.decided_on,
            anchor_label=_("grade decided"),
        ).due_on
    return {
        "decision": decision,
        "effective_on": effective_on,
        "takes_effect_later": effective_on > decision.decided_on,
        "next_reaccreditation_on": next_reaccreditation,
    }


def challenge_notice_context(review: Review, closes_on: dt.date) -> dict[str, object]:
    """The notice a released recommendation letter ends with."""
    return {
        "review": review,
        "institution": review.institution,
        "closes_on": closes_on,
        "challenge_url": challenge_url(review),
    }
