"""Planning a session through the API, as the page that plans one: the secretariat gives
its name and dates, and the session comes with its deadlines from the rulebook."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nhri_portal.errors import DomainError
from reviews.api.base import checked, sent
from reviews.api.sessions import SessionDetailSerializer, SessionList, sessions_for
from reviews.forms import SessionForm
from reviews.services.sessions import create_session
from reviews.views.sessions import field_of_refusal


class NewSessionSerializer(serializers.Serializer[Any]):
    """Documents the request; the page's form checks it."""

    number = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=32767)
    name = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=120)
    is_virtual = serializers.BooleanField(required=False, default=False)
    dates_confirmed = serializers.BooleanField(
        required=False,
        default=True,
        help_text=_("False while only the month of the session is known."),
    )


class Sessions(SessionList):
    """The sessions (as :class:`SessionList`), and a new one planned."""

    @extend_schema(request=NewSessionSerializer, responses={201: SessionDetailSerializer})
    def post(self, request: Request) -> Response:
        user = request.user
        sessions_for(user)  # 404 to all but the secretariat, as the list
        data = {k: "" if v is None else v for k, v in sent(request).items()}
        data.setdefault("dates_confirmed", True)  # the page's box is ticked at first
        form = checked(SessionForm(data))
        try:
            session = create_session(by=user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:  # as the page: named on the field it is about
            field = field_of_refusal(form.cleaned_data)
            if field is None:
                raise
            raise exceptions.ValidationError({field: [str(error)]}) from error
        created = sessions_for(user).get(pk=session.pk)
        return Response(SessionDetailSerializer(created).data, status=status.HTTP_201_CREATED)
