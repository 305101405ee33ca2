"""E-mail to users: rendered in the recipient's language, sent by a background task.

Services call ``notify`` inside their transaction; the task is queued only when it commits, so
a rolled-back change never sends mail, and no request waits for the mail server.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from cil.models import User


@task()
def send_mail_task(*, recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])


def notify(*, user: User, template: str, context: dict[str, Any]) -> None:
    """Mail ``user`` the message in ``templates/<template>_subject.txt`` and ``_body.txt``."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{' '.join(subject.split())}"
    transaction.on_commit(
        lambda: send_mail_task.enqueue(recipient=user.email, subject=subject, body=body)
    )
