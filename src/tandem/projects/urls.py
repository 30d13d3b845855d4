"""Routes of the projects pages."""

from django.urls import path

from tandem.projects import views, views_leveling, views_schedule, views_team

app_name = "projects"

P = "o/<slug:org>/projects/<int:project_id>/"

urlpatterns = [
    path("o/<slug:org>/projects/", views.project_list, name="list"),
    path("o/<slug:org>/projects/new/", views.project_create, name="create"),
    path(P, views.overview, name="overview"),
    path(P + "settings/", views.project_settings, name="settings"),
    path(P + "baselines/", views.baselines, name="baselines"),
    path(P + "baselines/save/", views.save_baseline, name="save_baseline"),
    path(P + "gantt/", views_schedule.gantt, name="gantt"),
    path(P + "gantt.json", views_schedule.gantt_data, name="gantt_data"),
    path(P + "gantt/move", views_schedule.gantt_move, name="gantt_move"),
    path(P + "gantt/link", views_schedule.gantt_link, name="gantt_link"),
    path(P + "tasks/", views_schedule.tasks, name="tasks"),
    path(P + "tasks/<int:task_id>/", views_schedule.task_row, name="task_row"),
    path(P + "tasks/<int:task_id>/delete/", views_schedule.task_delete, name="task_delete"),
    path(P + "tasks/<int:task_id>/assign/", views_schedule.task_assign, name="task_assign"),
    path(P + "board/", views_team.board, name="board"),
    path(P + "board/move", views_team.board_move, name="board_move"),
    path(P + "board/columns", views_team.board_columns, name="board_columns"),
    path(P + "workload/", views_team.project_workload, name="project_workload"),
    path(P + "leveling/", views_leveling.leveling, name="leveling"),
    path(P + "leveling/run", views_leveling.leveling_run, name="leveling_run"),
    path(
        P + "leveling/<int:proposal_id>/decide",
        views_leveling.leveling_decide,
        name="leveling_decide",
    ),
    path("o/<slug:org>/workload/", views_team.workload, name="workload"),
    path("o/<slug:org>/my-work/", views_team.my_work, name="my_work"),
    path("o/<slug:org>/delivery/", views_team.dashboard, name="dashboard"),
    path("o/<slug:org>/resources/", views_team.resources, name="resources"),
]
