from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Accounts: the person's profile and the restyled sign-up and sign-in pages."""

    name = "toolkit.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from toolkit.accounts.mfa import remember_at_sign_in

        # Not a domain flow: it only spares the first pages after sign-in the roles' queries.
        user_logged_in.connect(remember_at_sign_in, dispatch_uid="mfa-remember-at-sign-in")
