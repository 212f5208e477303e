from django.urls import path

from beckn.views import BecknActionView

app_name = "beckn"

urlpatterns = [
    path("<slug:action>", BecknActionView.as_view(), name="action"),
]
