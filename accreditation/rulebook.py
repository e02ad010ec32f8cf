"""The rulebook: every deadline and threshold of the procedure as a named rule.

The defaults and their sources come from the procedure as documented
(statute, practice notes, observed practice); each carries how sure we are.
The secretariat may change the values in the admin; a computed
:class:`Deadline` copies what it used, so it keeps explaining itself after a
rule changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accreditation.enums import Confidence, Direction, RuleUnit
from accreditation.models import Rule


class RuleKey:
    DOSSIER_DUE = "dossier-due"
    DELEGATION_LISTS_SENT = "delegation-lists-sent"
    DELEGATION_LISTS_POSTED = "delegation-lists-posted"
    MEMBER_OBJECTION_CUTOFF = "member-objection-cutoff"
    MEMBER_OBJECTION_RULING = "member-objection-ruling"
    SUMMARY_SENT = "summary-sent"
    SUMMARY_RESPONSE_DUE = "summary-response-due"
    CHALLENGE_WINDOW = "challenge-window"
    BUREAU_WINDOW_OPENS = "bureau-window-opens"
    BUREAU_WINDOW = "bureau-window"
    REFERRAL_MIN_OBJECTORS = "referral-min-objectors"
    REFERRAL_MIN_REGIONS = "referral-min-regions"
    DOWNGRADE_TAKES_EFFECT = "downgrade-takes-effect"
    REACCREDITATION_INTERVAL = "reaccreditation-interval"
    LAPSE_AFTER_DEFERRAL = "lapse-after-deferral"


@dataclass(frozen=True)
class DefaultRule:
    key: str
    label: str
    value: int
    unit: str
    direction: str
    anchor: str
    source: str
    confidence: str
    note: str = ""


_S = "the first day of the session"
# fmt: off
DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule(RuleKey.DOSSIER_DUE, "Dossier due", 120, RuleUnit.DAYS, Direction.BEFORE, _S,
                "Secretariat's invitation (observed 98 to 153 days before the session)",
                Confidence.ASSUMED, "Observed dates are verified; the default of 120 is assumed."),
    DefaultRule(RuleKey.DELEGATION_LISTS_SENT, "SCA delegation lists sent to the secretariat", 30,
                RuleUnit.DAYS, Direction.BEFORE, _S, "SCA Rules of Procedure",
                Confidence.VERIFIED),
    DefaultRule(RuleKey.DELEGATION_LISTS_POSTED, "Delegation lists posted", 28, RuleUnit.DAYS,
                Direction.BEFORE, _S, "SCA Rules of Procedure", Confidence.VERIFIED),
    DefaultRule(RuleKey.MEMBER_OBJECTION_CUTOFF,
                "Institution's objection to an SCA member for conflict of interest", 21,
                RuleUnit.DAYS, Direction.BEFORE, _S, "SCA Rules of Procedure",
                Confidence.VERIFIED),
    DefaultRule(RuleKey.MEMBER_OBJECTION_RULING, "Bureau rules on an objection to an SCA member",
                7, RuleUnit.DAYS, Direction.BEFORE, _S, "SCA Rules of Procedure",
                Confidence.VERIFIED),
    DefaultRule(RuleKey.SUMMARY_SENT, "Summary of issues sent to the institution", 14,
                RuleUnit.DAYS, Direction.BEFORE, _S, "Practice of the secretariat",
                Confidence.ASSUMED),
    DefaultRule(RuleKey.SUMMARY_RESPONSE_DUE, "Response to the summary of issues due", 3,
                RuleUnit.DAYS, Direction.BEFORE, _S, "Practice of the secretariat",
                Confidence.ASSUMED),
    DefaultRule(RuleKey.CHALLENGE_WINDOW, "Challenge window closes", 28, RuleUnit.DAYS,
                Direction.AFTER, "the day the institution is notified of the recommendation",
                "Statute art. 12.1", Confidence.REPORTED),
    DefaultRule(RuleKey.BUREAU_WINDOW_OPENS, "Bureau objection window opens", 0, RuleUnit.DAYS,
                Direction.AFTER, "the close of the challenge window", "Statute art. 12",
                Confidence.ASSUMED,
                "Bureau members receive the recommendation, with any challenge, when the "
                "challenge window closes. One observed case was final 38 days after the session, "
                "so in practice the windows may overlap."),
    DefaultRule(RuleKey.BUREAU_WINDOW, "Bureau objection window closes", 20, RuleUnit.DAYS,
                Direction.AFTER, "the opening of the Bureau objection window",
                "Statute art. 12", Confidence.ASSUMED),
    DefaultRule(RuleKey.REFERRAL_MIN_OBJECTORS,
                "Objections needed to refer a recommendation to a Bureau meeting", 4,
                RuleUnit.MEMBERS, "", "", "Statute art. 12.2", Confidence.REPORTED),
    DefaultRule(RuleKey.REFERRAL_MIN_REGIONS, "Regions the objectors must come from", 2,
                RuleUnit.REGIONS, "", "", "Statute art. 12.2", Confidence.REPORTED),
    DefaultRule(RuleKey.DOWNGRADE_TAKES_EFFECT, "A downgrade or removal takes effect", 365,
                RuleUnit.DAYS, Direction.AFTER, "the decision", "Statute art. 18.1",
                Confidence.VERIFIED, "The old grade stands until then."),
    DefaultRule(RuleKey.REACCREDITATION_INTERVAL, "Next re-accreditation due", 5, RuleUnit.YEARS,
                Direction.AFTER, "the decision", "Statute art. 15", Confidence.VERIFIED),
    DefaultRule(RuleKey.LAPSE_AFTER_DEFERRAL, "Accreditation lapses when documents stay missing",
                365, RuleUnit.DAYS, Direction.AFTER,
                "the first deferral of a re-accreditation", "Statute art. 20", Confidence.ASSUMED,
                "Exact day counts are not confirmed in the statute."),
)
# fmt: on


def install_default_rules(rule_model: type[Rule]) -> None:
    """Add the rules the rulebook lacks; values the secretariat edited are kept."""
    for rule in DEFAULT_RULES:
        rule_model.objects.get_or_create(
            key=rule.key,
            defaults={
                "label": rule.label,
                "value": rule.value,
                "default_value": rule.value,
                "unit": rule.unit,
                "direction": rule.direction,
                "anchor": rule.anchor,
                "source": rule.source,
                "confidence": rule.confidence,
                "note": rule.note,
            },
        )


class RuleMissing(Exception):
    pass


def get_rule(key: str) -> Rule:
    try:
        return Rule.objects.get(key=key)
    except Rule.DoesNotExist:
        raise RuleMissing(f"The rulebook has no rule {key!r}; run the migrations.") from None


def threshold(key: str) -> int:
    return get_rule(key).value


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def shift(day: dt.date, value: int, unit: str, direction: str) -> dt.date:
    sign = -1 if direction == Direction.BEFORE else 1
    if unit == RuleUnit.DAYS:
        return day + dt.timedelta(days=sign * value)
    if unit == RuleUnit.YEARS:
        return add_years(day, sign * value)
    raise ValueError(f"A {unit} rule is a threshold, not a period")


@dataclass(frozen=True)
class Deadline:
    """A date computed from a rule, with what it was computed from."""

    rule_key: str
    label: str
    due_on: dt.date
    anchor_label: str
    anchor_on: dt.date
    value: int
    unit: str
    direction: str
    source: str
    confidence: str

    def explain(self) -> str:
        sign = "−" if self.direction == Direction.BEFORE else "+"  # noqa: RUF001 (a true minus)
        return _(
            "%(label)s %(due)s = %(anchor)s %(anchor_on)s %(sign)s %(value)s %(unit)s, "
            "%(source)s, %(confidence)s"
        ) % {
            "label": self.label,
            "due": self.due_on.isoformat(),
            "anchor": self.anchor_label,
            "anchor_on": self.anchor_on.isoformat(),
            "sign": sign,
            "value": self.value,
            "unit": RuleUnit(self.unit).label,
            "source": self.source,
            "confidence": Confidence(self.confidence).label,
        }

    def is_open_on(self, day: dt.date) -> bool:
        """A window is open up to and including its last day."""
        return day <= self.due_on

    def as_fields(self) -> dict[str, object]:
        return {
            "rule_key": self.rule_key,
            "label": self.label,
            "due_on": self.due_on,
            "anchor_label": self.anchor_label,
            "anchor_on": self.anchor_on,
            "value": self.value,
            "unit": self.unit,
            "direction": self.direction,
            "source": self.source,
            "confidence": self.confidence,
        }


def compute(key: str, *, anchor_on: dt.date, anchor_label: str) -> Deadline:
    """The deadline that ``key`` gives when counted from ``anchor_on``."""
    rule = get_rule(key)
    return Deadline(
        rule_key=rule.key,
        label=rule.label,
        due_on=shift(anchor_on, rule.value, rule.unit, rule.direction),
        anchor_label=anchor_label,
        anchor_on=anchor_on,
        value=rule.value,
        unit=rule.unit,
        direction=rule.direction,
        source=rule.source,
        confidence=rule.confidence,
    )
