"""Admin building blocks shared by the apps' ``admin.py`` modules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ViewOnlyMixin:
    """For rows only the services write (history, decisions, votes): the admin may look
    at them, never add, change or delete them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ViewOnlyAdmin(ViewOnlyMixin, admin.ModelAdmin):
    pass


class ViewOnlyInline(ViewOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = False
