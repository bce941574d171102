"""One error shape for every refusal: ``{"error": {"code", "message", "field"}}``.

The services' tree (:mod:`firmsync.crm.errors`) and django-ninja's own errors map here, in one
place, as the CLI's ``cli/edge.py`` maps them to exit codes:

=============================  ======  ====================
refusal                        status  code
=============================  ======  ====================
a locked field                 409     ``locked``
``Conflict``                   409     ``conflict`` (or its own)
``Invalid``, bad input         422     ``invalid``
``NotFound`` (other accounts)  404     ``not_found``
``Forbidden`` (role, plan)     403     ``forbidden``
``Unavailable`` (a provider)   503     ``unavailable``
no or a bad token              401     ``unauthorized``
too many requests              429     ``rate_limited`` (``Retry-After``)
=============================  ======  ====================
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from firmsync.crm.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unavailable,
)
from firmsync.crm.services import LockedField
from firmsync.identity import cnp

__all__ = ["ERRORS", "Error", "ErrorBody", "error_body", "error_response", "install", "responses"]

log = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None


class Error(Schema):
    error: ErrorBody


# Every status an endpoint may refuse with, and what it means (for the OpenAPI document).
ERRORS = {
    401: "no token, or an unknown or revoked one",
    403: "not allowed to this member (its role) or on this account's plan",
    404: "no such record in the member's account",
    409: "a locked field, or a conflict with the record's state",
    422: "invalid input; `field` names it",
    429: "too many requests with this token; see `Retry-After`",
}


def responses(ok: dict[int, Any], *refusals: int) -> dict[int, Any]:
    """An endpoint's responses: its own, the refusals every endpoint may give, and these."""
    return {**ok, **dict.fromkeys(sorted({401, 422, 429, *refusals}), Error)}


def error_body(code: str, message: str, field: str | None) -> dict[str, Any]:
    """What is inside the one error shape. Its message never carries a CNP, though it may
    quote the input: this is where every API refusal is written."""
    return {"code": code, "message": cnp.mask(message), "field": field}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, field: str | None
) -> HttpResponse:
    return api.create_response(request, {"error": error_body(code, message, field)}, status=status)


def _field(location: tuple[Any, ...] | list[Any]) -> str | None:
    """The field a validation error is about: body fields by their path inside the body
    (``companies.3.name``), query and path parameters by name."""
    parts = [str(p) for p in location]
    if not parts:
        return None
    if parts[0] == "body":
        return ".".join(parts[2:]) or "body"
    return ".".join(parts[1:]) or parts[0]


def install(api: NinjaAPI) -> None:
    """Map every error an endpoint may raise to the one shape."""

    def service(request: HttpRequest, error: ServiceError) -> HttpResponse:
        status, code, field = 500, "internal", None
        if isinstance(error, LockedField):
            status, code, field = 409, "locked", error.field
        elif isinstance(error, Invalid):
            status, code, field = 422, "invalid", error.field
        elif isinstance(error, NotFound):
            status, code = 404, "not_found"
        elif isinstance(error, Forbidden):
            status, code = 403, "forbidden"
        elif isinstance(error, Conflict):
            status, code = 409, getattr(error, "code", "conflict")
            field = getattr(error, "field", None)
        elif isinstance(error, Unavailable):
            status, code = 503, "unavailable"
        message = error.message if isinstance(error, Invalid) else str(error)
        body = {"error": error_body(code, message, field)}
        body.update(getattr(error, "extra", None) or {})  # e.g. what deactivation removes
        return api.create_response(request, body, status=status)

    def validation(request: HttpRequest, error: ValidationError) -> HttpResponse:
        first = error.errors[0] if error.errors else {}
        field = _field(first.get("loc", ()))
        message = first.get("msg", "invalid input")
        return error_response(api, request, 422, "invalid", f"{field}: {message}", field)

    def http(request: HttpRequest, error: HttpError) -> HttpResponse:
        if isinstance(error, Throttled):
            return error_response(
                api, request, 429, "rate_limited", "too many requests with this token", None
            )
        if isinstance(error, AuthenticationError):
            message = "send a valid token: `Authorization: Bearer <token>`"
            return error_response(api, request, 401, "unauthorized", message, None)
        if error.status_code == 400:  # a body that is not JSON: invalid input like any other
            return error_response(api, request, 422, "invalid", f"body: {error}", "body")
        code = {405: "method_not_allowed"}.get(error.status_code, "error")
        return error_response(api, request, error.status_code, code, str(error), None)

    def missing(request: HttpRequest, error: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", "not found", None)

    def crash(request: HttpRequest, error: Exception) -> HttpResponse:
        log.exception("%s %s failed", request.method, request.path)
        return error_response(api, request, 500, "internal", "internal error", None)

    api.add_exception_handler(ServiceError, service)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http)
    api.add_exception_handler(Http404, missing)
    api.add_exception_handler(Exception, crash)
