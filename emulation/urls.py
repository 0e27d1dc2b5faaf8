from django.urls import path

from emulation import views

app_name = "emulation"

urlpatterns = [
    path("", views.home, name="home"),
    path("plan/<int:plan_pk>/rules/", views.rules, name="rules"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/publish/", views.rule_publish, name="rule_publish"),
    path("plan/<int:plan_pk>/<str:period_code>/", views.scores, name="scores"),
    path(
        "plan/<int:plan_pk>/<str:period_code>/ranking.xlsx",
        views.scores_export,
        name="scores_export",
    ),
    path(
        "plan/<int:plan_pk>/<str:period_code>/unit/<int:unit_pk>/",
        views.unit_score,
        name="unit_score",
    ),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/export.<str:fmt>", views.proposals_export, name="proposals_export"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/<str:action>/", views.proposal_action, name="proposal_action"),
]
