from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from cil import lockout, views

# The admin's own login form would skip the second factor: send everyone through allauth's.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's documented way

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("home/", views.home, name="home"),
    # The language switcher must work before anyone signs in.
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/email/undo/<str:key>/", views.undo_email_change, name="account_email_undo"),
    path("accounts/unlock/<str:token>/", lockout.unlock, name="account_unlock"),
    path("accounts/", include("allauth.urls")),
    path("", include("portfolio.urls")),
    path("", include("activities.urls")),
    path("", include("certificates.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "cil.views.permission_denied"
handler404 = "cil.views.page_not_found"
