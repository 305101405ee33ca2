"""Each enrolment's copy of the rules gets the final report's word range.

The range used to be read from the programme when the student submitted, so a programme that
changed it moved students already writing. It is now part of the rules kept at sign-up; the
best record of the range a student signed up under is the programme's range today.
"""

from django.db import migrations

WORD_RANGE = ("report_min_words", "report_max_words")


def copy_programme_word_range(apps, schema_editor) -> None:
    Enrolment = apps.get_model("portfolio", "Enrolment")
    changed = []
    for enrolment in Enrolment.objects.select_related("programme").iterator(chunk_size=500):
        missing = [key for key in WORD_RANGE if key not in enrolment.rules]
        for key in missing:
            enrolment.rules[key] = getattr(enrolment.programme, key)
        if missing:
            changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["rules"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_catalogue_proposals_and_pages"),
        ("portfolio", "0004_review_queue_indexes"),
    ]

    operations = [
        migrations.RunPython(copy_programme_word_range, migrations.RunPython.noop),
    ]
