from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enterprises.models import Enterprise, FoundingCase, InformalGroup, WorkforceSurvey


class SurveyInline(admin.TabularInline):
    model = WorkforceSurvey
    extra = 0
    readonly_fields = ("recorded_by", "recorded_at")


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "tax_code",
        "unit",
        "workers",
        "workers_surveyed_on",
        "grassroots_union",
    )
    list_filter = ("unit", "ownership")
    search_fields = ("name", "tax_code")
    inlines = [SurveyInline]


@admin.register(InformalGroup)
class InformalGroupAdmin(SimpleHistoryAdmin):
    list_display = ("trade", "place", "workers", "unit", "grassroots_union")


@admin.register(FoundingCase)
class FoundingCaseAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "unit", "stage")
    list_filter = ("stage", "unit")
