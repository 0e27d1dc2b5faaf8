from django.apps import AppConfig


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"

    def ready(self):
        from organisation.services import (
            dissolve_vetoes,
            paths_rebuilt,
            sector_changed,
            units_merged,
        )
        from progress import reorganisation
        from progress.rollup import reorganised_receiver
        from progress.services import restamp_on_sector_change

        # A unit's sector changed: re-stamp the sector on its progress records.
        sector_changed.connect(restamp_on_sector_change, dispatch_uid="progress_restamp")
        # A reorganisation changed paths: the rollup follows them in the same transaction.
        paths_rebuilt.connect(reorganised_receiver, dispatch_uid="progress_rollup_paths")
        # A merge moves the merged CĐCS' members; ending a CĐCS with members is refused.
        units_merged.connect(reorganisation.merged, dispatch_uid="progress_members_merged")
        dissolve_vetoes.connect(reorganisation.dissolve_veto, dispatch_uid="progress_dissolve")
