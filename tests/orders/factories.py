from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.taxonomy import InstallationStatus, SchedulingStatus, TechnicianType
from orders.models import Order, OrderItem, Technician
from orders.policies import Slot
from tests.catalog.factories import FulfillmentFactory, ItemFactory, ProviderFactory

# The factories' installers work from San Francisco, in its zone, on their default working hours:
# Monday to Friday, 08:00 to 17:00 (catalog.models.Provider). Appointments booked through the
# services must lie inside them.
INSTALLER_ZONE = ZoneInfo("America/Los_Angeles")


def working_day(days: int = 2, *, after: date | None = None) -> date:
    """The first weekday at least `days` days after `after` (today in San Francisco by default):
    a day the factories' installers work."""
    day = (after or timezone.localdate(timezone=INSTALLER_ZONE)) + timedelta(days=days)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def working_slot(days: int = 2, *, at: time = time(10), hours: int = 2) -> Slot:
    """A window inside the factories' installers' working hours: from `at` (San Francisco time)
    for `hours`, on working_day(days)."""
    start = datetime.combine(working_day(days), at, tzinfo=INSTALLER_ZONE)
    return Slot(start=start, end=start + timedelta(hours=hours))


class UserFactory(factory.django.DjangoModelFactory):
    """A person's account, signed in by e-mail (their user name)."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"person{n}@example.com")
    email = factory.LazyAttribute(lambda user: user.username)


class TechnicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technician

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Faker("name")
    phone = "+14155550100"
    technician_type = TechnicianType.SOLAR_TECHNICIAN


class OrderFactory(factory.django.DjangoModelFactory):
    """A scheduled order of one item, as order_place leaves it."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    installation_request_id = factory.Sequence(lambda n: f"IR-TEST-{n:06d}")
    provider = factory.SubFactory(ProviderFactory)
    channel = Order.Channel.NETWORK
    buyer_reference = "bap.example.test"
    fulfillment = factory.LazyAttribute(lambda o: FulfillmentFactory(provider=o.provider))
    billing_name = "Emily Tran"
    billing_email = "emily.tran@example.com"
    billing_phone = "+14155556666"
    billing_address = "456 Glenview St, San Francisco, CA"
    customer_name = "Emily Tran"
    site_address = "456 Glenview St, San Francisco, CA"
    currency = "USD"
    total = Decimal("85000")
    status = InstallationStatus.SCHEDULED
    scheduling_status = SchedulingStatus.CONFIRMED
    survey_start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    survey_end = factory.LazyAttribute(lambda o: o.survey_start + timedelta(hours=2))

    @factory.post_generation
    def items(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            for item in extracted or [ItemFactory(provider=self.provider)]:
                OrderItem.objects.create(
                    order=self, item=item, price=item.price_estimated_value, currency=item.currency
                )


def appointments_passed(order: Order, *, days_ago: int = 3) -> Order:
    """The order as it is once its site survey and installation appointments have started:
    both booked in the past (the journey's gates only let the work follow its appointments)."""
    now = timezone.now()
    survey_start = now - timedelta(days=days_ago)
    installation_start = now - timedelta(hours=1)
    Order.objects.filter(pk=order.pk).update(
        survey_start=survey_start,
        survey_end=survey_start + timedelta(hours=2),
        installation_start=installation_start,
        installation_end=installation_start + timedelta(hours=8),
    )
    order.refresh_from_db()
    return order
