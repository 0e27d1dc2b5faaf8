from django.urls import path

from organisation import views, views_import

app_name = "organisation"

urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("new/", views.unit_create, name="create"),
    path("merge/", views.unit_merge, name="merge"),
    path("import/", views_import.unit_import, name="import"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/move/", views.unit_move, name="move"),
    path("<int:pk>/dissolve/", views.unit_dissolve, name="dissolve"),
    path("<int:pk>/sector/", views.unit_sector, name="sector"),
]
