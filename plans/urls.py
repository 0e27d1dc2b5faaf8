from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("new/from-excel/", views.import_plan, name="import_plan"),
    path("setup/<int:pk>/", views.plan_setup, name="setup"),
    path("setup/<int:pk>/periods/", views.plan_periods, name="periods"),
    path("setup/<int:pk>/indicators/", views.plan_indicators, name="indicators"),
    path("setup/<int:pk>/units/", views.plan_units, name="units"),
    path("setup/<int:pk>/issue/", views.plan_issue, name="issue"),
    path("setup/<int:pk>/copy/", views.plan_copy, name="copy"),
    path("setup/<int:pk>/amendments/", views.plan_amendments, name="amendments"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/<slug:period>/", views.plan_detail, name="period"),
    path("<int:pk>/<slug:period>/edit/", views.edit_targets, name="edit"),
    path("<int:pk>/export.xlsx", views.export_targets, name="export_all"),
    path("<int:pk>/<slug:period>/export.xlsx", views.export_targets, name="export"),
    path("<int:pk>/<slug:period>/import/", views.import_targets, name="import"),
    path("<int:pk>/<slug:period>/allocate/<int:unit>/", views.allocate, name="allocate"),
    path(
        "<int:pk>/<slug:period>/allocate/<int:unit>/export.xlsx",
        views.allocate_export,
        name="allocate_export",
    ),
    path(
        "<int:pk>/<slug:period>/allocate/<int:unit>/import/",
        views.allocate_import,
        name="allocate_import",
    ),
]
