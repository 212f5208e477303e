from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Homeowners' documents"

    def ready(self) -> None:
        from documents import receivers
        from orders.signals import order_changed

        # Connected before beckn's receiver (INSTALLED_APPS order): the certificate and the
        # invoice of a completed order exist by the time the buyer app is told of it.
        order_changed.connect(receivers.order_changed, dispatch_uid="documents-order-changed")
