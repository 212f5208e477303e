"""Fixtures of the Beckn tests: callbacks checked against the specifications, our keys for
joining a network, and a registry on 127.0.0.1 that subscribes us through its challenge."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from beckn import encryption
from beckn import registry as registry_module
from beckn.peers import CheckedCallbackServer, SubscribingRegistry
from config.env import BASE_DIR
from tests.conftest import in_ci

DATA = Path(__file__).parent / "data"
LAYER2_SPEC = DATA / "layer2_service.yaml"
# The core specification is not ours to copy: CI has it beside the repository.
SHARED_SPEC_DIR = BASE_DIR.parent / "shared" / "beckn" / "spec-1.1.0"


def shared_spec_path(name: str) -> Path | None:
    """A file of the core Beckn specification from ../shared, or None when it is not there.

    Its absence fails the calling test in CI (CI=true), which always has it.
    """
    path = SHARED_SPEC_DIR / name
    if path.is_file():
        return path
    if in_ci():
        pytest.fail(f"{path} is missing: CI must have the Beckn specification beside the repo.")
    return None


def shared_spec(name: str) -> Path:
    """Like shared_spec_path, but skips the calling test when the file is missing outside CI."""
    path = shared_spec_path(name)
    if path is None:
        pytest.skip(f"{SHARED_SPEC_DIR / name} is not there (only CI must have it)")
    return path


@pytest.fixture
def callback_server() -> Iterator[CheckedCallbackServer]:
    """The BAP's callback endpoint; with a layer-2 document configured, every callback must
    conform to it (and to the core specification too with `core_spec_checked`)."""

    def spec_paths() -> list[str]:
        layer2 = django_settings.BECKN_LAYER2_SPEC_PATH
        return [layer2] if layer2 else []

    with CheckedCallbackServer(spec_paths=spec_paths) as server:
        yield server
    assert not server.violations, "\n".join(server.violations)


@pytest.fixture
def core_spec_checked(callback_server: CheckedCallbackServer) -> Path:
    """Every callback of the test must also conform to the core specification (transaction.yaml
    from ../shared); without it the test is skipped, or fails in CI."""
    path = shared_spec("transaction.yaml")
    callback_server.extra_spec_paths.append(str(path))
    return path


@pytest.fixture
def encryption_private_key(settings: object) -> str:
    """Our encryption key, configured as BECKN_ENCRYPTION_PRIVATE_KEY."""
    value = encryption.private_key_base64(encryption.generate_private_key())
    settings.BECKN_ENCRYPTION_PRIVATE_KEY = value
    return value


@pytest.fixture
def registry(
    settings: object, live_server: object, encryption_private_key: str
) -> Iterator[SubscribingRegistry]:
    """A registry on 127.0.0.1 that we are configured to join; it reaches our live server."""
    with SubscribingRegistry() as server:
        settings.BECKN_REGISTRY_URL = server.url
        settings.BECKN_REGISTRY_TIMEOUT = 2.0
        settings.BECKN_REGISTRY_SUBSCRIBE_TIMEOUT = 15.0
        settings.BECKN_REGISTRY_ENCRYPTION_PUBLIC_KEY = server.encryption_public_key
        settings.BECKN_REGISTRY_SIGNING_PUBLIC_KEY = server.identity.public_key
        settings.BECKN_SUBSCRIBER_URL = f"{live_server.url}/beckn"
        cache.clear()
        registry_module.local_cache_clear()
        yield server
    cache.clear()
    registry_module.local_cache_clear()
