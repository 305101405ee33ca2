"""E-mail to users: rendered in the recipient's language, sent by a background task.

Services call ``notify`` inside their transaction; the task is queued only when it commits, so
a rolled-back change never sends mail, and no request waits for the mail server.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django_tasks import task

from cil.models import User


@task()
def send_mail_task(*, recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])


def _plain_text(name: str, context: dict[str, Any]) -> str:
    """Render a mail template without HTML escaping: mail is plain text, and a name or title
    with a quote or "&" would otherwise reach the subject line as "&quot;" or "&amp;"."""
    # The Django backend's template wraps the compiled one, which takes a Context.
    compiled = cast(Any, get_template(name)).template
    return str(compiled.render(Context(context, autoescape=False)))


def notify(*, user: User, template: str, context: dict[str, Any], to: str = "") -> None:
    """Mail ``user`` the message in ``templates/<template>_subject.txt`` and ``_body.txt``,
    at their account's address or at ``to`` (another address of theirs)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = _plain_text(f"{template}_subject.txt", context).strip()
        body = _plain_text(f"{template}_body.txt", context)
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{' '.join(subject.split())}"
    recipient = to or user.email
    transaction.on_commit(
        lambda: send_mail_task.enqueue(recipient=recipient, subject=subject, body=body)
    )


def render_mail(*, language: str, template: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject and body of ``template`` in ``language``, for someone without an account
    (an activity's organiser, say): the caller sends it."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = _plain_text(f"{template}_subject.txt", context).strip()
        body = _plain_text(f"{template}_body.txt", context)
    return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{' '.join(subject.split())}", body


def undelivered(recipients: Iterable[str], *, days: int = 30) -> list[dict[str, Any]]:
    """Mail to these addresses that the background worker could not send (newest first).

    Tasks wait in the database (django-tasks-db); a failed one keeps its arguments, so
    administrators can see who was not told and tell them another way.
    """
    from django_tasks_db.models import DBTaskResult

    wanted = {r.lower() for r in recipients}
    if not wanted:
        return []
    since = timezone.now() - timedelta(days=days)
    failed = (
        DBTaskResult.objects.failed()
        .filter(task_path=send_mail_task.module_path, finished_at__gte=since)
        .order_by("-finished_at")[:200]
    )
    result = []
    for task_result in failed:
        kwargs = (task_result.args_kwargs or {}).get("kwargs", {})
        if kwargs.get("recipient", "").lower() in wanted:
            result.append(
                {
                    "recipient": kwargs["recipient"],
                    "subject": kwargs.get("subject", ""),
                    "when": task_result.finished_at,
                }
            )
    return result
