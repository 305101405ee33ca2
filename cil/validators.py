"""What a person's name may hold.

A name is shown on pages, printed on the diploma and written into mail the portal sends to
other people (allauth's "someone has added your e-mail address", reminders, exports), so it
must not be a way to put one's own text there: no web or e-mail addresses, no line breaks or
invisible control characters (which also turn text around, or forge mail headers), and no
more than a name's length.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 100

# A host name ending in a lower-case top-level domain ("evil.example", "bit.ly/x"); initials
# ("J.R.R. Tolkien") and a capital after the dot ("St.John") are not.
_HOST = re.compile(r"[^\W_][\w-]*\.[a-z]{2,}\b")


def _looks_like_an_address(name: str) -> bool:
    lowered = name.lower()
    return "://" in lowered or "www." in lowered or "@" in name or bool(_HOST.search(name))


def validate_person_name(name: str) -> None:
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("Write your name in at most %(limit)d characters (it has %(length)d)."),
            code="name_too_long",
            params={"limit": NAME_MAX_LENGTH, "length": len(name)},
        )
    # Control (Cc), format (Cf: zero-width, direction overrides) and line/paragraph separators.
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise ValidationError(
            _("Write your name on one line, without line breaks or invisible characters."),
            code="name_control_characters",
        )
    if _looks_like_an_address(name):
        raise ValidationError(
            _("Write just your name, without a web address or e-mail address."),
            code="name_address",
        )
