from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accreditation.forms import RuleAdminForm
from accreditation.models import GeneralObservation, Principle, Rule, StatusRecord
from nhri_portal.lib.admin import ViewOnlyAdmin


@admin.register(Principle)
class PrincipleAdmin(ViewOnlyAdmin):
    """Loaded from the catalogue; never edited by users."""

    list_display = ["key", "section", "text"]
    list_filter = ["section"]
    search_fields = ["key", "text"]


@admin.register(GeneralObservation)
class GeneralObservationAdmin(ViewOnlyAdmin):
    """Loaded from the catalogue; never edited by users."""

    list_display = ["number", "version", "title", "confidence"]
    list_filter = ["version", "confidence"]
    search_fields = ["number", "title", "text"]


@admin.register(Rule)
class RuleAdmin(SimpleHistoryAdmin):
    """The secretariat follows a change of the statute here, without a code change."""

    form = RuleAdminForm
    list_display = [
        "key",
        "label",
        "value",
        "unit",
        "direction",
        "anchor",
        "default_value",
        "confidence",
    ]
    list_filter = ["unit", "confidence"]
    search_fields = ["key", "label", "source", "note"]
    fields = [
        "key",
        "label",
        "value",
        "unit",
        "direction",
        "anchor",
        "default_value",
        "source",
        "confidence",
        "note",
    ]
    readonly_fields = ["key", "unit", "direction", "anchor", "default_value"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the rules come from the rulebook (accreditation.rulebook.DEFAULT_RULES)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a deadline computed from a missing rule cannot be computed


@admin.register(StatusRecord)
class StatusRecordAdmin(ViewOnlyAdmin):
    """Append-only: written by accreditation.services only."""

    list_display = [
        "institution",
        "event",
        "grade",
        "decided_on",
        "effective_on",
        "basis",
        "reference",
    ]
    list_filter = ["event", "grade", "basis", "institution__region"]
    search_fields = ["institution__name", "institution__acronym", "reference", "note"]
    date_hierarchy = "effective_on"
    list_select_related = ["institution"]
