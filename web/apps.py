from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages for people: homeowners' (web/homeowner/) and the installer workspace
    (web/workspace/). No models: every read and write goes through the domain apps."""

    name = "web"
    verbose_name = "Web pages"
