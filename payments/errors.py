"""What can go wrong with a card payment, in the domain's words; messages are safe to show."""


class PaymentError(Exception):
    pass


class PaymentNotPossible(PaymentError):
    """The order cannot be paid by card now (paid already, cancelled, not due yet...)."""


class RefundNotPossible(PaymentError):
    """There is nothing to give back (nothing was paid), or the payment's gateway is off."""


class GatewayError(PaymentError):
    """The gateway refused a request (its message says why)."""


class GatewayUnavailable(GatewayError):
    """The gateway could not be reached or failed for now: trying again later may succeed."""


class GatewayNotConfigured(PaymentError):
    """No such gateway is configured here (unknown name, or its keys are not set)."""


class WebhookRefused(PaymentError):
    """A webhook request whose signature or body is not acceptable: it changes nothing."""
