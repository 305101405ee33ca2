from django.urls import path

from portfolio import confirmation_views, views

app_name = "portfolio"
urlpatterns = [
    path("portfolio/", views.home, name="home"),
    path("portfolio/history/", views.history, name="history"),
    path("portfolio/who-has-seen-it/", views.staff_accesses, name="staff_accesses"),
    path("portfolio/sign-up/<slug:code>/", views.signup, name="signup"),
    path("portfolio/enrolments/<int:enrolment>/withdraw/", views.withdraw, name="withdraw"),
    path("portfolio/enrolments/<int:enrolment>/export/", views.export, name="export"),
    path(
        "portfolio/enrolments/<int:enrolment>/entries/new/",
        views.entry_create,
        name="entry_create",
    ),
    path("portfolio/entries/<int:entry>/", views.entry, name="entry"),
    path("portfolio/entries/<int:entry>/edit/", views.entry_edit, name="entry_edit"),
    path("portfolio/entries/<int:entry>/delete/", views.entry_delete, name="entry_delete"),
    path("portfolio/entries/<int:entry>/submit/", views.entry_submit, name="entry_submit"),
    path("portfolio/entries/<int:entry>/reflection/", views.reflection, name="reflection"),
    path("portfolio/entries/<int:entry>/notes/", views.note_add, name="note_add"),
    path("portfolio/entries/<int:entry>/evidence/", views.evidence_add, name="evidence_add"),
    path("portfolio/notes/<int:note>/delete/", views.note_delete, name="note_delete"),
    path("portfolio/evidence/<int:evidence>/", views.evidence_file, name="evidence_file"),
    path(
        "portfolio/evidence/<int:evidence>/thumbnail/",
        views.evidence_thumbnail,
        name="evidence_thumbnail",
    ),
    path(
        "portfolio/evidence/<int:evidence>/delete/", views.evidence_delete, name="evidence_delete"
    ),
    path(
        "portfolio/entries/<int:entry>/confirmations/new/",
        confirmation_views.confirmation_request,
        name="confirmation_request",
    ),
    path(
        "portfolio/confirmations/<int:confirmation>/withdraw/",
        confirmation_views.confirmation_withdraw,
        name="confirmation_withdraw",
    ),
    # The organiser's page: the token in the address is the only key (no account).
    path("confirm/<str:token>/", confirmation_views.organiser_answer, name="organiser_answer"),
    path("confirmed/", confirmation_views.organiser_thanks, name="organiser_thanks"),
    # For a programme's certificate administrators
    path("manage/<slug:code>/students/", views.programme_students, name="programme_students"),
]
