"""DRF serializers for the Beckn requests we accept: the context, and each action's message.

They check shape and values only; unknown fields pass through, as the protocol is extensible.
"""

import copy
from datetime import timedelta

from django.conf import settings
from rest_framework import serializers

from beckn.mapping.values import parse_duration, parse_gps, parse_timestamp


class ParsedField(serializers.CharField):
    """A string field whose text must parse with `parse`. Its value stays the text, so that the
    checked request is JSON as it came (its readers parse it with the same function)."""

    parse: "staticmethod[[str], object]"

    def to_internal_value(self, data: object) -> str:
        text = super().to_internal_value(data)
        for validator in self.validators:
            validator(text)
        try:
            self.parse(text)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return text

    def run_validators(self, value: object) -> None:
        """Validators ran on the text in to_internal_value."""


class TimestampField(ParsedField):
    parse = staticmethod(parse_timestamp)


class DurationField(ParsedField):
    parse = staticmethod(parse_duration)


class GpsField(ParsedField):
    parse = staticmethod(parse_gps)


class HttpUrlField(serializers.URLField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_length=500, **kwargs)
        self.validators[-1].schemes = ["http", "https"]


class Serializer(serializers.Serializer):
    """A DRF Serializer whose fields are copied cheaply for each instance.

    DRF deep-copies every declared field for every serializer instance, running each field's
    __init__ again and building its validators anew; a search builds a dozen nested
    serializers, and that copying was about half of its validation time. Here a field is
    copied shallowly: the copy shares the declared field's arguments, validators, choices and
    error messages, which validation only reads, and is bound to this instance as usual. A
    nested serializer's copy builds its own fields (the same way) when first used; a list of
    serializers (many=True) is still deep-copied, as its child serializer is state of its own.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: _copy_field(field) for name, field in self._declared_fields.items()}


def _copy_field(field: serializers.Field) -> serializers.Field:
    if isinstance(field, serializers.ListSerializer):
        return copy.deepcopy(field)
    clone = object.__new__(type(field))  # copy.copy, without its generic machinery
    clone.__dict__.update(field.__dict__)
    clone.__dict__.pop("fields", None)  # a nested serializer's bound fields are its own
    return clone


class CodeSerializer(Serializer):
    code = serializers.CharField(max_length=64)


class OptionalCodeNameSerializer(Serializer):
    code = serializers.CharField(max_length=64, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ContextLocationSerializer(Serializer):
    country = CodeSerializer(required=False)
    city = CodeSerializer(required=False)


class ContextSerializer(Serializer):
    domain = serializers.CharField(max_length=100)
    location = ContextLocationSerializer(required=False)
    action = serializers.CharField(max_length=32)
    version = serializers.CharField(max_length=16)
    bap_id = serializers.CharField(max_length=255)
    bap_uri = HttpUrlField()
    bpp_id = serializers.CharField(max_length=255, required=False)
    bpp_uri = HttpUrlField(required=False)
    transaction_id = serializers.CharField(max_length=255)
    message_id = serializers.CharField(max_length=255)
    timestamp = TimestampField(max_length=64)
    key = serializers.CharField(required=False, allow_blank=True)
    ttl = DurationField(max_length=32, required=False)

    def validate_domain(self, value: str) -> str:
        if value != settings.BECKN_DOMAIN:
            raise serializers.ValidationError(f"This BPP serves domain {settings.BECKN_DOMAIN!r}.")
        return value

    def validate_version(self, value: str) -> str:
        if value != settings.BECKN_VERSION:
            raise serializers.ValidationError(f"Only version {settings.BECKN_VERSION} is served.")
        return value

    def validate_action(self, value: str) -> str:
        expected = self.context["action"]
        if value != expected:
            raise serializers.ValidationError(f"Must be {expected!r} on /beckn/{expected}.")
        return value

    def validate_ttl(self, value: str) -> str:
        if parse_duration(value) > timedelta(seconds=settings.BECKN_MAX_TTL_SECONDS):
            raise serializers.ValidationError(
                f"Longer than this BPP accepts ({settings.BECKN_MAX_TTL_SECONDS} seconds)."
            )
        return value

    def validate_bpp_id(self, value: str) -> str:
        if value != settings.BECKN_SUBSCRIBER_ID:
            raise serializers.ValidationError(f"This BPP is {settings.BECKN_SUBSCRIBER_ID!r}.")
        return value


class DescriptorSerializer(Serializer):
    name = serializers.CharField(max_length=500, required=False, allow_blank=True)
    short_desc = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    code = serializers.CharField(max_length=100, required=False, allow_blank=True)


class IdDescriptorSerializer(Serializer):
    id = serializers.CharField(max_length=100, required=False)
    descriptor = DescriptorSerializer(required=False)


class LocationSerializer(Serializer):
    gps = GpsField(max_length=64, required=False)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    area_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    city = OptionalCodeNameSerializer(required=False)


class StopSerializer(Serializer):
    type = serializers.CharField(max_length=32, required=False)
    location = LocationSerializer(required=False)


class IntentFulfillmentSerializer(Serializer):
    type = serializers.CharField(max_length=32, required=False)
    stops = StopSerializer(many=True, required=False)


class IntentSerializer(Serializer):
    descriptor = DescriptorSerializer(required=False)
    provider = IdDescriptorSerializer(required=False)
    category = IdDescriptorSerializer(required=False)
    item = IdDescriptorSerializer(required=False)
    fulfillment = IntentFulfillmentSerializer(required=False)


class SearchMessageSerializer(Serializer):
    intent = IntentSerializer()


def first_error(errors: object, path: str = "") -> tuple[str, str]:
    """The path and text of the first error of a serializer's (nested) `errors`."""
    if isinstance(errors, dict):
        field, nested = next(iter(errors.items()))
        if field == "non_field_errors":
            name = path
        elif isinstance(field, int):
            name = f"{path}[{field}]"
        else:
            name = f"{path}.{field}" if path else field
        return first_error(nested, name)
    if isinstance(errors, list) and errors:
        for index, nested in enumerate(errors):
            if nested:
                if isinstance(nested, dict | list):
                    return first_error(nested, f"{path}[{index}]")
                return path, str(nested)
    return path, str(errors)


