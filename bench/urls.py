"""The portal's URLs plus the benchmark's floor view (served only by bench.settings)."""

from django.urls import include, path

from bench import views

floor_patterns = [path("bench/floor/", views.floor, name="floor")]

urlpatterns = [path("", include((floor_patterns, "bench"))), path("", include("cil.urls"))]

handler403 = "cil.views.permission_denied"
handler404 = "cil.views.page_not_found"
