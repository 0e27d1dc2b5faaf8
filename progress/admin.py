from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from progress.models import Member, Record


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "union", "admitted_on", "left_on", "is_simulated"]
    list_filter = ["is_simulated"]
    search_fields = ["full_name", "cccd"]
    raw_id_fields = ["union"]


@admin.register(Record)
class RecordAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "union", "sector", "count", "member", "is_simulated"]
    list_filter = ["kind", "sector", "is_simulated"]
    date_hierarchy = "date"
    raw_id_fields = ["union", "member", "other_union", "entered_by"]
