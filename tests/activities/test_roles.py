from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from activities.roles import (
    is_central_staff,
    is_programme_admin,
    is_programme_reviewer,
    roles_of,
)
from tests.conftest import Personas


@pytest.mark.django_db
def test_programme_roles_are_scoped_to_their_programme(personas: Personas) -> None:
    p, q = personas.programme_p, personas.programme_q
    assert is_programme_admin(personas.admin_p, p)
    assert not is_programme_admin(personas.admin_p, q)
    assert is_programme_admin(personas.admin_q, q.code)
    assert is_programme_reviewer(personas.reviewer_p, p)
    assert not is_programme_reviewer(personas.reviewer_p, q)
    assert not is_programme_admin(personas.reviewer_p, p)
    assert not is_programme_admin(personas.central, p)
    assert is_programme_admin(personas.superuser, q)


@pytest.mark.django_db
def test_students_and_anonymous_have_no_staff_role(personas: Personas) -> None:
    for user in (personas.student_a, AnonymousUser()):
        assert not is_programme_admin(user, personas.programme_p)
        assert not is_programme_reviewer(user, personas.programme_p)
        assert not is_central_staff(user)


@pytest.mark.django_db
def test_roles_are_read_once_per_request(personas: Personas, django_assert_num_queries) -> None:
    user = personas.admin_p
    with django_assert_num_queries(1):
        roles_of(user)
        roles_of(user)
        is_programme_admin(user, "nursing")
        is_programme_reviewer(user, "nursing")
