from django.urls import path

from beckn.inbound.views import BecknActionView
from beckn.subscription_views import OnSubscribeView

app_name = "beckn"

urlpatterns = [
    path("on_subscribe", OnSubscribeView.as_view(), name="on_subscribe"),
    path("<slug:action>", BecknActionView.as_view(), name="action"),
]
