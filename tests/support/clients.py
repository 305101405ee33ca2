"""A test client signed in as a given user."""

from __future__ import annotations

from django.test import Client


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
