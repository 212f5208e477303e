"""The installer's pictures in on_search: the guide's only place for them is the provider's
descriptor.images; its own image URLs (the guide's) win, else its logo and photos."""

import pytest

from beckn.mapping.catalog import provider_summary
from catalog.models import ProviderImage
from catalog.services import provider_logo_set
from catalog.services.demo_pictures import demo_logo
from tests.catalog.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def helios(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = "https://bpp.example"
    provider = ProviderFactory(name="Helios Solar")
    provider_logo_set(provider=provider, data=demo_logo(name=provider.name, seed=1))
    return provider


def test_an_installer_without_image_urls_publishes_its_logo(helios) -> None:
    published = provider_summary(helios)

    [image] = published["descriptor"]["images"]
    assert image["url"].startswith("https://bpp.example/media/installers/logos/")


def test_the_catalogs_own_image_urls_are_published_as_they_are(helios) -> None:
    ProviderImage.objects.create(provider=helios, url="https://helios.example/logo.png")

    published = provider_summary(helios)

    assert published["descriptor"]["images"] == [{"url": "https://helios.example/logo.png"}]
