from django.apps import AppConfig


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"

    def ready(self):
        from progress import rollup  # noqa: F401  (registers the rollup's signal handlers)
