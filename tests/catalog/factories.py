import itertools
from decimal import Decimal

import factory
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from catalog.models import Category, Fulfillment, Item, Provider, ProviderMember, ServiceLocation
from catalog.services import member_add, taxonomy_ensure
from catalog.taxonomy import LocationType

_member_numbers = itertools.count(1)


def category(code: str) -> Category:
    """A taxonomy category (created if a transactional test flushed the table)."""
    taxonomy_ensure()
    return Category.objects.get(code=code)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    external_id = factory.Sequence(lambda n: f"installer_{n}")
    code = factory.Sequence(lambda n: f"Installer_{n}")
    name = factory.Sequence(lambda n: f"Installer {n}")
    short_desc = "Installation services"


class ServiceLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLocation
        django_get_or_create = ("provider", "local_id")

    provider = factory.SubFactory(ProviderFactory)
    local_id = "1"
    city_name = "San Francisco"
    city_code = "NANP:628"
    latitude = Decimal("37.774900")
    longitude = Decimal("-122.419400")
    service_radius_km = Decimal("50")


class FulfillmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fulfillment
        django_get_or_create = ("provider", "local_id")

    provider = factory.SubFactory(ProviderFactory)
    local_id = "1"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    external_id = factory.Sequence(lambda n: f"item-{n}")
    code = factory.Sequence(lambda n: f"Item_{n}")
    name = "Rooftop Solar Setup"
    category = factory.LazyFunction(lambda: category("solar_panel_installation"))
    price_estimated_value = Decimal("12000")
    property_type = LocationType.RESIDENTIAL

    @factory.post_generation
    def locations(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.locations.set(extracted or [ServiceLocationFactory(provider=self.provider)])

    @factory.post_generation
    def fulfillments(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.fulfillments.set(extracted or [FulfillmentFactory(provider=self.provider)])


def member(
    provider: Provider,
    role: str = ProviderMember.Role.OWNER,
    *,
    email: str = "",
    name: str = "",
) -> ProviderMember:
    """A person with `role` in `provider`'s team (catalog.services.member_add), by default with
    an address and a name of their own."""
    number = next(_member_numbers)
    return member_add(
        provider=provider,
        email=email or f"{role.lower()}{number}@installer{provider.pk}.example.com",
        role=role,
        name=name or f"{role.title()} {number}",
    )


def client_of(user: AbstractBaseUser) -> Client:
    """A test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client
