"""Verifiable credentials' public addresses: the revocation status lists."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from certificates import status_list as status_lists
from certificates.models import StatusList

# The VC Data Model's media type for a credential with a Data Integrity proof.
CREDENTIAL_MEDIA_TYPE = "application/vc+ld+json"


@login_not_required
@require_safe
def status_list(request: HttpRequest, status_list: int) -> HttpResponse:
    """The BitstringStatusListCredential: anyone (verifiers) reads it; caches may keep it for
    its ``ttl``, so a revocation is public within CIL_STATUS_LIST_TTL seconds."""
    instance = get_object_or_404(StatusList, pk=status_list)
    document = status_lists.signed_status_list_credential(instance)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type=CREDENTIAL_MEDIA_TYPE
    )
    patch_cache_control(response, public=True, max_age=status_lists.ttl_seconds())
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in a browser may read it too
    return response
