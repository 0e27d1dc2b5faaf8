from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/survey/", views.add_survey, name="add_survey"),
    path("<int:pk>/union/", views.link_union, name="link_union"),
    path("coverage/", views.coverage, name="coverage"),
    path("board/", views.board, name="board"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export/", views.case_export, name="case_export"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/decision-file/", views.decision_file, name="decision_file"),
    path("cases/<int:pk>/<slug:step>/", views.case_step, name="case_step"),
    path("informal/", views.informal_list, name="informal_list"),
    path("informal/new/", views.informal_create, name="informal_create"),
    path("informal/<int:pk>/", views.informal_detail, name="informal_detail"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("export/", views.export, name="export"),
]
