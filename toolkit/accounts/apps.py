from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Accounts: the person's profile and the restyled sign-up and sign-in pages."""

    name = "toolkit.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
