from django.apps import AppConfig


class CampaignConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "campaign"
    verbose_name = "Tổ chức thực hiện"

    def ready(self):
        # The Word report's "Công tác tổ chức thực hiện" (reports stays unaware of campaign).
        from campaign.report_section import section
        from reports.extensions import register_section

        register_section(section)
