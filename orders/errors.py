"""What can go wrong with an order, in the domain's words. Each front door says it its own way."""


class OrderError(Exception):
    """A request about an order that cannot be honoured; the message is safe to show."""


class ProviderNotFound(OrderError):
    pass


class ItemNotFound(OrderError):
    pass


class FulfillmentUnavailable(OrderError):
    pass


class OrderNotFound(OrderError):
    pass


class QuoteChanged(OrderError):
    pass


class PaymentNotSupported(OrderError):
    pass


class IllegalTransition(OrderError):
    pass


class InvalidCancellationReason(OrderError):
    pass


class CancellationNotPossible(OrderError):
    pass


class UpdateNotPossible(OrderError):
    pass


class TechnicianUnavailable(OrderError):
    pass


class JourneyOutOfOrder(IllegalTransition):
    """A step of the installation asked for before its appointment: leaving the site survey
    before it starts, the installation with none booked, completing before it starts."""
