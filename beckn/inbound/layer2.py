"""Layer 2: the network's own OpenAPI document (e.g. DEG's service_1.1.0.yaml), configured by
BECKN_LAYER2_SPEC_PATH. When set, every inbound request must match the request-body schema of
its action; without it, only the core checks of our serializers apply. The document is loaded
and each action's validator compiled once per process (beckn/openapi.py).
"""

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from beckn.openapi import SpecError, SpecSchemas, Violation

NAMED_VIOLATIONS = 3


@functools.lru_cache(maxsize=8)
def schemas(path: str) -> SpecSchemas:
    """The document at `path`, loaded once."""
    try:
        return SpecSchemas(path)
    except SpecError as exc:
        raise ImproperlyConfigured(f"Layer-2 document {exc}") from exc


def violations(action: str, body: object, *, spec_path: str) -> list[Violation]:
    """Every (path, message) by which `body` breaks the schema of `action` in the document
    at `spec_path`, ordered by path; [] when it conforms or the action is not described."""
    return schemas(spec_path).callback(action, body)


def validate_request(action: str, body: dict[str, Any]) -> Violation | None:
    """The first violation of the configured layer-2 schema by a request, or None.

    Its message names the next few violations too. None when no document is configured.
    """
    spec_path = settings.BECKN_LAYER2_SPEC_PATH
    if not spec_path:
        return None
    found = violations(action, body, spec_path=spec_path)
    if not found:
        return None
    (path, message), others = found[0], found[1:]
    named = [f"{p}: {m}" for p, m in others[: NAMED_VIOLATIONS - 1]]
    if len(others) > len(named):
        named.append(f"and {len(others) - len(named)} more")
    return path, "; ".join([message, *named])
