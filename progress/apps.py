from django.apps import AppConfig


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"

    def ready(self):
        from organisation.services import (
            baselines_changed,
            dissolve_vetoes,
            paths_rebuilt,
            sector_changed,
            units_merged,
            write_scopes,
        )
        from progress import reorganisation
        from progress.rollup import reorganised_receiver, write_scope
        from progress.services import restamp_on_sector_change
        from progress.stock_rollup import baselines_changed as restock

        # A unit's sector changed: re-stamp the sector on its progress records.
        sector_changed.connect(restamp_on_sector_change, dispatch_uid="progress_restamp")
        # A reorganisation changed paths: the rollup follows them in the same transaction.
        paths_rebuilt.connect(reorganised_receiver, dispatch_uid="progress_rollup_paths")
        # A merge moves the merged CĐCS' members; ending a CĐCS with members is refused.
        # A merge (paths, then members): the rollup written once at its end, in lock order.
        write_scopes.connect(write_scope, dispatch_uid="progress_rollup_scope")
        # A baseline changed: members now per ancestor follows it in the same transaction.
        baselines_changed.connect(restock, dispatch_uid="progress_stock_baselines")
        units_merged.connect(reorganisation.merged, dispatch_uid="progress_members_merged")
        dissolve_vetoes.connect(reorganisation.dissolve_veto, dispatch_uid="progress_dissolve")
