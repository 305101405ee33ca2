"""The certificate administrator's pages: rules, questions, page, catalogue, proposals, groups."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity, ActivityProposal, ProgrammePage, ProgrammeRole
from cil.models import AuditEvent
from tests.conftest import Personas
from tests.factories import ActivityFactory, EnrolmentFactory, ProposalFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


RULES = {
    "signup_open": "on",
    "min_activities": "3",
    "min_home": "1",
    "min_abroad": "0",
    "career_course_required": "on",
    "presentation_required": "on",
    "report_min_words": "500",
    "report_max_words": "1000",
    "sizes": "",
    "substitutions": "",
}

ACTIVITY = {
    "title_en": "Buddy for exchange students",
    "title_nb": "Fadder for utvekslingsstudenter",
    "description_en": "Welcome and follow up an incoming exchange student for a semester.",
    "description_nb": "Ta imot og følg opp en innreisende utvekslingsstudent i et semester.",
    "location": "home",
    "category": "mentoring",
    "curriculum": "informal",
    "organiser": "student_organisation",
    "engagements_required": "1",
    "evidence_en": "A confirmation from the buddy programme.",
    "evidence_nb": "En bekreftelse fra fadderordningen.",
}


def test_administrator_changes_the_rules(personas: Personas) -> None:
    response = client_for(personas.admin_p).post(
        reverse("activities:edit_rules", args=["nursing"]), RULES
    )
    assert response.status_code == 302
    personas.programme_p.refresh_from_db()
    assert personas.programme_p.min_abroad == 0
    assert personas.programme_p.career_course_required is True


def test_size_rules_are_written_in_plain_text(personas: Personas) -> None:
    data = {**RULES, "sizes": "a: 1, B=2", "substitutions": "3 C = B"}
    client_for(personas.admin_p).post(reverse("activities:edit_rules", args=["nursing"]), data)
    personas.programme_p.refresh_from_db()
    assert personas.programme_p.size_requirements == {"A": 1, "B": 2}
    assert personas.programme_p.size_substitutions == [{"size": "C", "count": 3, "replaces": "B"}]
    page = client_for(personas.admin_p).get(reverse("activities:edit_rules", args=["nursing"]))
    assert page.context["form"]["sizes"].value() == "A: 1, B: 2"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"min_home": "4"}, "min_activities", "cannot be more than the number of activities"),
        ({"report_min_words": "1200"}, "report_max_words", "at least the minimum"),
        ({"sizes": "A one"}, "sizes", "is not a size and a number"),
        ({"sizes": "A: 1, A: 2"}, "sizes", "named twice"),
        (
            {"sizes": "A: 1", "substitutions": "3 C = B"},
            "substitutions",
            "replace one of the required",
        ),
        ({"substitutions": "three C for B"}, "substitutions", "is not a substitution"),
        ({"min_activities": "0", "min_home": "0"}, "min_activities", "greater than or equal to 1"),
    ],
)
def test_bad_rules_get_a_clear_message_and_nothing_changes(
    personas: Personas, change, field, message
) -> None:
    response = client_for(personas.admin_p).post(
        reverse("activities:edit_rules", args=["nursing"]), {**RULES, **change}
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    personas.programme_p.refresh_from_db()
    assert personas.programme_p.min_abroad == 1 and not AuditEvent.objects.exists()


def test_administrator_of_q_cannot_change_the_rules_of_p(personas: Personas) -> None:
    response = client_for(personas.admin_q).post(
        reverse("activities:edit_rules", args=["nursing"]), RULES
    )
    assert response.status_code == 403
    personas.programme_p.refresh_from_db()
    assert personas.programme_p.min_abroad == 1


def test_questions_must_line_up_in_both_languages(personas: Personas) -> None:
    url = reverse("activities:edit_questions", args=["nursing"])
    data = {"activity_en": "One?\nTwo?", "activity_nb": "En?", "report_en": "A?", "report_nb": "A?"}
    response = client_for(personas.admin_p).post(url, data)
    assert (
        "as many questions in bokmål (1) as in English (2)"
        in response.context["form"].errors["activity_nb"][0]
    )
    data["activity_nb"] = "En?\n\nTo?"
    assert client_for(personas.admin_p).post(url, data).status_code == 302
    personas.programme_p.refresh_from_db()
    assert personas.programme_p.activity_questions == [
        {"en": "One?", "nb": "En?"},
        {"en": "Two?", "nb": "To?"},
    ]


def test_page_text_is_saved_and_shown_publicly(personas: Personas, client: Client) -> None:
    url = reverse("activities:edit_page", args=["nursing"])
    fields = {name: "" for name in client_for(personas.admin_p).get(url).context["form"].fields}
    fields.update(
        contacts_en="Write to [CIL](mailto:cil@uni.example).", contacts_nb="Skriv til oss."
    )
    assert client_for(personas.admin_p).post(url, fields).status_code == 302
    assert ProgrammePage.objects.get(programme=personas.programme_p).contacts_nb == "Skriv til oss."
    assert (
        'href="mailto:cil@uni.example"'
        in client.get(reverse("activities:programme", args=["nursing"])).content.decode()
    )


def test_administrator_adds_an_activity(personas: Personas) -> None:
    response = client_for(personas.admin_p).post(
        reverse("activities:activity_create", args=["nursing"]), ACTIVITY
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.title_nb == "Fadder for utvekslingsstudenter"
    assert list(activity.programmes.all()) == [personas.programme_p]


def test_an_activity_needs_both_languages(personas: Personas) -> None:
    response = client_for(personas.admin_p).post(
        reverse("activities:activity_create", args=["nursing"]), {**ACTIVITY, "title_nb": ""}
    )
    assert response.status_code == 200
    assert "title_nb" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_sized_programme_asks_for_a_size(personas: Personas) -> None:
    p = personas.programme_p
    p.size_requirements = {"A": 1, "B": 2}
    p.size_substitutions = [{"size": "C", "count": 3, "replaces": "B"}]
    p.save()
    client = client_for(personas.admin_p)
    url = reverse("activities:activity_create", args=["nursing"])
    assert [c[0] for c in client.get(url).context["form"].fields["size"].choices] == ["A", "B", "C"]
    assert "size" in client.post(url, ACTIVITY).context["form"].errors
    client.post(url, {**ACTIVITY, "size": "C"})
    assert Activity.objects.get().size == "C"


def test_administrator_of_q_cannot_reach_an_activity_of_p_through_their_own_programme(
    personas: Personas,
) -> None:
    activity = ActivityFactory(programme=personas.programme_p)
    client = client_for(personas.admin_q)
    for name in ("activity_edit", "activity_archive", "activity_restore"):
        assert (
            client.get(reverse(f"activities:{name}", args=["medicine", activity.pk])).status_code
            == 404
        )
        assert (
            client.post(reverse(f"activities:{name}", args=["medicine", activity.pk])).status_code
            == 404
        )
        assert (
            client.post(reverse(f"activities:{name}", args=["nursing", activity.pk])).status_code
            == 403
        )
    activity.refresh_from_db()
    assert activity.archived_at is None


def test_archiving_asks_for_confirmation_then_archives(personas: Personas) -> None:
    activity = ActivityFactory(programme=personas.programme_p, title_en="Summer school in Lyon")
    client = client_for(personas.admin_p)
    url = reverse("activities:activity_archive", args=["nursing", activity.pk])
    page = client.get(url)
    assert "Archive “Summer school in Lyon”?" in page.content.decode()
    activity.refresh_from_db()
    assert activity.archived_at is None  # a GET changes nothing
    assert client.post(url).status_code == 302
    activity.refresh_from_db()
    assert activity.archived_at is not None
    again = client.post(url, follow=True)
    assert "already archived" in again.content.decode()


def test_manage_programme_lists_current_and_archived_separately(personas: Personas) -> None:
    ActivityFactory(programme=personas.programme_p, title_en="Current one")
    ActivityFactory(
        programme=personas.programme_p, title_en="Archived one", archived_at="2025-01-01T00:00Z"
    )
    client = client_for(personas.admin_p)
    url = reverse("activities:manage_programme", args=["nursing"])
    assert [a.title_en for a in client.get(url).context["activities"]] == ["Current one"]
    assert [a.title_en for a in client.get(url, {"show": "archived"}).context["activities"]] == [
        "Archived one"
    ]


@pytest.mark.parametrize("size", [5, 200])
def test_manage_programme_query_count_does_not_grow(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    ActivityFactory.create_batch(
        size, programme=personas.programme_p, private_to=personas.student_a
    )
    client = client_for(personas.admin_p)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("activities:manage_programme", args=["nursing"]))
    assert len(response.context["activities"]) == size


@pytest.mark.parametrize("size", [5, 200])
def test_proposal_list_query_count_does_not_grow(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    ProposalFactory.create_batch(size, programme=personas.programme_p)
    client = client_for(personas.admin_p)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("activities:proposals", args=["nursing"]))
    assert len(response.context["proposals"]) == size


def test_student_proposes_and_sees_only_their_own_proposals(personas: Personas) -> None:
    EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    client = client_for(personas.student_a)
    response = client.post(
        reverse("activities:propose", args=["nursing"]),
        {
            "title": "Volunteer at the refugee reception centre",
            "description": "Weekly Norwegian conversation practice with newly arrived refugees.",
            "location": "home",
            "category": "volunteer",
            "organiser": "student",
            "organiser_name": "Red Cross",
            "link": "redcross.example/volunteer",
        },
    )
    assert response.status_code == 302
    proposal = ActivityProposal.objects.get()
    assert (proposal.student, proposal.link) == (
        personas.student_a,
        "https://redcross.example/volunteer",
    )
    ProposalFactory(programme=personas.programme_p, student=personas.student_b, title="B's idea")
    mine = client.get(reverse("activities:my_proposals"))
    assert [p.title for p in mine.context["proposals"]] == [
        "Volunteer at the refugee reception centre"
    ]
    assert "B's idea" not in mine.content.decode()


def test_a_student_of_another_programme_is_asked_to_sign_up_first(personas: Personas) -> None:
    client = client_for(personas.student_b)
    page = client.get(reverse("activities:propose", args=["nursing"]))
    assert "Sign up first." in page.content.decode()
    client.post(reverse("activities:propose", args=["nursing"]), {"title": "x", "description": "y"})
    assert not ActivityProposal.objects.exists()


def test_an_incomplete_proposal_is_refused_with_messages(personas: Personas) -> None:
    EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    response = client_for(personas.student_a).post(
        reverse("activities:propose", args=["nursing"]), {"title": "x"}
    )
    assert response.status_code == 200
    assert {"description", "location", "category"} <= set(response.context["form"].errors)
    assert not ActivityProposal.objects.exists()


def test_administrator_accepts_a_proposal_for_the_student_only(personas: Personas) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    client = client_for(personas.admin_p)
    url = reverse("activities:proposal", args=["nursing", proposal.pk])
    form = client.get(url).context["form"]
    assert form["title_en"].value() == proposal.title  # the draft comes from the proposal
    data = {f"activity-{k}": v for k, v in ACTIVITY.items()} | {
        "decision": "student",
        "accept-comment": "Well found!",
    }
    assert client.post(url, data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ActivityProposal.Status.ACCEPTED_FOR_STUDENT
    assert proposal.activity is not None
    assert proposal.activity.private_to == personas.student_a
    assert proposal.reason == "Well found!"


def test_declining_without_a_reason_is_refused(personas: Personas) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    client = client_for(personas.admin_p)
    url = reverse("activities:proposal_decline", args=["nursing", proposal.pk])
    response = client.post(url, {"decline-reason": ""}, follow=True)
    assert "Say why the proposal is declined" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending
    client.post(url, {"decline-reason": "Not international enough."})
    proposal.refresh_from_db()
    assert proposal.status == ActivityProposal.Status.DECLINED


def test_administrator_of_q_cannot_see_or_decide_a_proposal_to_p(personas: Personas) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    client = client_for(personas.admin_q)
    assert (
        client.get(reverse("activities:proposal", args=["medicine", proposal.pk])).status_code
        == 404
    )
    url = reverse("activities:proposal_decline", args=["medicine", proposal.pk])
    assert client.post(url, {"decline-reason": "No"}).status_code == 404
    assert (
        client.get(
            reverse("activities:proposal_decline", args=["nursing", proposal.pk])
        ).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_decline_is_post_only(personas: Personas) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    url = reverse("activities:proposal_decline", args=["nursing", proposal.pk])
    assert client_for(personas.admin_p).get(url).status_code == 405


def test_central_staff_add_and_remove_group_members_where_allowed(
    personas: Personas, settings
) -> None:
    settings.CIL_CENTRAL_STAFF_ASSIGN_ROLES = True
    client = client_for(personas.central)
    add = reverse("activities:group_add", args=["nursing"])
    response = client.post(add, {"email": personas.student_b.email.upper(), "role": "reviewer"})
    assert response.status_code == 302
    member = ProgrammeRole.objects.get(user=personas.student_b)
    unknown = client.post(add, {"email": "nobody@uni.example", "role": "reviewer"})
    assert unknown.status_code == 400
    assert "Nobody with this e-mail address" in unknown.content.decode()
    client.post(reverse("activities:group_remove", args=["nursing", member.pk]))
    assert not ProgrammeRole.objects.filter(user=personas.student_b).exists()


def test_administrator_sees_the_group_but_cannot_change_it(personas: Personas) -> None:
    client = client_for(personas.admin_p)
    page = client.get(reverse("activities:group", args=["nursing"]))
    assert page.context["can_manage"] is False
    assert "Reviewer P" in page.content.decode()
    response = client.post(
        reverse("activities:group_add", args=["nursing"]),
        {"email": personas.student_b.email, "role": "administrator"},
    )
    assert response.status_code == 403
    assert not ProgrammeRole.objects.filter(user=personas.student_b).exists()


def test_central_staff_see_the_group_but_cannot_change_it_by_default(personas: Personas) -> None:
    client = client_for(personas.central)
    page = client.get(reverse("activities:group", args=["nursing"]))
    assert page.context["can_manage"] is False
    assert "superusers add and remove members" in page.content.decode()
    response = client.post(
        reverse("activities:group_add", args=["nursing"]),
        {"email": personas.central.email, "role": "administrator"},
    )
    assert response.status_code == 403
    assert not ProgrammeRole.objects.filter(user=personas.central).exists()


def test_a_refused_grant_says_why(personas: Personas) -> None:
    EnrolmentFactory(student=personas.student_b, programme=personas.programme_p)
    response = client_for(personas.superuser).post(
        reverse("activities:group_add", args=["nursing"]),
        {"email": personas.student_b.email, "role": "reviewer"},
        follow=True,
    )
    assert "is signed up for the certificate in Nursing" in response.content.decode()
    assert not ProgrammeRole.objects.filter(user=personas.student_b).exists()


def test_group_member_of_another_programme_cannot_be_removed_through_this_one(
    personas: Personas,
) -> None:
    member_q = ProgrammeRole.objects.get(user=personas.admin_q)
    response = client_for(personas.superuser).post(
        reverse("activities:group_remove", args=["nursing", member_q.pk])
    )
    assert response.status_code == 404
    assert ProgrammeRole.objects.filter(pk=member_q.pk).exists()


@pytest.mark.parametrize("size", [5, 200])
def test_groups_list_query_count_does_not_grow(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    from tests.factories import ProgrammeFactory

    ProgrammeFactory.create_batch(size)
    client = client_for(personas.central)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("activities:groups"))
    assert len(response.context["programmes"]) == size + 2


def test_administrator_adds_an_activity_of_another_programme_and_takes_it_out(
    personas: Personas,
) -> None:
    cafe = ActivityFactory(programme=personas.programme_p, title_en="Language café")
    ActivityFactory(programme=personas.programme_p, title_en="Buddy programme")
    ActivityFactory(programme=personas.programme_q, title_en="Medicine's own")
    client = client_for(personas.admin_q)
    url = reverse("activities:other_catalogues", args=["medicine"])
    listed = client.get(url)
    assert [a.title_en for a in listed.context["activities"]] == [
        "Buddy programme",
        "Language café",
    ]
    assert [a.title_en for a in client.get(url, {"q": "café"}).context["activities"]] == [
        "Language café"
    ]
    done = client.post(url, {"activity": cafe.pk}, follow=True)
    assert "is in your catalogue now" in done.content.decode()
    assert [a.title_en for a in done.context["activities"]] == ["Buddy programme"]
    catalogue = client.get(reverse("activities:catalogue", args=["medicine"]))
    assert "Language café" in catalogue.content.decode()
    manage = client.get(reverse("activities:manage_programme", args=["medicine"])).content.decode()
    unoffer = reverse("activities:activity_unoffer", args=["medicine", cafe.pk])
    assert unoffer in manage
    assert "Take “Language café” out of your catalogue?" in client.get(unoffer).content.decode()
    client.post(unoffer)
    assert not Activity.objects.offered_by(personas.programme_q).filter(pk=cafe.pk).exists()
    # Nothing to take out twice, and Q cannot take P's activity out of P's catalogue.
    assert client.post(unoffer).status_code == 404
    assert (
        client.post(reverse("activities:activity_unoffer", args=["nursing", cafe.pk])).status_code
        == 403
    )


def test_an_activity_offered_already_or_not_public_cannot_be_added(personas: Personas) -> None:
    private = ActivityFactory(programme=personas.programme_p, private_to=personas.student_a)
    own = ActivityFactory(programme=personas.programme_q)
    client = client_for(personas.admin_q)
    url = reverse("activities:other_catalogues", args=["medicine"])
    for activity in (private, own):
        assert client.post(url, {"activity": activity.pk}).status_code == 404
    assert client.post(url, {"activity": "not a number"}).status_code == 404
    assert not Activity.objects.offered_by(personas.programme_q).exclude(pk=own.pk).exists()


@pytest.mark.parametrize("size", [5, 100])
def test_other_catalogues_query_count_does_not_grow(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    ActivityFactory.create_batch(size, programme=personas.programme_p)
    client = client_for(personas.admin_q)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("activities:other_catalogues", args=["medicine"]))
    assert response.context["page_obj"].paginator.count == size
