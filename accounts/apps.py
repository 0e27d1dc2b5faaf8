from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        # Signing in is not a change to the account: record last_login without a history row
        # (Django's own handler saves the user, which would add one audit row per sign-in).
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from accounts.signals import record_last_login

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="accounts_record_last_login")

        # Rows written by a command's system actor name the command (accounts.audit.acting_as).
        from simple_history.signals import pre_create_historical_record

        from accounts.audit import name_the_command

        pre_create_historical_record.connect(name_the_command, dispatch_uid="accounts_command")
