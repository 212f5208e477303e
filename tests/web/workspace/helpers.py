"""Installer companies as the workspace tests need them: members of each role, technicians who
sign in, orders with documents uploaded through the real form, and the buyer app's link."""

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from beckn.models import OrderLink
from catalog.models import Provider, ProviderMember
from catalog.taxonomy import TechnicianType
from documents.models import Document
from orders.models import Order, Technician
from tests.catalog.factories import ProviderFactory, ServiceLocationFactory
from tests.catalog.factories import member as team_member
from tests.documents.factories import form_data, item_requiring, multipart, order_token
from tests.orders.factories import INSTALLER_ZONE, OrderFactory, TechnicianFactory

Role = ProviderMember.Role


def installer(name: str = "", city: str = "San Francisco") -> Provider:
    """An installer company working in `city`."""
    provider = ProviderFactory(**({"name": name} if name else {}))
    ServiceLocationFactory(provider=provider, city_name=city)
    return provider


def member(provider: Provider, role: str = Role.OWNER, name: str = "") -> AbstractBaseUser:
    """A person with `role` at `provider` (their sign-in)."""
    return team_member(provider, role, name=name).user


def field_technician(
    provider: Provider,
    name: str = "David C",
    technician_type: str = TechnicianType.SOLAR_TECHNICIAN,
) -> tuple[AbstractBaseUser, Technician]:
    """A technician of `provider` who signs in to the workspace."""
    user = member(provider, Role.TECHNICIAN, name=name)
    technician = TechnicianFactory(
        provider=provider, name=name, technician_type=technician_type, user=user
    )
    return user, technician


def next_weekday(days_ahead: int = 3, at: time = time(10, 0)) -> datetime:
    """A weekday at least `days_ahead` days from now, at `at` in San Francisco, where the
    installers and their sites are: inside the installers' working hours (Monday to Friday,
    08:00 to 17:00) for a window that ends by 17:00."""
    day = timezone.localdate(timezone=INSTALLER_ZONE) + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=INSTALLER_ZONE)


def order_for(provider: Provider, **fields: Any) -> Order:
    """A scheduled order of one item of `provider` (no documents required), its site in San
    Francisco's zone as order_place finds it from the installer's place."""
    survey = fields.pop("survey_start", None) or next_weekday()
    fields.setdefault("site_time_zone", INSTALLER_ZONE.key)
    return OrderFactory(
        provider=provider,
        survey_start=survey,
        survey_end=survey + timedelta(hours=2),
        **fields,
    )


def order_with_documents(provider: Provider, *codes: str, **fields: Any) -> Order:
    """A scheduled order of an item requiring `codes`, the files uploaded through the form."""
    item = item_requiring(
        *(codes or ("id_proof", "electricity_bill")),
        provider=provider,
        name="2kW Rooftop Solar Setup",
        price_estimated_value=Decimal("85000"),
    )
    survey = fields.pop("survey_start", None) or next_weekday()
    fields.setdefault("site_time_zone", INSTALLER_ZONE.key)
    order = OrderFactory(
        provider=provider,
        items=[item],
        survey_start=survey,
        survey_end=survey + timedelta(hours=2),
        **fields,
    )
    documents_form_send(order, item)
    assert Document.objects.filter(order=order).count() == len(codes or (1, 2))
    return order


def documents_form_send(order: Order, item: Any) -> None:
    """The homeowner sends the document form of `item` for `order` (a file per document)."""
    body, content_type = multipart({"token": order_token(order, item), **form_data(item)})
    answer = Client().post(
        f"/documents/forms/{order.provider.external_id}/{item.external_id}",
        data=body,
        content_type=content_type,
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.content


def link_to_bap(order: Order, bap_id: str, bap_uri: str) -> OrderLink:
    """Make `order` one that the buyer app `bap_id` placed over the network."""
    Order.objects.filter(pk=order.pk).update(channel=Order.Channel.NETWORK, buyer_reference=bap_id)
    return OrderLink.objects.create(
        order=order,
        bap_id=bap_id,
        bap_uri=bap_uri,
        transaction_id=str(uuid.uuid4()),
        context={"domain": "service", "version": "1.1.0"},
    )


def htmx(**headers: str) -> dict[str, str]:
    """The headers htmx sends."""
    return {"HX-Request": "true", **headers}
