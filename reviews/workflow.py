"""The lifecycle of a review as a table: read it top to bottom.

Each row says from which state a review may go to which, who may move it, the
words a person sees, and (sometimes) what must be true first. The one service
that applies it is ``reviews.services.transitions.transition``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reviews.enums import UNCHALLENGEABLE, Outcome, ReviewKind
from reviews.enums import ReviewState as S

if TYPE_CHECKING:
    from reviews.models import Review


class Actor(Enum):
    SECRETARIAT = "secretariat"
    FOCAL_POINT = "focal point of the institution"
    SCA_CHAIR = "chair of the SCA, sitting on the case"
    SYSTEM = "the rules (deadline sweep)"


SEC = frozenset({Actor.SECRETARIAT})
SEC_OR_FP = frozenset({Actor.SECRETARIAT, Actor.FOCAL_POINT})
SEC_OR_CHAIR = frozenset({Actor.SECRETARIAT, Actor.SCA_CHAIR})
SYSTEM = frozenset({Actor.SYSTEM})
SEC_OR_SYSTEM = frozenset({Actor.SECRETARIAT, Actor.SYSTEM})


def _outcome(review: Review) -> str | None:
    recommendation = getattr(review, "recommendation", None)
    return recommendation.outcome if recommendation else None


def has_challengeable_recommendation(review: Review) -> bool:
    outcome = _outcome(review)
    return outcome is not None and outcome not in UNCHALLENGEABLE


def was_deferred(review: Review) -> bool:
    return _outcome(review) == Outcome.DEFER


def opened_special_review(review: Review) -> bool:
    return _outcome(review) == Outcome.OPEN_SPECIAL_REVIEW


def has_decision(review: Review) -> bool:
    return hasattr(review, "decision")


def is_initial(review: Review) -> bool:
    return review.kind == ReviewKind.INITIAL


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    who: frozenset[Actor]
    label: Promise
    condition: Callable[[Review], bool] | None = None
    # Said when the condition does not hold.
    condition_message: Promise | None = None
    # Focal points may take this step only when this holds too.
    focal_point_condition: Callable[[Review], bool] | None = None


T = Transition
# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # source          target              who            label
    T(S.INVITED,      S.DOSSIER,          SEC_OR_FP,     _("Start the dossier")),
    T(S.DOSSIER,      S.SUBMITTED,        SEC_OR_FP,     _("Submit the dossier")),
    T(S.SUBMITTED,    S.SCREENING,        SEC,           _("Start screening")),
    T(S.SUBMITTED,    S.DOSSIER,          SEC,           _("Reopen the dossier")),
    T(S.SCREENING,    S.DOSSIER,          SEC,           _("Return the dossier as incomplete")),
    T(S.SCREENING,    S.SUMMARY_SHARED,   SEC,           _("Share the summary of issues")),
    T(S.SCREENING,    S.READY,            SEC,           _("Mark ready for the session")),
    T(S.SUMMARY_SHARED, S.READY,          SEC,           _("Mark ready for the session")),
    T(S.READY,        S.AT_SESSION,       SEC_OR_CHAIR,  _("Take up at the session")),
    T(S.AT_SESSION,   S.RECOMMENDED,      SEC_OR_CHAIR,  _("Record the SCA's recommendation"),
      has_challengeable_recommendation, _("Record a recommendation first.")),
    T(S.AT_SESSION,   S.DEFERRED,         SEC_OR_CHAIR,  _("Record the deferral"),
      was_deferred, _("Record the deferral and its session first.")),
    T(S.AT_SESSION,   S.SPECIAL_REVIEW_OPENED, SEC_OR_CHAIR,
      _("Record the opening of a special review"),
      opened_special_review, _("Record the special review and its session first.")),
    T(S.RECOMMENDED,  S.NOTIFIED,         SEC,           _("Notify the institution")),
    T(S.NOTIFIED,     S.BUREAU,           SYSTEM,        _("Close the challenge window")),
    T(S.BUREAU,       S.REFERRED,         SYSTEM,        _("Refer to a Bureau meeting")),
    T(S.BUREAU,       S.DECIDED,          SYSTEM,        _("Deem the recommendation adopted"),
      has_decision, _("The decision must be recorded with the change.")),
    T(S.REFERRED,     S.DECIDED,          SEC,           _("Record the Bureau meeting's decision"),
      has_decision, _("The decision must be recorded with the change.")),
    # Side exits before the session: an institution may withdraw its own initial
    # application; the secretariat records any withdrawal; the rules lapse a case.
    *(T(state, S.WITHDRAWN, SEC_OR_FP, _("Withdraw"), focal_point_condition=is_initial)
      for state in (S.INVITED, S.DOSSIER, S.SUBMITTED, S.SCREENING, S.SUMMARY_SHARED, S.READY)),
    *(T(state, S.LAPSED, SEC_OR_SYSTEM, _("Record the lapse"))
      for state in (S.INVITED, S.DOSSIER)),
)
# fmt: on

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def find(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((S(source), S(target)))


def available_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
