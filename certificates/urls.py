from django.urls import path

from certificates.views import (
    credentials,
    diplomas,
    figures,
    reports,
    review,
    sessions,
    sharing,
    students,
)

app_name = "certificates"
urlpatterns = [
    path("certificates/review/", reports.review_home, name="review_home"),
    path("certificates/overview/", figures.overview, name="overview"),
    path(
        "certificates/overview/export/<slug:kind>.<slug:fmt>",
        figures.overview_export,
        name="overview_export",
    ),
    path("manage/<slug:code>/figures/", figures.programme_figures, name="programme_figures"),
    path("manage/<slug:code>/follow-up/", figures.follow_up, name="follow_up"),
    path(
        "manage/<slug:code>/figures/export/<slug:kind>.<slug:fmt>",
        figures.programme_export,
        name="programme_export",
    ),
    path("certificates/review/<int:report>/", reports.report_review, name="report_review"),
    # A programme's certificate administrators review submitted activities
    path("manage/<slug:code>/review/", review.entry_queue, name="entry_queue"),
    path(
        "manage/<slug:code>/review/approve/", review.entry_approve_many, name="entry_approve_many"
    ),
    path("manage/<slug:code>/review/<int:entry>/", review.entry_review, name="entry_review"),
    path("manage/<slug:code>/students/<int:enrolment>/", students.student, name="student"),
    path("manage/<slug:code>/diplomas/", diplomas.issue_diplomas, name="issue_diplomas"),
    path("manage/<slug:code>/sessions/", sessions.sessions, name="sessions"),
    path("manage/<slug:code>/sessions/<int:session>/", sessions.session, name="session"),
    path(
        "portfolio/enrolments/<int:enrolment>/sessions/<int:session>/sign-up/",
        sessions.session_signup,
        name="session_signup",
    ),
    path(
        "portfolio/enrolments/<int:enrolment>/sessions/<int:session>/cancel/",
        sessions.session_cancel,
        name="session_cancel",
    ),
    path("manage/<slug:code>/diplomas/batches/<int:batch>/", diplomas.batch, name="batch"),
    # Diplomas: the PDF for its holder and administrators; verification for anyone
    path("diplomas/<int:diploma>/pdf/", diplomas.diploma_pdf, name="diploma_pdf"),
    path(
        "diplomas/<int:diploma>/credential/",
        diplomas.diploma_credential,
        name="diploma_credential",
    ),
    path("verify/", diplomas.check, name="check_pdf"),
    path("verify/<str:verification>/", diplomas.verify, name="verify"),
    # Verifiable credentials: the revocation status lists, public
    path(
        "credentials/status/<int:status_list>",
        credentials.status_list,
        name="status_list",
    ),
    path(
        "verify/<str:verification>/credential/",
        diplomas.verify_credential,
        name="verify_credential",
    ),
    # Share links: the student's own, and the page an employer opens by the link's token
    path("portfolio/enrolments/<int:enrolment>/share/", sharing.share_links, name="share_links"),
    path(
        "portfolio/enrolments/<int:enrolment>/share/new/",
        sharing.share_link_create,
        name="share_link_create",
    ),
    path("portfolio/share/<int:link>/stop/", sharing.share_link_revoke, name="share_link_revoke"),
    path("shared/<str:share>/", sharing.shared, name="shared"),
    path("shared/<str:share>/photos/<int:photo>/", sharing.shared_photo, name="shared_photo"),
    # The student's final report
    path("portfolio/enrolments/<int:enrolment>/report/", reports.report, name="report"),
    path(
        "portfolio/enrolments/<int:enrolment>/report/autosave/",
        reports.report_autosave,
        name="report_autosave",
    ),
    path(
        "portfolio/enrolments/<int:enrolment>/report/submit/",
        reports.report_submit,
        name="report_submit",
    ),
    # The student asks for final approval of their activities
    path(
        "portfolio/enrolments/<int:enrolment>/final-approval/",
        students.request_activities,
        name="request_activities",
    ),
]
