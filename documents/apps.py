from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Homeowners' documents"

    def ready(self) -> None:
        from documents import receivers
        from orders.signals import order_changed

        # No order among order_changed's receivers is needed (see orders/signals.py): this one
        # only queues tasks for after the commit.
        order_changed.connect(receivers.order_changed, dispatch_uid="documents-order-changed")
