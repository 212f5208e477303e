from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Card payments"

    def ready(self) -> None:
        from orders.signals import order_changed
        from payments import receivers

        order_changed.connect(receivers.order_changed, dispatch_uid="payments-order-changed")