def checked_json(sent: object, checked: object) -> object:
    """A request's part as checked: `sent` with each value a serializer declares replaced by its
    checked form (`checked`, the serializer's `.data`: a number sent for a text becomes that
    text, a decimal its text...); what the serializer does not declare (the protocol's
    extensions) stays as sent."""
    if isinstance(checked, dict) and isinstance(sent, dict):
        return {**sent, **{name: checked_json(sent.get(name), v) for name, v in checked.items()}}
    if isinstance(checked, list) and isinstance(sent, list):
        return [checked_json(s, c) for s, c in zip(sent, checked, strict=False)]
    return checked


class IdSerializer(Serializer):
    id = serializers.CharField(max_length=100)


class ContactSerializer(Serializer):
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class PersonSerializer(Serializer):
    name = serializers.CharField(max_length=200)


class CustomerSerializer(Serializer):
    person = PersonSerializer(required=False)
    contact = ContactSerializer(required=False)


class TimeRangeSerializer(Serializer):
    start = TimestampField(max_length=64)
    end = TimestampField(max_length=64)


class TimeSerializer(Serializer):
    range = TimeRangeSerializer(required=False)


class OrderStopSerializer(Serializer):
    type = serializers.CharField(max_length=32, required=False)
    location = LocationSerializer(required=False)
    time = TimeSerializer(required=False)


class OrderFulfillmentSerializer(Serializer):
    id = serializers.CharField(max_length=100, required=False)
    type = serializers.CharField(max_length=32, required=False)
    customer = CustomerSerializer(required=False)
    stops = OrderStopSerializer(many=True, required=False)


