from allauth.account.decorators import secure_admin_login
from allauth.socialaccount import views as social_views
from allauth.urls import build_provider_urlpatterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from cil import lockout, people, views

# The admin's own login form would skip the second factor: send everyone through allauth's.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's documented way

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.healthz_ready, name="healthz_ready"),
    path("metrics", views.metrics, name="metrics"),
    path(".well-known/did.json", views.did_document, name="did_document"),
    path("home/", views.home, name="home"),
    # The language switcher must work before anyone signs in.
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/email/undo/<str:key>/", views.undo_email_change, name="account_email_undo"),
    path("accounts/unlock/<str:token>/", lockout.unlock, name="account_unlock"),
    # Central staff: a person's institutional sign-in (cil/people.py)
    path("staff/people/", people.people, name="people"),
    path("staff/people/<int:person>/sign-in/", people.person_sign_in, name="person_sign_in"),
    path(
        "staff/people/<int:person>/sign-in/link/",
        people.person_sign_in_link,
        name="person_sign_in_link",
    ),
    path(
        "staff/people/<int:person>/sign-in/<int:login>/unlink/",
        people.person_sign_in_unlink,
        name="person_sign_in_unlink",
    ),
    # allauth's pages, listed one by one: allauth.urls would add unnamed redirects from the
    # social login addresses of old allauth versions, which the portal never had.
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    # allauth.socialaccount.urls, with the pages a visitor sees before signing in marked so.
    path(
        "accounts/3rdparty/",
        include(
            [
                path(
                    "login/cancelled/",
                    social_views.login_cancelled,
                    name="socialaccount_login_cancelled",
                ),
                path(
                    "login/error/",
                    login_not_required(social_views.login_error),
                    name="socialaccount_login_error",
                ),
                path(
                    "signup/",
                    login_not_required(social_views.signup),
                    name="socialaccount_signup",
                ),
                path("", social_views.connections, name="socialaccount_connections"),
            ]
        ),
    ),
    path("accounts/", include(build_provider_urlpatterns())),
    path("accounts/sessions/", include("allauth.usersessions.urls")),
    path("", include("portfolio.urls")),
    path("", include("activities.urls")),
    path("", include("certificates.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "cil.views.permission_denied"
handler404 = "cil.views.page_not_found"
