from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    path("review/", views.review_home, name="review_home"),
    path("overview/", views.overview, name="overview"),
]
