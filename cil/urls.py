from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from cil import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("home/", views.home, name="home"),
    # Django's own view; the language switcher must work before anyone signs in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("manage/", include("activities.urls")),
    path("certificates/", include("certificates.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "cil.views.permission_denied"
handler404 = "cil.views.page_not_found"
