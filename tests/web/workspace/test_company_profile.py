"""An installer's owner edits who the company is (the workspace's Company profile): founding
year, licence, certifications, logo and photos; homeowners then see them on the public pages.
And when it works (its working hours, which appointments follow). Also the admin's logo and
working-hours fields, the pictures' URLs and the site's icon."""

import re
from datetime import time
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from catalog.models import Provider, ProviderMember
from catalog.services import taxonomy_ensure
from tests.catalog.factories import ProviderFactory, client_of, member

pytestmark = pytest.mark.django_db
URL = reverse("workspace:company-profile")
# The working hours as the page shows them by default (a browser posts them with the rest).
HOURS = {"work_days": ["1", "2", "3", "4", "5"], "work_start": "08:00", "work_end": "17:00"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def provider() -> Provider:
    taxonomy_ensure()
    return ProviderFactory(name="Helios Solar", external_id="helios_solar")


def picture(name: str, size: tuple[int, int] = (900, 600), fmt: str = "PNG") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_the_owner_sets_who_the_company_is_and_homeowners_see_it(provider: Provider) -> None:
    owner = client_of(member(provider).user)

    response = owner.post(
        URL,
        {
            **HOURS,
            "founded_year": "2003",
            "license_number": "CSLB 700123",
            "certifications": "NABCEP PV Installation Professional\n\n Tesla Certified \n",
            "logo": picture("logo.png"),
            "photo": picture("roof.jpg", fmt="JPEG"),
            "photo_caption": "A roof in Oakland",
        },
    )

    assert response.status_code == 302, response.content.decode()
    provider.refresh_from_db()
    assert (provider.founded_year, provider.license_number) == (2003, "CSLB 700123")
    assert provider.certifications == ["NABCEP PV Installation Professional", "Tesla Certified"]
    assert provider.logo.name.endswith(".png") and provider.photos.count() == 1
    public = Client().get(reverse("catalog:provider", args=["helios_solar"])).content.decode()
    for shown in (
        "years in business",
        "Licence CSLB 700123",
        "Tesla Certified",
        "A roof in Oakland",
    ):
        assert shown in public, shown
    logo = Client().get(provider.logo.url)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    with Image.open(BytesIO(b"".join(logo.streaming_content))) as image:
        assert max(image.size) == 320  # resized, never the upload as sent

    photo = provider.photos.get()
    owner.post(reverse("workspace:photo-remove", kwargs={"photo_id": photo.pk}))
    assert not provider.photos.exists()


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"logo": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>")}, "logo", "not a picture"),
        ({"founded_year": "1492"}, "founded_year", "greater than or equal to 1800"),
        ({"certifications": "x" * 101}, "certifications", "at most 100 characters"),
        ({"work_days": []}, "work_days", "Tick at least one work day"),
        ({"work_start": "17:00", "work_end": "08:00"}, "work_end", "must end after it starts"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Give an IANA time zone"),
    ],
)
def test_what_is_wrong_shows_on_the_form(
    provider: Provider, changes: dict, field: str, error: str
) -> None:
    response = client_of(member(provider).user).post(
        URL, {**HOURS, "license_number": "1", **changes}
    )

    assert response.status_code == 400
    assert error in " ".join(response.context["form"].errors[field])
    provider.refresh_from_db()
    assert provider.license_number == "" and not provider.logo


def test_a_dispatcher_cannot_edit_the_profile(provider: Provider) -> None:
    dispatcher = client_of(member(provider, ProviderMember.Role.DISPATCHER).user)
    assert dispatcher.post(URL, {"license_number": "X"}).status_code == 403


def test_another_installers_photo_is_not_found(provider: Provider) -> None:
    other = ProviderFactory()
    owner_of_other = client_of(member(other).user)
    client_of(member(provider).user).post(URL, {**HOURS, "photo": picture("a.png")})
    photo = provider.photos.get()

    response = owner_of_other.post(reverse("workspace:photo-remove", kwargs={"photo_id": photo.pk}))

    assert response.status_code == 404 and provider.photos.exists()


def test_pictures_are_served_only_from_the_installers_folder(client: Client) -> None:
    assert client.get("/media/installers/logos/none.png").status_code == 404
    assert client.get("/media/../config/settings/catalog.py").status_code == 404
    assert client.get("/media/private/documents/a.png").status_code == 404


def test_the_site_has_an_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    page = client.get(reverse("catalog:discover")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").status_code == 200


def test_staff_upload_a_logo_in_the_admin(admin_client: Client, provider: Provider) -> None:
    url = reverse("admin:catalog_provider_change", args=[provider.pk])
    form = admin_client.get(url).content.decode()
    assert 'name="logo_upload"' in form and 'name="photo_upload"' in form


def ticked(page: str) -> set[str]:
    """The work days ticked on the page."""
    return set(re.findall(r'name="work_days" value="(\d)" id="[^"]*" checked', page))


def test_the_owner_sets_the_working_hours_that_appointments_follow(provider: Provider) -> None:
    owner = client_of(member(provider).user)
    page = owner.get(URL).content.decode()
    # The defaults: Monday to Friday, 08:00 to 17:00, in the zone of the first place.
    assert ticked(page) == {"1", "2", "3", "4", "5"} and 'value="08:00"' in page

    response = owner.post(
        URL,
        {
            "work_days": ["2", "3", "4", "6"],
            "work_start": "07:30",
            "work_end": "15:00",
            "time_zone": " America/New_York ",
        },
    )

    assert response.status_code == 302, response.content.decode()
    provider.refresh_from_db()
    assert provider.work_days == "2346"
    assert (provider.work_start, provider.work_end) == (time(7, 30), time(15, 0))
    assert provider.time_zone == "America/New_York"
    page = owner.get(URL).content.decode()
    assert "works Tuesday\u2013Thursday and Saturday, 07:30\u201315:00" in page
    assert ticked(page) == {"2", "3", "4", "6"}


def test_staff_set_the_working_hours_in_the_admin(admin_client: Client, provider: Provider) -> None:
    url = reverse("admin:catalog_provider_change", args=[provider.pk])
    form = admin_client.get(url).content.decode()
    assert 'type="checkbox" name="work_days" value="1"' in form and 'name="time_zone"' in form
    data = {
        "external_id": provider.external_id,
        "code": provider.code,
        "name": provider.name,
        "rating_count": "0",
        "certifications": "[]",
        "work_days": ["1", "3", "5"],
        "work_start": "09:00",
        "work_end": "08:00",
        "time_zone": "America/Chicago",
        "is_active": "on",
    }
    for prefix in ("photos", "images", "locations", "fulfillments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    refused = admin_client.post(url, data)

    assert refused.status_code == 200
    assert "The working day must end after it starts." in refused.content.decode()
    assert admin_client.post(url, {**data, "work_end": "18:00"}).status_code == 302
    provider.refresh_from_db()
    assert (provider.work_days, provider.work_end) == ("135", time(18, 0))
    assert provider.time_zone == "America/Chicago"
