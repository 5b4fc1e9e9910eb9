from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lineofsight.accounts"
    label = "accounts"
    verbose_name = "People and access"
