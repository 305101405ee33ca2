"""Existing audit events learn the programme they belong to (AuditEvent.programme_pk).

The certificates app knows every model that can be an event's target, so the backfill lives
here rather than in the core. Events whose programme cannot be told stay without one: a
programme's staff then no longer see them on a student's page; the student still does.
"""

from django.db import migrations
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("cil", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")

    def events_on(app_label: str, model: str):
        content_type = ContentType.objects.filter(app_label=app_label, model=model.lower()).first()
        if content_type is None:
            return AuditEvent.objects.none()
        return AuditEvent.objects.filter(content_type=content_type, programme_pk__isnull=True)

    def set_from(app_label: str, model: str, path: str) -> None:
        Model = apps.get_model(app_label, model)
        events_on(app_label, model).update(
            programme_pk=Subquery(
                Model.objects.filter(
                    pk=Cast(OuterRef("object_id"), IntegerField())
                ).values(path)[:1]
            )
        )

    set_from("activities", "StudyProgramme", "pk")
    set_from("activities", "Activity", "programme_id")
    set_from("activities", "ActivityProposal", "programme_id")
    set_from("portfolio", "Enrolment", "programme_id")
    set_from("portfolio", "Entry", "enrolment__programme_id")
    set_from("certificates", "FinalReport", "enrolment__programme_id")
    set_from("certificates", "Diploma", "enrolment__programme_id")
    # A session may serve several programmes: the student's own sign-up says which.
    SessionSignup = apps.get_model("certificates", "SessionSignup")
    events_on("certificates", "Session").filter(subject__isnull=False).update(
        programme_pk=Subquery(
            SessionSignup.objects.filter(
                session_id=Cast(OuterRef("object_id"), IntegerField()),
                enrolment__student_id=OuterRef("subject_id"),
            ).values("enrolment__programme_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cil", "0003_audit_event_programme"),
        ("activities", "0003_catalogue_proposals_and_pages"),
        ("portfolio", "0004_review_queue_indexes"),
        ("certificates", "0004_reminders"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
