from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"

    def ready(self):
        from enterprises import reorganisation
        from organisation.services import units_merged

        # A merge hands the merged unit's open work (register, founding cases) to the survivor.
        units_merged.connect(reorganisation.merged, dispatch_uid="enterprises_merged")
