from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "E-mails to homeowners"

    def ready(self) -> None:
        from notices import receivers
        from orders.signals import order_changed
        from payments.signals import payment_changed

        # Each receiver only records the e-mail and queues its sending for after the commit:
        # no other receiver reads what it writes (orders/signals.py).
        order_changed.connect(receivers.order_changed, dispatch_uid="notices-order-changed")
        payment_changed.connect(receivers.payment_changed, dispatch_uid="notices-payment-changed")
