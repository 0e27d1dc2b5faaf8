from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/<slug:period>/", views.plan_detail, name="period"),
    path("<int:pk>/<slug:period>/edit/", views.edit_targets, name="edit"),
    path("<int:pk>/export.xlsx", views.export_targets, name="export_all"),
    path("<int:pk>/<slug:period>/export.xlsx", views.export_targets, name="export"),
    path("<int:pk>/<slug:period>/import/", views.import_targets, name="import"),
]
