from django.urls import path

from campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.board, name="board"),
    path("export.xlsx", views.export, name="export"),
    path("budget/", views.budget_overview, name="budget_overview"),
    path("norms/", views.norms, name="norms"),
    path("norms/<int:pk>/remove/", views.norm_remove, name="norm_remove"),
    path("units/<int:pk>/", views.unit_page, name="unit"),
    path("units/<int:pk>/plan/", views.unit_plan, name="unit_plan"),
    path("unit-plans/<int:pk>/file/", views.unit_plan_file, name="unit_plan_file"),
    path("units/<int:pk>/committee/", views.committee, name="committee"),
    path("units/<int:pk>/officer/", views.officer, name="officer"),
    path("units/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("units/<int:pk>/budget/", views.budget, name="budget"),
    path("units/<int:pk>/meetings/new/", views.meeting, name="meeting"),
    path("units/<int:pk>/trainings/new/", views.training, name="training"),
    path("units/<int:pk>/milestones/new/", views.milestone, name="milestone"),
    path("committees/<int:pk>/members/", views.member_add, name="member_add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/evidence/", views.task_evidence, name="task_evidence"),
    path("tasks/<int:pk>/comments/", views.task_comment, name="task_comment"),
]
