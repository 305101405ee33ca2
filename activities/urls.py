from django.urls import path

from activities.views import group, manage, proposals, public

app_name = "activities"
urlpatterns = [
    # Public
    path("programmes/", public.programmes, name="programmes"),
    path("programmes/<slug:code>/", public.programme, name="programme"),
    path("programmes/<slug:code>/catalogue/", public.catalogue, name="catalogue"),
    path("programmes/<slug:code>/catalogue/<int:activity>/", public.activity, name="activity"),
    # Students
    path("programmes/<slug:code>/propose/", proposals.propose, name="propose"),
    path("proposals/", proposals.my_proposals, name="my_proposals"),
    # Certificate administrators
    path("manage/", manage.manage, name="manage"),
    path("manage/<slug:code>/", manage.manage_programme, name="manage_programme"),
    path("manage/<slug:code>/rules/", manage.edit_rules, name="edit_rules"),
    path("manage/<slug:code>/questions/", manage.edit_questions, name="edit_questions"),
    path("manage/<slug:code>/page/", manage.edit_page, name="edit_page"),
    path("manage/<slug:code>/activities/new/", manage.activity_create, name="activity_create"),
    path(
        "manage/<slug:code>/activities/<int:activity>/", manage.activity_edit, name="activity_edit"
    ),
    path(
        "manage/<slug:code>/activities/<int:activity>/archive/",
        manage.activity_archive,
        name="activity_archive",
    ),
    path(
        "manage/<slug:code>/activities/<int:activity>/restore/",
        manage.activity_restore,
        name="activity_restore",
    ),
    path(
        "manage/<slug:code>/activities/<int:activity>/stop-offering/",
        manage.activity_unoffer,
        name="activity_unoffer",
    ),
    path(
        "manage/<slug:code>/activities/other-programmes/",
        manage.other_catalogues,
        name="other_catalogues",
    ),
    path("manage/<slug:code>/proposals/", manage.proposals, name="proposals"),
    path("manage/<slug:code>/proposals/<int:proposal>/", manage.proposal, name="proposal"),
    path(
        "manage/<slug:code>/proposals/<int:proposal>/decline/",
        manage.proposal_decline,
        name="proposal_decline",
    ),
    path("manage/<slug:code>/group/", group.group, name="group"),
    # Central staff
    path("groups/", group.groups, name="groups"),
    path("groups/<slug:code>/add/", group.group_add, name="group_add"),
    path(
        "groups/<slug:code>/members/<int:member>/remove/", group.group_remove, name="group_remove"
    ),
]
