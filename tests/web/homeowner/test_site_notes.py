"""Site notes are the installer's own record: the homeowner's pages never show them."""

import pytest
from django.urls import reverse

from orders import services
from tests.web.homeowner.helpers import homeowner_client, place_web_order, sunpower_item

pytestmark = pytest.mark.django_db
NOTE = "Side gate code 4411; dog in the back yard"


def test_the_homeowner_pages_do_not_show_site_notes(demo_catalog: None) -> None:
    client = homeowner_client()
    order = place_web_order(client, sunpower_item())
    services.order_note_add(order=order, text=NOTE, actor="installer:tech@sunpower")

    pages = [
        reverse("orders:order", args=[order.installation_request_id]),
        reverse("orders:track", args=[order.tracking_token]),
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Order placed" in html or order.installation_request_id in html
        assert NOTE not in html
    assert any(NOTE in (event.reason, event.to_value) for event in order.events.all())
