"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from activities.models import (
    Activity,
    ActivityProposal,
    Category,
    Faculty,
    Location,
    ProgrammeRole,
    StudyProgramme,
)
from certificates.models import Diploma
from cil.models import GraduationAddress, User
from portfolio.models import Enrolment, Entry, Evidence

PASSWORD = "correct-horse-battery-staple"
# Staff must sign in with a second factor (cil/mfa.py): the factories give every staff member
# an authenticator app with this secret, so that tests can compute its codes (tests/mfa.py).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_second_factor(user: User, secret: str = TOTP_SECRET) -> None:
    """An authenticator app for ``user``, as if they had set one up (unless they have one)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


def give_graduation_address(user: User, email: str = "", *, verified: bool = True) -> EmailAddress:
    """A private address for after graduation, confirmed unless ``verified`` is False (unless
    the student has one): the diploma waits for it (CIL_DIPLOMA_REQUIRES_PRIVATE_EMAIL)."""
    existing = GraduationAddress.objects.filter(user=user).select_related("email_address").first()
    if existing is not None:
        return existing.email_address
    email = email or f"{user.email.partition('@')[0]}@private.example"
    address = EmailAddress.objects.create(user=user, email=email, verified=verified)
    GraduationAddress.objects.create(user=user, email_address=address)
    return address


_M = TypeVar("_M", bound=models.Model)


class ModelFactory(factory.django.DjangoModelFactory[_M]):
    """A DjangoModelFactory whose call is typed, like create(), as the model instance it makes."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's __new__ is untyped, so mypy would take FooFactory() for a FooFactory;
        # it returns the model instance, which mypy only accepts from __new__ with an ignore.
        def __new__(cls, *args: Any, **kwargs: Any) -> _M: ...  # type: ignore[misc]


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@uni.example")
    full_name = factory.Faker("name")

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def second_factor(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        staff = obj.is_central_staff or obj.is_superuser
        if create and (extracted if extracted is not None else staff):
            give_second_factor(obj)


class FacultyFactory(ModelFactory[Faculty]):
    class Meta:
        model = Faculty
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"faculty-{n}")
    name_en = factory.Sequence(lambda n: f"Faculty {n}")
    name_nb = factory.Sequence(lambda n: f"Fakultet {n}")


class ProgrammeFactory(ModelFactory[StudyProgramme]):
    class Meta:
        model = StudyProgramme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"programme-{n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    name_nb = factory.Sequence(lambda n: f"Studieprogram {n}")
    faculty = factory.SubFactory(FacultyFactory)


class ProgrammeRoleFactory(ModelFactory[ProgrammeRole]):
    class Meta:
        model = ProgrammeRole
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = ProgrammeRole.Role.ADMINISTRATOR

    @factory.post_generation
    def second_factor(
        obj: ProgrammeRole, create: bool, extracted: bool | None, **kwargs: object
    ) -> None:
        if create and extracted is not False:
            give_second_factor(obj.user)


class ActivityFactory(ModelFactory[Activity]):
    """A catalogue activity, offered by its responsible programme."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title_en = factory.Sequence(lambda n: f"Activity {n}")
    title_nb = factory.Sequence(lambda n: f"Aktivitet {n}")
    description_en = "An international activity."
    description_nb = "En internasjonal aktivitet."
    location = Location.HOME
    category = Category.LANGUAGE_CAFE

    @factory.post_generation
    def offered_by(obj: Activity, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            obj.programmes.add(obj.programme, *(extracted or []))


class ProposalFactory(ModelFactory[ActivityProposal]):
    class Meta:
        model = ActivityProposal

    student = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    title = "Volunteer at the Red Cross refugee language programme"
    description = "Teaching Norwegian to refugees every Tuesday this spring."
    location = Location.HOME
    category = Category.VOLUNTEER


class EnrolmentFactory(ModelFactory[Enrolment]):
    class Meta:
        model = Enrolment
        skip_postgeneration_save = True

    student = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    rules = factory.LazyAttribute(lambda o: o.programme.ruleset().to_dict())
    expected_term = Enrolment.Term.SPRING
    expected_year = 2028
    terms_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def graduation_address(
        obj: Enrolment, create: bool, extracted: bool | None, **kwargs: object
    ) -> None:
        """Students on the way to a diploma have confirmed their private address for after
        graduation, unless ``graduation_address=False``."""
        if create and extracted is not False:
            give_graduation_address(obj.student)


class EntryFactory(ModelFactory[Entry]):
    class Meta:
        model = Entry

    enrolment = factory.SubFactory(EnrolmentFactory)
    activity = factory.LazyAttribute(lambda o: ActivityFactory(programme=o.enrolment.programme))
    started_on = datetime.date(2026, 9, 1)
    country = "NO"
    city = "Oslo"
    description = "Took part every week."


def tiny_jpeg(size: tuple[int, int] = (40, 30), colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def tiny_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class EvidenceFactory(ModelFactory[Evidence]):
    """A photo stored in private storage, with its thumbnail."""

    class Meta:
        model = Evidence

    entry = factory.SubFactory(EntryFactory)
    kind = Evidence.Kind.PHOTO
    file = factory.LazyFunction(
        lambda: default_storage.save("evidence/test/photo.jpg", ContentFile(tiny_jpeg()))
    )
    thumbnail = factory.LazyFunction(
        lambda: default_storage.save("evidence/test/thumb.jpg", ContentFile(tiny_jpeg()))
    )
    content_type = "image/jpeg"
    original_name = "photo.jpg"
    size = 1000


class DiplomaFactory(ModelFactory[Diploma]):
    """An issued diploma row with a small stored PDF (no rendering: for workflow tests)."""

    class Meta:
        model = Diploma

    enrolment = factory.SubFactory(EnrolmentFactory)
    number = factory.Sequence(lambda n: f"TEST-{n:06d}")
    content = factory.LazyFunction(
        lambda: {"holder": "Test", "programme": {"en": "P"}, "activities": []}
    )
    pdf = factory.LazyFunction(
        lambda: default_storage.save("diplomas/test.pdf", ContentFile(tiny_pdf()))
    )
    sha256 = "0" * 64
    issued_at = factory.LazyFunction(timezone.now)


def enrolment_with_activities(
    *,
    student: User,
    programme: StudyProgramme,
    locations: tuple[str, ...] = ("home", "home", "abroad"),
    **kwargs: Any,
) -> Enrolment:
    """An enrolment with one approved activity per location: by default three, one abroad,
    which meets the rules of every test programme."""
    enrolment = EnrolmentFactory(student=student, programme=programme, **kwargs)
    for location in locations:
        activity = ActivityFactory(programme=programme, location=location)
        EntryFactory(enrolment=enrolment, activity=activity, status="approved")
    return enrolment
