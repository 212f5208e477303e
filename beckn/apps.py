from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class BecknConfig(AppConfig):
    name = "beckn"
    verbose_name = "Beckn network"

    def ready(self) -> None:
        # Imported once the apps are loaded, as Django wants (these modules import models).
        # Importing beckn.answers registers the composer of each action's callback.
        from beckn import answers, notifications  # noqa: F401
        from beckn.delivery.composers import composer_actions
        from beckn.fragments.invalidation import receivers_connect
        from beckn.inbound.serializers import MESSAGE_SERIALIZERS
        from orders.signals import order_changed

        if composer_actions() != set(MESSAGE_SERIALIZERS):
            raise ImproperlyConfigured(
                "Every action we accept needs a composer of its callback, and only those: "
                f"accepted {sorted(MESSAGE_SERIALIZERS)}, composed {sorted(composer_actions())}."
            )
        order_changed.connect(notifications.order_changed, dispatch_uid="beckn-order-push")
        # The on_search fragments are deleted with every write of what they show.
        receivers_connect()
