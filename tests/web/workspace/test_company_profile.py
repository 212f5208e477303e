"""An installer's owner edits who the company is (the workspace's Company profile): founding
year, licence, certifications, logo and photos; homeowners then see them on the public pages.
Also the admin's logo field, the pictures' URLs and the site's icon."""

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
    ],
)
def test_what_is_wrong_shows_on_the_form(
    provider: Provider, changes: dict, field: str, error: str
) -> None:
    response = client_of(member(provider).user).post(URL, {"license_number": "1", **changes})

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
    client_of(member(provider).user).post(URL, {"photo": picture("a.png")})
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
