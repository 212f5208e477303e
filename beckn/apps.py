from django.apps import AppConfig


class BecknConfig(AppConfig):
    name = "beckn"
    verbose_name = "Beckn network"
