from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("accounts/erasure/", views.ask_erasure, name="ask"),
    path("staff/erasure/", views.queue, name="queue"),
    path("staff/erasure/<int:erasure>/", views.erase, name="erase"),
    path("staff/retention/", views.periods, name="periods"),
]
