"""Input validation for the certificate workflow's staff pages."""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from activities.models import Faculty, StudyProgramme, in_language
from certificates import sharing
from certificates.models import Diploma, FinalReport, ReminderTemplate, Session, ShareLink
from cil.forms import bootstrap_widgets
from portfolio.forms import DateInput
from portfolio.models import Enrolment, Evidence, Reflection

PRESENTATION_FORMS = [
    ("ceremony", _("Ceremony")),
    ("poster", _("Poster session")),
    ("seminar", _("Seminar")),
    ("other", _("Other")),
]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the student"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you decline: say what is missing."),
    )


def _not_in_the_future(day: Any) -> None:
    # A step is recorded once it has happened; a date ahead would let the diploma come first.
    if day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))


class CareerCourseForm(forms.Form):
    completed_on = forms.DateField(
        label=_("Career course completed on"),
        widget=DateInput(),
        initial=timezone.localdate,
        validators=[_not_in_the_future],
    )


class PresentationForm(forms.Form):
    presented_on = forms.DateField(
        label=_("Presented on"),
        widget=DateInput(),
        initial=timezone.localdate,
        validators=[_not_in_the_future],
    )
    form = forms.ChoiceField(label=_("Form"), choices=PRESENTATION_FORMS)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(forms.Form):
    """The summary, one text per section (the questions are the headings), and photos."""

    summary = forms.CharField(
        label=_("Summary of your activities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "data-counts": ""}),
        help_text=_("Drafted from your approved activities; edit it as you like."),
    )
    photos = forms.ModelMultipleChoiceField(
        label=_("Photos to include (optional)"),
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, data: Any = None, *, report: FinalReport, language: str, **kwargs: Any
    ) -> None:
        initial = {"summary": report.summary, "photos": list(report.photos.all())}
        for index, section in enumerate(report.sections):
            initial[f"section_{index}"] = section.get("text", "")
        super().__init__(data, initial=initial, **kwargs)
        fields = {}
        for index, section in enumerate(report.sections):
            heading = section.get(language) or section["en"]
            fields[f"section_{index}"] = forms.CharField(
                label=heading,
                required=False,
                widget=forms.Textarea(attrs={"rows": 8, "data-counts": ""}),
            )
        # The sections come before the photos.
        photos = self.fields.pop("photos")
        self.fields.update(fields)
        self.fields["photos"] = photos
        photo_field = cast("forms.ModelMultipleChoiceField[Evidence]", self.fields["photos"])
        photo_field.queryset = Evidence.objects.filter(
            entry__enrolment=report.enrolment, content_type__startswith="image/"
        ).select_related("entry__activity")
        # Django documents replacing label_from_instance; mypy sees a method assigned to.
        photo_field.label_from_instance = lambda ev: ev.caption or ev.original_name  # type: ignore[method-assign,assignment]
        self.section_count = len(report.sections)

    def texts(self) -> list[str]:
        return [self.cleaned_data.get(f"section_{i}", "") for i in range(self.section_count)]

    def photo_ids(self) -> list[int]:
        return [ev.pk for ev in self.cleaned_data.get("photos", [])]


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments for the student"),
        required=False,
        # Bootstrap's class here: the review page writes the field itself (crispy-forms cost
        # about a millisecond a field).
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_(
            "Needed when you return the report. Say what must change for the report to meet the "
            "university's standards; the student's experience itself is not graded."
        ),
    )


class IssueForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the diploma"),
        choices=Diploma.Language.choices,
        initial=Diploma.Language.BOTH,
        help_text=_("“Both” gives one page in each language."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the student; the verification page says only that it is revoked."),
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields = ["kind", "title", "starts_at", "place", "capacity", "programmes"]
        widgets = {"starts_at": DateTimeInput(), "programmes": forms.CheckboxSelectMultiple}
        help_texts = {"title": _("Optional, e.g. “Spring ceremony 2027”.")}

    def __init__(self, *args: Any, user: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = cast(
            "forms.ModelMultipleChoiceField[StudyProgramme]", self.fields["programmes"]
        )
        programmes.queryset = StudyProgramme.objects.administered_by(user).distinct()
        programmes.initial = [programme.pk]
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [(v, capfirst(label)) for v, label in Session.Kind.choices]


class _NamedOptions(BaseChoiceIterator):
    """A drop-down list's options from one narrow query, made when the form is first shown:
    no model instance per row (there are hundreds of programmes at national scale), and,
    being a choice iterator, not normalised again each time the widget reads them."""

    def __init__(
        self, queryset: QuerySet[Faculty] | QuerySet[StudyProgramme], empty_label: object
    ) -> None:
        self.queryset, self.empty_label = queryset, empty_label

    @functools.cached_property
    def options(self) -> list[tuple[object, object]]:
        rows = self.queryset.values_list("pk", "name_en", "name_nb")
        return [("", self.empty_label)] + [(pk, in_language(en, nb)) for pk, en, nb in rows]

    def __iter__(self) -> Iterator[tuple[object, object]]:
        return iter(self.options)


class FiguresFilter(forms.Form):
    """The dashboards' filters: a year for everyone; faculty and programme for central staff."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    term = forms.ChoiceField(
        label=_("Term"),
        required=False,
        choices=[("", _("Whole year")), ("spring", _("Spring")), ("autumn", _("Autumn"))],
    )
    faculty = forms.ModelChoiceField[Faculty](label=_("Faculty"), required=False, queryset=None)
    programme = forms.ModelChoiceField[StudyProgramme](
        label=_("Study programme"), required=False, queryset=None
    )

    def __init__(self, *args: Any, central: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", _("All years"))] + [
            (y, str(y)) for y in range(this_year, this_year - 8, -1)
        ]
        if central:
            faculty = cast("forms.ModelChoiceField[Faculty]", self.fields["faculty"])
            faculty.queryset = Faculty.objects.order_by("name_en")
            faculty.empty_label = _("All faculties")
            programme = cast("forms.ModelChoiceField[StudyProgramme]", self.fields["programme"])
            programme.queryset = StudyProgramme.objects.order_by("name_en")
            programme.empty_label = _("All study programmes")
            # The querysets still validate a choice.
            faculty.choices = _NamedOptions(faculty.queryset, faculty.empty_label)
            programme.choices = _NamedOptions(programme.queryset, programme.empty_label)
        else:
            del self.fields["faculty"]
            del self.fields["programme"]
        bootstrap_widgets(self)


class ReminderTemplateForm(forms.ModelForm[ReminderTemplate]):
    class Meta:
        model = ReminderTemplate
        fields = ["subject_nb", "body_nb", "subject_en", "body_en"]
        widgets = {
            "body_nb": forms.Textarea(attrs={"rows": 6}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "body_nb": _("{name}, {programme} and {link} are filled in for each student."),
            "body_en": _("{name}, {programme} and {link} are filled in for each student."),
        }


def _month_choices() -> list[tuple[int, str]]:
    # A callable, so the labels are made in the language of each request, not at import.
    return [(n, ngettext("%(n)d month", "%(n)d months", n) % {"n": n}) for n in (1, 2, 3, 6, 12)]


class FollowUpFilter(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Nothing new for"),
        coerce=int,
        initial=3,
        choices=_month_choices,
    )


class ShareLinkForm(forms.ModelForm[ShareLink]):
    """What a new share link shows: the choices offered are the enrolment's approved activities'
    reflections and photos only (certificates.sharing)."""

    class Meta:
        model = ShareLink
        fields = ["label", "language", "expires_on", "show_activities", "reflections", "photos"]
        widgets = {
            "expires_on": DateInput(),
            "reflections": forms.CheckboxSelectMultiple,
            "photos": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "expires_on": _("At most one year from today; you can stop sharing before."),
        }

    def __init__(self, data: Any = None, *, enrolment: Enrolment, **kwargs: Any) -> None:
        today = timezone.localdate()
        initial = {"expires_on": today + datetime.timedelta(days=sharing.DEFAULT_DAYS)}
        super().__init__(data, initial=initial, **kwargs)
        self.enrolment = enrolment
        self.max_date = today + datetime.timedelta(days=sharing.MAX_DAYS)
        self.fields["expires_on"].widget.attrs.update(
            {
                "min": (today + datetime.timedelta(days=1)).isoformat(),
                "max": self.max_date.isoformat(),
            }
        )
        reflections = cast("forms.ModelMultipleChoiceField[Reflection]", self.fields["reflections"])
        reflections.queryset = sharing.shareable_reflections(enrolment)
        reflections.label_from_instance = _reflection_label  # type: ignore[method-assign,assignment]  # Django's documented hook
        photos = cast("forms.ModelMultipleChoiceField[Evidence]", self.fields["photos"])
        photos.queryset = sharing.shareable_photos(enrolment)
        photos.label_from_instance = _photo_label  # type: ignore[method-assign,assignment]  # Django's documented hook

    def clean_expires_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["expires_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date after today."))
        if value > self.max_date:
            raise forms.ValidationError(_("Choose a date at most one year from today."))
        return value


def _reflection_label(reflection: Reflection) -> str:
    entry = reflection.entry
    return f"{entry.activity.title} ({entry.started_on:%Y-%m-%d})"


def _photo_label(photo: Evidence) -> str:
    return f"{photo.caption or photo.original_name} ({photo.entry.activity.title})"


class InMemoryUpToLimit(FileUploadHandler):
    """Keeps an uploaded file in memory, never on disk, up to CIL_VERIFY_UPLOAD_MAX_BYTES for
    all files of the request together. Past that the file is skipped (Django reads the rest
    without keeping it) and ``request.cil_upload_too_large`` is set for the view to say so."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit: int = settings.CIL_VERIFY_UPLOAD_MAX_BYTES
        self.total = 0
        self.buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.total += len(raw_data)
        if self.total > self.limit:
            if self.request is not None:
                self.request.cil_upload_too_large = True  # type: ignore[attr-defined]
            raise SkipFile()
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class CheckPdfForm(forms.Form):
    """A PDF someone was sent, to check against the diplomas issued here."""

    pdf = forms.FileField(
        label=_("Diploma (PDF file)"),
        help_text=_("The PDF file you were sent. It is only compared, never kept."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_pdf(self) -> bytes:
        upload = self.cleaned_data["pdf"]
        data: bytes = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(
                _("This file is not a PDF. Choose the diploma's PDF file and check it again.")
            )
        return data

    def clean(self) -> dict[str, Any] | None:
        if self.too_large:
            self.errors.pop("pdf", None)
            self.add_error(
                "pdf",
                _(
                    "This file is larger than %(limit)s, far larger than a diploma. Choose the "
                    "diploma's PDF file and check it again."
                )
                % {"limit": filesizeformat(settings.CIL_VERIFY_UPLOAD_MAX_BYTES)},
            )
        return super().clean()
