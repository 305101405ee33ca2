"""The portal's URLs plus one that nobody declared an access rule for."""

from django.urls import path

from cil.urls import urlpatterns as portal_urlpatterns
from tests.test_authorization import _undeclared_view

urlpatterns = [*portal_urlpatterns, path("undeclared/", _undeclared_view, name="undeclared-page")]
