"""Names the app server that answered, when several run behind one proxy.

Only installed when CIL_INSTANCE_NAME is set (cil/settings.py): operators set it to tell the
servers apart in a browser's developer tools or a proxy's log, and the multi-server test
(scripts/cluster-test.sh) to check which instance served a request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


class InstanceHeaderMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.name = settings.CIL_INSTANCE_NAME

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response["X-CIL-Instance"] = self.name
        return response