class BillingSerializer(Serializer):
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=500)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def validate(self, data: dict) -> dict:
        if not data.get("email") and not data.get("phone"):
            raise serializers.ValidationError("Give an email or a phone number.")
        return data


class PaymentParamsSerializer(Serializer):
    transaction_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    currency = serializers.CharField(max_length=3, required=False)


class PaymentSerializer(Serializer):
    type = serializers.CharField(max_length=32, required=False)
    collected_by = serializers.ChoiceField(choices=["BAP", "BPP"], required=False)
    status = serializers.ChoiceField(choices=["PAID", "NOT-PAID"], required=False)
    params = PaymentParamsSerializer(required=False)


class PriceSerializer(Serializer):
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField(max_length=3, required=False)


class QuoteSerializer(Serializer):
    price = PriceSerializer()


class SelectOrderSerializer(Serializer):
    provider = IdSerializer()
    items = IdSerializer(many=True, allow_empty=False)
    fulfillments = OrderFulfillmentSerializer(many=True, required=False)


class InitOrderSerializer(SelectOrderSerializer):
    billing = BillingSerializer(required=False)
    payments = PaymentSerializer(many=True, required=False)


class ConfirmOrderSerializer(InitOrderSerializer):
    billing = BillingSerializer()
    quote = QuoteSerializer(required=False)


class SelectMessageSerializer(Serializer):
    order = SelectOrderSerializer()


class InitMessageSerializer(Serializer):
    order = InitOrderSerializer()


class ConfirmMessageSerializer(Serializer):
    order = ConfirmOrderSerializer()


class OrderIdMessageSerializer(Serializer):
    order_id = serializers.CharField(max_length=100)


class TrackMessageSerializer(OrderIdMessageSerializer):
    callback_url = HttpUrlField(required=False)


class CancelMessageSerializer(OrderIdMessageSerializer):
    cancellation_reason_id = serializers.CharField(max_length=32, required=False)
    descriptor = DescriptorSerializer(required=False)


class UpdateOrderSerializer(Serializer):
    id = serializers.CharField(max_length=100)
    billing = BillingSerializer(required=False)
    fulfillments = OrderFulfillmentSerializer(many=True, required=False)
    payments = PaymentSerializer(many=True, required=False)


class UpdateMessageSerializer(Serializer):
    update_target = serializers.CharField(max_length=200)
    order = UpdateOrderSerializer()


class SupportRequestSerializer(Serializer):
    ref_id = serializers.CharField(max_length=100, required=False)
    order_id = serializers.CharField(max_length=100, required=False)

    def validate(self, data: dict) -> dict:
        if not data.get("ref_id") and not data.get("order_id"):
            raise serializers.ValidationError("Give the ref_id of an order or a provider.")
        return data


class SupportMessageSerializer(Serializer):
    support = SupportRequestSerializer()


class RatingSerializer(Serializer):
    """One rating of BECKN-008. The category and value are only checked in the answer: an
    unsupported category (50003) or an invalid value (30015) is a business error of on_rating."""

    rating_category = serializers.CharField(max_length=32, allow_blank=True)
    id = serializers.CharField(max_length=100)
    value = serializers.CharField(max_length=64, allow_blank=True, trim_whitespace=False)


class RatingMessageSerializer(Serializer):
    ratings = RatingSerializer(many=True, allow_empty=False, max_length=20)


# The actions we serve, and how the message of each one's request is checked. Every one of them
# has a composer of its callback (beckn/answers/, checked at start-up by BecknConfig.ready).
MESSAGE_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "search": SearchMessageSerializer,
    "select": SelectMessageSerializer,
    "init": InitMessageSerializer,
    "confirm": ConfirmMessageSerializer,
    "status": OrderIdMessageSerializer,
    "track": TrackMessageSerializer,
    "cancel": CancelMessageSerializer,
    "update": UpdateMessageSerializer,
    "support": SupportMessageSerializer,
    "rating": RatingMessageSerializer,
}
