"""``Idempotency-Key`` on POST: a retried request gets the first answer, and creates nothing
twice (the IETF draft "The Idempotency-Key HTTP Header Field").

A key belongs to the credentials that sent it. The first request with a key is recorded as
in progress, answered, and its answer kept for a day; a retry with the same key and the
same request gets that answer again; the same key with another request is refused (422);
a retry while the first is still running is refused (409). Answers that say nothing about
the request (401, 429, 5xx) are not kept: a retry runs again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from firmsync.api.errors import error_body
from firmsync.api.services import (
    KEPT,
    Answered,
    idempotent_begin,
    idempotent_finish,
    idempotent_forget,
)

__all__ = ["HEADER", "KEPT", "IdempotencyMiddleware"]

HEADER = "Idempotency-Key"
_NOT_KEPT = (401, 429)


def _refusal(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": error_body(code, message, HEADER)}, status=status)


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _instead(answered: Answered) -> HttpResponse:
    if answered.conflict == "reused":
        return _refusal(422, "idempotency_key_reused", "this key was used for another request")
    if answered.conflict == "running":
        return _refusal(409, "idempotency_in_progress", "the first request is still running")
    assert answered.status is not None
    answer = HttpResponse(answered.body, status=answered.status, content_type=answered.content_type)
    answer["Idempotent-Replayed"] = "true"
    return answer


class IdempotencyMiddleware:
    """Runs a POST under ``/api/`` that carries an ``Idempotency-Key`` at most once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not 1 <= len(key) <= 255 or not key.isprintable():
            return _refusal(422, "invalid", "an idempotency key is 1 to 255 printable characters")
        scope = _digest(request.headers.get("Authorization", "").encode())
        fingerprint = _digest(request.method.encode(), request.path.encode(), request.body)
        begun = idempotent_begin(scope, key, fingerprint)
        if isinstance(begun, Answered):
            return _instead(begun)
        try:
            response = self.get_response(request)
        except BaseException:
            idempotent_forget(begun)
            raise
        if response.status_code in _NOT_KEPT or response.status_code >= 500:
            idempotent_forget(begun)
            return response
        content_type = response.get("Content-Type", "application/json")
        idempotent_finish(begun, response.status_code, response.content, content_type)
        return response
