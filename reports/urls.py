from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("plan/<int:plan_pk>/calendar/", views.calendar, name="calendar"),
    path("plan/<int:plan_pk>/calendar/<int:pk>/", views.calendar, name="deadline_edit"),
    path("<int:pk>/", views.consolidation, name="consolidation"),
    path("<int:pk>/accept/", views.bulk_accept, name="bulk_accept"),
    path("<int:pk>/unit/<int:unit_pk>/", views.report_detail, name="detail"),
    path("<int:pk>/unit/<int:unit_pk>/save/", views.report_save, name="save"),
    path("<int:pk>/unit/<int:unit_pk>/print/", views.report_print, name="print"),
    path("<int:pk>/unit/<int:unit_pk>/export.<str:fmt>", views.report_export, name="export"),
    path(
        "<int:pk>/unit/<int:unit_pk>/<str:action>/",
        views.report_transition,
        name="transition",
    ),
]
