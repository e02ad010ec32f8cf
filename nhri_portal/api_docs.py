"""The API's documentation page, drawn on the server from the generated OpenAPI schema:
no script from elsewhere, so it holds under the strict Content-Security-Policy."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    kind: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: list[str]  # paragraphs
    public: bool
    parameters: list[Parameter]
    body_types: list[str]
    statuses: list[str]
    curl: str

    @property
    def anchor(self) -> str:
        return self.method.lower() + self.path.replace("/", "-").replace("{", "").replace("}", "")


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                found.append(_operation(path, method, item[method]))
    return found


def _operation(path: str, method: str, op: dict[str, Any]) -> Operation:
    public = {} in op.get("security", [])
    description = _paragraphs(op.get("description", ""))
    body_types = list(op.get("requestBody", {}).get("content", {}))
    return Operation(
        method=method.upper(),
        path=path,
        summary=op.get("summary", ""),
        description=description,
        public=public,
        parameters=[_parameter(p) for p in op.get("parameters", [])],
        body_types=body_types,
        statuses=sorted(op.get("responses", {})),
        curl=_curl(method, path, public=public, body_types=body_types),
    )


def _parameter(given: dict[str, Any]) -> Parameter:
    schema = given.get("schema", {})
    kind = schema.get("format") or schema.get("type") or ""
    if "enum" in schema:
        kind = " | ".join(str(value) for value in schema["enum"] if value not in ("", None))
    return Parameter(
        name=given["name"],
        where=given.get("in", ""),
        required=bool(given.get("required")),
        kind=kind,
        description=" ".join(_paragraphs(given.get("description", ""))),
    )


def _paragraphs(text: str) -> list[str]:
    """A docstring's paragraphs, each on one line; drf-spectacular's list of an enum's
    values (lines "* `A` - ...") is left out: the values are shown on their own."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if not line.startswith("* `")]
        if any(lines):
            paragraphs.append(" ".join(line for line in lines if line))
    return paragraphs


def _curl(method: str, path: str, *, public: bool, body_types: list[str]) -> str:
    parts = ["curl"]
    if method != "get":
        parts.append(f"-X {method.upper()}")
    if not public:
        parts.append("-H 'Authorization: Token YOUR-TOKEN'")
    if "application/json" in body_types:
        parts.append("-H 'Content-Type: application/json' -d '{…}'")
    parts.append(f"'{settings.SITE_URL}{path}'")
    return " ".join(parts)


@functools.cache
def _schema(language: str) -> dict[str, Any]:
    """The schema changes only with the code (and its descriptions with the language)."""
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    schema = _schema(get_language())
    context = {"info": schema.get("info", {}), "operations": operations(schema)}
    return render(request, "api/docs.html", context)
