"""The generated OpenAPI schema (the ``DEFAULT_SCHEMA_CLASS``), with the refusals every
operation can answer: the shapes ``nhri_portal.api.exception_handler`` gives them."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Why, for a person to read."}},
    "required": ["detail"],
}
# Bad input: a ``detail``, or DRF's messages by field name.
INVALID = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

REFUSALS = {
    "400": "The request is not valid: the message says why.",
    "401": "No token or signed-in session, or one that no longer works.",
    "403": "The user may see this but not do it.",
    "404": "Not found, or not visible to this user.",
    "409": "Someone else changed it first: read it again.",
    "429": "Too many requests without a token: wait a minute.",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._refusals():
            if code not in responses:
                body = OpenApiResponse(INVALID if code == "400" else DETAIL, REFUSALS[code])
                responses[code] = self._get_response_for_code(body, code, direction=direction)
        return dict(sorted(responses.items()))

    def _refusals(self) -> list[str]:
        codes = ["400", "429"]
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes.append("409")
        return codes
