from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, using="default", **kwargs):
    """After every migrate: the database cache's table (createcachetable does nothing when it
    exists), so setup, a restore target and a test database all have it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="api-cache-table")
