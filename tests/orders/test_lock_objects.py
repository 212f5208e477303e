"""The domain's row locks (orders/lock_objects.py and each app's lock_objects): rows of a kind
are locked by ascending id, and the orders services take them in the written order."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.lock_objects import providers_lock, rows_lock
from catalog.models import Provider
from orders import services
from orders.lock_objects import order_lock, orders_lock, technicians_lock
from orders.models import Order, Technician
from orders.policies import Appointment
from tests.catalog.factories import ProviderFactory
from tests.orders.factories import OrderFactory, TechnicianFactory, working_slot
from tests.orders.locks import locks_taken

pytestmark = pytest.mark.django_db
INSTALLER = "user:dispatcher@sunpower"


def test_rows_of_a_kind_are_locked_by_ascending_id_in_one_query() -> None:
    providers = [ProviderFactory() for _ in range(3)]
    wanted = [providers[2].pk, providers[0].pk, providers[2].pk, 10**9]

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = providers_lock(wanted)

    assert locked == sorted({providers[0].pk, providers[2].pk})
    (query,) = queries.captured_queries
    assert re.search(r'ORDER BY (1|"catalog_provider"\."id") ASC', query["sql"]), query["sql"]
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in query["sql"]


def test_nothing_to_lock_asks_nothing() -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert rows_lock(Provider, []) == []
        assert orders_lock(()) == [] and technicians_lock(set()) == []
    assert not queries.captured_queries


def test_the_orders_and_technicians_lock_helpers() -> None:
    order = OrderFactory()
    technicians = [TechnicianFactory(provider=order.provider) for _ in range(2)]

    with transaction.atomic():
        assert order_lock(order.pk) == order
        assert orders_lock([order.pk, order.pk]) == [order.pk]
        assert technicians_lock([t.pk for t in reversed(technicians)]) == sorted(
            t.pk for t in technicians
        )
        with pytest.raises(Order.DoesNotExist):
            order_lock(10**9)


def test_assigning_a_technician_locks_the_order_then_the_technician() -> None:
    order = OrderFactory()
    technician = TechnicianFactory(provider=order.provider)

    with locks_taken() as locks:
        services.order_technician_assign(order=order, technician=technician, actor=INSTALLER)

    assert locks == [Order, Technician]
    locks.assert_in_order()


def test_booking_an_assigned_technician_locks_the_order_then_the_technician() -> None:
    technician = TechnicianFactory()
    order = OrderFactory(provider=technician.provider, technician=technician)
    slot = working_slot(9, hours=4)  # after the survey, inside the installer's hours

    with locks_taken() as locks:
        services.order_schedule(
            order=order, appointment=Appointment.INSTALLATION, slot=slot, actor=INSTALLER
        )

    assert locks == [Order, Technician]
    locks.assert_in_order()


def test_a_lock_taken_out_of_order_is_caught() -> None:
    """The check itself: a Technician before its Order is out of order."""
    technician = TechnicianFactory()
    order = OrderFactory(provider=technician.provider)

    with transaction.atomic(), locks_taken() as locks:
        Technician.objects.select_for_update().get(pk=technician.pk)
        order_lock(order.pk)

    with pytest.raises(AssertionError, match="out of order"):
        locks.assert_in_order()
