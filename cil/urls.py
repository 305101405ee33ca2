from allauth.account.decorators import secure_admin_login
from allauth.socialaccount import views as social_views
from allauth.urls import build_provider_urlpatterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from cil import graduation, lockout, people, privacy_views, saml, signin_link, views

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
    path("privacy/", privacy_views.notice, name="privacy"),
    path("privacy/accept/", privacy_views.accept, name="privacy_accept"),
    path("staff/privacy/", privacy_views.edit, name="privacy_edit"),
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
    path(
        "accounts/after-graduation/",
        graduation.graduation_address_view,
        name="account_graduation_address",
    ),
    path("accounts/link/", signin_link.request_link, name="account_link_request"),
    path("accounts/link/<str:token>/", signin_link.signin, name="account_link_signin"),
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
    # SAML: allauth's views under SITE_URL, and the portal's page for a refused response
    # (cil/saml.py). build_provider_urlpatterns below lists allauth's own, which these shadow.
    path(
        "accounts/saml/<str:organization_slug>/",
        include(
            [
                path("acs/", saml.acs, name="saml_acs"),
                path("acs/finish/", saml.finish_acs, name="saml_finish_acs"),
                path("sls/", saml.sls, name="saml_sls"),
                path("metadata/", saml.metadata, name="saml_metadata"),
                path("login/", saml.login, name="saml_login"),
            ]
        ),
    ),
    path("accounts/", include(build_provider_urlpatterns())),
    path("accounts/sessions/", include("allauth.usersessions.urls")),
    path("", include("portfolio.urls")),
    path("", include("activities.urls")),
    path("", include("certificates.urls")),
    path("", include("retention.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "cil.views.permission_denied"
handler404 = "cil.views.page_not_found"
