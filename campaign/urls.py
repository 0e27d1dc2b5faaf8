from django.urls import path

from campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.board, name="board"),
    path("export.xlsx", views.export, name="export"),
    path("units/<int:pk>/", views.unit_page, name="unit"),
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
]
