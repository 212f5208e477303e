from django.urls import path

from beckn.subscription_views import OnSubscribeView
from beckn.views import BecknActionView

app_name = "beckn"

urlpatterns = [
    path("on_subscribe", OnSubscribeView.as_view(), name="on_subscribe"),
    path("<slug:action>", BecknActionView.as_view(), name="action"),
]
