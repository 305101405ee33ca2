from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    path("certificates/review/", views.review_home, name="review_home"),
    path("certificates/overview/", views.overview, name="overview"),
    path(
        "certificates/overview/export/<slug:kind>.<slug:fmt>",
        views.overview_export,
        name="overview_export",
    ),
    path("manage/<slug:code>/figures/", views.programme_figures, name="programme_figures"),
    path("manage/<slug:code>/follow-up/", views.follow_up, name="follow_up"),
    path(
        "manage/<slug:code>/figures/export/<slug:kind>.<slug:fmt>",
        views.programme_export,
        name="programme_export",
    ),
    path("certificates/review/<int:report>/", views.report_review, name="report_review"),
    # A programme's certificate administrators review submitted activities
    path("manage/<slug:code>/review/", views.entry_queue, name="entry_queue"),
    path("manage/<slug:code>/review/approve/", views.entry_approve_many, name="entry_approve_many"),
    path("manage/<slug:code>/review/<int:entry>/", views.entry_review, name="entry_review"),
    path("manage/<slug:code>/students/<int:enrolment>/", views.student, name="student"),
    path("manage/<slug:code>/diplomas/", views.issue_diplomas, name="issue_diplomas"),
    path("manage/<slug:code>/sessions/", views.sessions, name="sessions"),
    path("manage/<slug:code>/sessions/<int:session>/", views.session, name="session"),
    path(
        "portfolio/enrolments/<int:enrolment>/sessions/<int:session>/sign-up/",
        views.session_signup,
        name="session_signup",
    ),
    path(
        "portfolio/enrolments/<int:enrolment>/sessions/<int:session>/cancel/",
        views.session_cancel,
        name="session_cancel",
    ),
    path("manage/<slug:code>/diplomas/batches/<int:batch>/", views.batch, name="batch"),
    # Diplomas: the PDF for its holder and administrators; verification for anyone
    path("diplomas/<int:diploma>/pdf/", views.diploma_pdf, name="diploma_pdf"),
    path("verify/<str:verification>/", views.verify, name="verify"),
    # The student's final report
    path("portfolio/enrolments/<int:enrolment>/report/", views.report, name="report"),
    path(
        "portfolio/enrolments/<int:enrolment>/report/autosave/",
        views.report_autosave,
        name="report_autosave",
    ),
    path(
        "portfolio/enrolments/<int:enrolment>/report/submit/",
        views.report_submit,
        name="report_submit",
    ),
    # The student asks for final approval of their activities
    path(
        "portfolio/enrolments/<int:enrolment>/final-approval/",
        views.request_activities,
        name="request_activities",
    ),
]
