from django.apps import AppConfig


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"

    def ready(self):
        from organisation.services import sector_changed
        from progress.services import restamp_on_sector_change

        # A unit's sector changed: re-stamp the sector on its progress records.
        sector_changed.connect(restamp_on_sector_change, dispatch_uid="progress_restamp")
