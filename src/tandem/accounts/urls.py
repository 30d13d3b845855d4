"""Routes of the accounts pages."""

from django.urls import path

from tandem.accounts import views

app_name = "accounts"

urlpatterns = [
    path("organisations/new/", views.create_organisation, name="create_organisation"),
    path("account/", views.account, name="account"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("invite/<str:secret>/", views.accept_invitation, name="accept_invitation"),
    path("o/<slug:org>/members/", views.members, name="members"),
    path("o/<slug:org>/members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path(
        "o/<slug:org>/members/<int:membership_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "o/<slug:org>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("o/<slug:org>/settings/", views.organisation_settings, name="settings"),
]
