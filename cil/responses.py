"""Responses every app sends the same way: private files (what every download of a student's or
a diploma's file sends) and the page that asks before a step that cannot be undone."""

from __future__ import annotations

from typing import IO, TypeVar

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

_R = TypeVar("_R", bound=HttpResponseBase)


def no_store(response: _R) -> _R:
    """Personal data: no shared cache and no browser cache keeps a copy."""
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response


def private_file(
    content: IO[bytes],
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    sandbox: bool = False,
) -> FileResponse:
    """Stream a private file with its checked type, never sniffed and never cached.

    ``sandbox`` adds a policy under which a browser that rendered the file as a page could run
    nothing; it is left off where the browser's own viewer must work (PDFs read inline).
    """
    response = FileResponse(
        content, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    if sandbox:
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    no_store(response)
    return response


def confirm_page(
    request: HttpRequest,
    *,
    question: str,
    explanation: str,
    button: str,
    cancel_url: str,
    style: str = "primary",
) -> HttpResponse:
    """Asks before a step: the form posts back to the same address, Cancel goes back."""
    return render(
        request,
        "_confirm.html",
        {
            "question": question,
            "explanation": explanation,
            "button": button,
            "cancel_url": cancel_url,
            "button_style": style,
        },
    )
