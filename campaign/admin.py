from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from campaign.models import (
    BudgetLine,
    CommitteeMember,
    DesignatedOfficer,
    Milestone,
    SteeringCommittee,
    Task,
    Training,
)


class MemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0


@admin.register(SteeringCommittee)
class SteeringCommitteeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit", "decision_number", "decision_on")
    inlines = [MemberInline]


@admin.register(DesignatedOfficer)
class DesignatedOfficerAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "unit", "position", "since", "until")
    list_filter = ("unit",)


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "unit", "department", "owner", "due_on", "status")
    list_filter = ("plan", "status", "department", "unit")
    search_fields = ("title",)


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "plan", "kind", "category", "amount")
    list_filter = ("plan", "kind", "category")


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "unit", "held_on", "participants")


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("union", "kind", "reached_on")
    list_filter = ("kind",)
