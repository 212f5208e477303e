from django.apps import AppConfig


class BecknConfig(AppConfig):
    name = "beckn"
    verbose_name = "Beckn network"

    def ready(self) -> None:
        from beckn import notifications
        from orders.signals import order_changed

        order_changed.connect(notifications.order_changed, dispatch_uid="beckn-order-push")
