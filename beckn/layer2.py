"""Layer 2: a network's own OpenAPI document (such as DEG's service_1.1.0.yaml), enforced.

Off unless BECKN_LAYER2_SPEC_PATH names a document; then every inbound request must match the
schema of its action, `paths./<action>.post.requestBody.content.application/json.schema`
(`$ref`s followed). Validation is openapi-schema-validator's (OpenAPI 3.0 or 3.1 dialect, as
the document's `openapi` field says); the document is loaded once per process and each action's
validator compiled once. An action the document does not describe is not checked here: the
core 1.1.0 checks of our serializers apply to every request either way.
"""

import functools
import json
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jsonschema.exceptions import ValidationError, best_match
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

Violation = tuple[str, str]
DOCUMENT_URI = "urn:sunbeckn:layer2"
NAMED_VIOLATIONS = 3
MESSAGE_CHARS = 300
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=8)
def _document(path: str) -> tuple[dict[str, Any], Registry, Any]:
    """The document at `path`, a reference registry holding it, and its validator class."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        document = json.loads(text) if path.endswith(".json") else yaml.load(text, _Loader)  # noqa: S506 - a safe loader
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"Layer-2 document {path}: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ImproperlyConfigured(f"Layer-2 document {path} is not an OpenAPI document.")
    version = str(document.get("openapi", ""))
    if version.startswith("3.0"):
        validator_class, specification = OAS30Validator, DRAFT4
    elif version.startswith("3.1"):
        validator_class, specification = OAS31Validator, DRAFT202012
    else:
        raise ImproperlyConfigured(f"Layer-2 document {path}: OpenAPI {version!r} is not 3.0/3.1.")
    resource = Resource.from_contents(document, default_specification=specification)
    return document, Registry().with_resource(DOCUMENT_URI, resource), validator_class


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _at(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return None
    return node


def _follow(document: dict[str, Any], pointer: str) -> tuple[str, Any]:
    """The pointer and node at `pointer`, following local `$ref`s."""
    node = _at(document, pointer)
    seen = {pointer}
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        reference = node["$ref"]
        if not reference.startswith("#/") or reference[1:] in seen:
            raise ImproperlyConfigured(f"Layer-2 document: cannot follow $ref {reference!r}.")
        pointer = reference[1:]
        seen.add(pointer)
        node = _at(document, pointer)
    return pointer, node


def _schema_pointer(document: dict[str, Any], action: str) -> str | None:
    """Where the request body schema of `action` is in the document, if it describes it."""
    pointer, node = _follow(document, f"/paths/{_escape('/' + action)}")
    for name in ("post", "requestBody", "content"):
        if not isinstance(node, dict) or name not in node:
            return None
        pointer, node = _follow(document, f"{pointer}/{_escape(name)}")
    if not isinstance(node, dict):
        return None
    media = next((m for m in node if str(m).startswith("application/json")), None)
    if media is None or not isinstance(node[media], dict) or "schema" not in node[media]:
        return None
    return f"{pointer}/{_escape(media)}/schema"


@functools.lru_cache(maxsize=256)
def _validator(path: str, action: str) -> Any:
    document, registry, validator_class = _document(path)
    pointer = _schema_pointer(document, action)
    if pointer is None:
        return None
    return validator_class(
        {"$ref": f"{DOCUMENT_URI}#{pointer}"},
        registry=registry,
        format_checker=validator_class.FORMAT_CHECKER,
    )


def _parts(error: ValidationError) -> list[str | int]:
    """Where the error is in the instance; for a missing property, the property itself."""
    parts = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = (
            name
            for name in error.validator_value
            if name not in error.instance and error.message.startswith(repr(name))
        )
        name = next(missing, None)
        if name is not None:
            parts.append(name)
    return parts


def _path(parts: list[str | int]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _message(error: ValidationError) -> str:
    message = error.message
    return message if len(message) <= MESSAGE_CHARS else message[: MESSAGE_CHARS - 1] + "…"


def violations(action: str, body: object, *, spec_path: str) -> list[Violation]:
    """Every (path, message) by which `body` breaks the schema of `action` in the document
    at `spec_path`, ordered by path; [] when it conforms or the action is not described."""
    validator = _validator(spec_path, action)
    if validator is None:
        return []
    found = []
    for error in validator.iter_errors(body):
        precise = best_match([error]) or error  # inside anyOf/oneOf: the closest branch's error
        parts = _parts(precise)
        order = tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts)
        found.append((order, _path(parts), _message(precise)))
    found.sort(key=lambda item: item[0])
    return [(path, message) for _, path, message in found]


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
