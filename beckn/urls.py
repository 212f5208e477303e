from django.urls import path, re_path

from beckn.inbound.views import BecknActionView
from beckn.subscription_views import OnSubscribeView

app_name = "beckn"

urlpatterns = [
    path("on_subscribe", OnSubscribeView.as_view(), name="on_subscribe"),
    path("<slug:action>", BecknActionView.as_view(), name="action"),
    # Any other path under /beckn/ is refused by the same view, as a JSON NACK (404, 40001).
    re_path(r"^(?P<action>.*)$", BecknActionView.as_view()),
]
