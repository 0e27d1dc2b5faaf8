from django.urls import path

from progress import correction_views, entry_views, views

app_name = "progress"

urlpatterns = [
    path("", views.dashboard_home, name="dashboard_home"),
    path("entry/", entry_views.entry_home, name="entry"),
    path("members/", entry_views.member_list, name="members"),
    path("members/export/", entry_views.member_export, name="members_export"),
    path("members/new/", entry_views.add_members, name="add_members"),
    path("members/import/", entry_views.import_members, name="import_members"),
    path("members/<int:pk>/leave/", entry_views.departure, name="departure"),
    path("members/<int:pk>/transfer/", entry_views.transfer, name="transfer"),
    path("members/<int:pk>/party/", entry_views.party_intro, name="party_intro"),
    path("party/<int:pk>/outcome/", entry_views.party_outcome, name="party_outcome"),
    path("batch/", entry_views.batch, name="batch"),
    path("unions/new/", entry_views.found_union, name="found_union"),
    path("records/<int:pk>/correct/", correction_views.correct_record, name="correct_record"),
    path("<int:pk>/<slug:period>/", views.dashboard, name="dashboard"),
    path("<int:pk>/<slug:period>/export/", views.export, name="export"),
    path(
        "<int:pk>/<slug:period>/records/<int:unit>/<int:indicator>/",
        views.records,
        name="records",
    ),
    path(
        "<int:pk>/<slug:period>/records/<int:unit>/<int:indicator>/export/",
        views.records_export,
        name="records_export",
    ),
]
