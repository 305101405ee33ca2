"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from activities.models import (
    Activity,
    ActivityProposal,
    Category,
    Faculty,
    Location,
    ProgrammeRole,
    StudyProgramme,
)
from cil.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
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


class FacultyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Faculty
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"faculty-{n}")
    name_en = factory.Sequence(lambda n: f"Faculty {n}")
    name_nb = factory.Sequence(lambda n: f"Fakultet {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyProgramme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"programme-{n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    name_nb = factory.Sequence(lambda n: f"Studieprogram {n}")
    faculty = factory.SubFactory(FacultyFactory)


class ProgrammeRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeRole

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = ProgrammeRole.Role.ADMINISTRATOR


class ActivityFactory(factory.django.DjangoModelFactory):
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


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityProposal

    student = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    title = "Volunteer at the Red Cross refugee language programme"
    description = "Teaching Norwegian to refugees every Tuesday this spring."
    location = Location.HOME
    category = Category.VOLUNTEER
