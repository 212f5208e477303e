from django.urls import path

from ratings import views

app_name = "ratings"

urlpatterns = [
    path("track/<str:token>/rating", views.order_rate, name="order_rate"),
    path("ratings/feedback/<str:token>", views.feedback, name="feedback"),
]
