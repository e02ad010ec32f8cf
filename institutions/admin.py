from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from institutions.models import Institution, Membership, Region, Seat
from institutions.permissions import is_secretariat
from institutions.services import add_member, remove_member


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "network", "network_acronym"]
    search_fields = ["network", "network_acronym"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Observers gain their role through institutions.services.add_observer, not here.
        return ["observers"] if obj is None else ["code", "observers"]


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "country", "region", "kind", "working_language"]
    list_filter = ["region", "kind", "working_language", "name_confirmed"]
    search_fields = ["name", "acronym", "country"]
    autocomplete_fields = ["predecessor"]
    list_select_related = ["region"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Adding and removing go through the services, which grant and revoke the right to act
    for the institution; a membership is never edited in place."""

    list_display = ["user", "institution", "role"]
    list_filter = ["role", "institution__region"]
    search_fields = ["user__username", "user__email", "institution__name", "institution__acronym"]
    autocomplete_fields = ["user", "institution"]
    list_select_related = ["user", "institution"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_secretariat(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_secretariat(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        saved = add_member(
            user=obj.user, institution=obj.institution, role=obj.role, by=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        remove_member(membership=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset:
            remove_member(membership=membership, by=request.user)


@admin.register(Seat)
class SeatAdmin(SimpleHistoryAdmin):
    list_display = ["institution", "body", "role", "region", "starts_on", "ends_on"]
    list_filter = ["body", "role", "region"]
    search_fields = ["institution__name", "institution__acronym", "note"]
    list_select_related = ["institution", "region"]
    # The people a seat sends get their role through institutions.services.add_seat_person.
    readonly_fields = ["institution", "body", "region", "people"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # seats are assigned through institutions.services.assign_seat
