from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_permissions(**kwargs: Any) -> None:
    from institutions.services import sync_role_permissions

    sync_role_permissions()


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions and people")

    def ready(self) -> None:
        # Model permissions exist only after migrate has run; grant them then.
        post_migrate.connect(_sync_role_permissions, dispatch_uid="nhri-role-permissions")
