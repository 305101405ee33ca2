"""System checks: the access policy must cover every URL, and agree with the views."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, Tags.urls)
def check_every_url_has_a_rule(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from cil.policy import iter_urls, rule_for

    errors = []
    for entry in iter_urls():
        rule = rule_for(entry.view_name)
        if rule is None and not entry.named:
            errors.append(
                Error(
                    f"URL pattern '{entry.route}' has no name, so no access rule can name it.",
                    hint="Give the pattern a name and declare it in cil.policy.URL_RULES.",
                    id="cil.E001",
                )
            )
        elif rule is None:
            errors.append(
                Error(
                    f"URL '{entry.view_name}' ({entry.route}) has no access rule.",
                    hint="Declare it in cil.policy.URL_RULES; until then it answers 403.",
                    id="cil.E002",
                )
            )
        elif rule.public and getattr(entry.callback, "login_required", True):
            errors.append(
                Error(
                    f"URL '{entry.view_name}' is public in the policy, but its view is not "
                    "marked login_not_required, so anonymous visitors would be sent to log in.",
                    hint="Decorate the view with django.contrib.auth.decorators."
                    "login_not_required.",
                    id="cil.E003",
                )
            )
    return errors


# The default of SITE_URL in cil/settings.py: fine on a developer's machine, wrong anywhere else.
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


@register(Tags.security, deploy=True)
def check_site_url_is_set(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every link in mail is built from SITE_URL, so a deployment must name its own address."""
    from django.conf import settings

    if settings.DEBUG or settings.SITE_URL != DEVELOPMENT_SITE_URL:
        return []
    return [
        Error(
            f"SITE_URL is the development default ({DEVELOPMENT_SITE_URL}) while DEBUG is off: "
            "links in e-mail would point there.",
            hint="Set SITE_URL to the portal's public address, e.g. https://cil.uni.example.",
            id="cil.E010",
        )
    ]


@register(Tags.security, deploy=True)
def check_privacy_notice_is_published(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """People must be told how their data is processed: until central staff publish a privacy
    notice, nobody is asked to read one (cil/privacy.py)."""
    from django.db import DatabaseError

    from cil.models import PrivacyNotice

    try:
        published = PrivacyNotice.objects.exists()
    except DatabaseError:  # no database yet (a build step): nothing to say about its contents
        return []
    if published:
        return []
    return [
        CheckWarning(
            "No privacy notice is published: nobody signing up or in is told how their "
            "personal data is processed.",
            hint="Central staff publish one under Privacy notice (/staff/privacy/).",
            id="cil.W011",
        )
    ]
