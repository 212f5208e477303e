from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in

from web.security import session_activity_start


class WebConfig(AppConfig):
    """The pages for people: homeowners' (web/homeowner/) and the installer workspace
    (web/workspace/). No models: every read and write goes through the domain apps."""

    name = "web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        # Signing in starts the idle clock (web.security.SessionIdleTimeoutMiddleware).
        user_logged_in.connect(session_activity_start, dispatch_uid="web.session_activity_start")
