"""Routes of the web app."""

from django.urls import path

from tandem.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
    path("o/<slug:org>/activity/", views.activity, name="activity"),
]
