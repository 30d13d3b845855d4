"""Routes of the products pages, under /o/<org>/portfolio/, /products/, /roadmap/ and /teams/."""

from django.urls import path

from tandem.products import views, views_metrics, views_releases, views_roadmap, views_teams

app_name = "products"

P = "o/<slug:org>/products/<int:product_id>/"

urlpatterns = [
    path("o/<slug:org>/portfolio/", views.portfolio, name="portfolio"),
    path("o/<slug:org>/products/", views.product_list, name="list"),
    path("o/<slug:org>/products/new/", views.new_product, name="new"),
    path("o/<slug:org>/roadmap/", views_roadmap.organisation_board, name="roadmap"),
    path("o/<slug:org>/teams/", views_teams.teams, name="teams"),
    path("o/<slug:org>/teams/<int:team_id>/", views_teams.edit_team, name="edit_team"),
    path("o/<slug:org>/teams/<int:team_id>/delete/", views_teams.delete_team, name="delete_team"),
    # one product
    path(P, views.product_page, name="product"),
    path(P + "edit/", views.edit_product, name="edit"),
    path(P + "stage/", views.move_stage, name="move_stage"),
    path(P + "criteria/", views.add_criterion, name="add_criterion"),
    path(
        P + "criteria/<int:criterion_id>/toggle/",
        views.toggle_criterion,
        name="toggle_criterion",
    ),
    path(
        P + "criteria/<int:criterion_id>/delete/",
        views.delete_criterion,
        name="delete_criterion",
    ),
    path(P + "retirement/", views.retirement_plan, name="retirement"),
    path(P + "retirement/cancel/", views.cancel_retirement, name="cancel_retirement"),
    path(P + "comments/", views.add_comment, name="add_comment"),
    path(P + "comments/<int:comment_id>/delete/", views.delete_comment, name="delete_comment"),
    # goals and metrics
    path(P + "metrics/", views_metrics.metrics, name="metrics"),
    path(P + "goals/", views_metrics.add_goal, name="add_goal"),
    path(P + "goals/<int:goal_id>/delete/", views_metrics.delete_goal, name="delete_goal"),
    path(P + "metrics/new/", views_metrics.new_metric, name="new_metric"),
    path(P + "metrics/<int:metric_id>/", views_metrics.metric_page, name="metric"),
    path(P + "metrics/<int:metric_id>/edit/", views_metrics.edit_metric, name="edit_metric"),
    path(
        P + "metrics/<int:metric_id>/measurements/",
        views_metrics.record_measurement,
        name="record_measurement",
    ),
    path(
        P + "metrics/<int:metric_id>/measurements/<int:measurement_id>/delete/",
        views_metrics.delete_measurement,
        name="delete_measurement",
    ),
    # roadmap
    path(P + "roadmap/", views_roadmap.board, name="board"),
    path(P + "roadmap/ranking/", views_roadmap.ranking, name="ranking"),
    path(P + "roadmap/timeline/", views_roadmap.timeline, name="timeline"),
    path(P + "roadmap/new/", views_roadmap.new_item, name="new_item"),
    path(P + "roadmap/<int:item_id>/", views_roadmap.item_page, name="item"),
    path(P + "roadmap/<int:item_id>/edit/", views_roadmap.edit_item, name="edit_item"),
    path(P + "roadmap/<int:item_id>/move/", views_roadmap.move_item, name="move_item"),
    path(P + "roadmap/<int:item_id>/delete/", views_roadmap.delete_item, name="delete_item"),
    path(P + "roadmap/<int:item_id>/impacts/", views_roadmap.add_impact, name="add_impact"),
    path(
        P + "roadmap/<int:item_id>/impacts/<int:impact_id>/delete/",
        views_roadmap.delete_impact,
        name="delete_impact",
    ),
    # releases and teams of a product
    path(P + "releases/", views_releases.releases, name="releases"),
    path(P + "releases/<int:release_id>/", views_releases.edit_release, name="edit_release"),
    path(
        P + "releases/<int:release_id>/delete/",
        views_releases.delete_release,
        name="delete_release",
    ),
    path(P + "teams/", views_roadmap.product_teams, name="product_teams"),
]
