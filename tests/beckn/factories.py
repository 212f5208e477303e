from datetime import timedelta

import factory
from django.utils import timezone

from beckn.models import Subscriber, SubscriberKey


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    subscriber_id = factory.Sequence(lambda n: f"bap{n}.example.test")
    type = Subscriber.Type.BAP
    url = factory.LazyAttribute(lambda o: f"https://{o.subscriber_id}/beckn")
    domain = "service"
    status = Subscriber.Status.SUBSCRIBED


class SubscriberKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubscriberKey

    subscriber = factory.SubFactory(SubscriberFactory)
    unique_key_id = factory.Sequence(lambda n: f"key-{n}")
    signing_public_key = "awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk="
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    valid_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=365))
