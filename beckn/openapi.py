"""An OpenAPI document (the core Beckn 1.1.0 spec, a network's layer 2) as a validator, without
Django: used by the layer-2 checks of requests (beckn/inbound/layer2.py) and by the simulator.

`SpecSchemas(path)` loads a document (YAML or JSON, OpenAPI 3.0 or 3.1) once; `callback(action,
body)` lists how a body breaks the request-body schema of `/<action>` (a request to /search, or
a callback to /on_search), `ack(action, body)` how a synchronous answer breaks the response
schema of `/<action>`. Validation is openapi-schema-validator's; `$ref`s resolve inside the
document; each action's validator is compiled once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from jsonschema.exceptions import ValidationError, best_match
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

DOCUMENT_URI = "urn:sunbeckn:openapi"
MESSAGE_CHARS = 240
SPEC_RELATIVE = Path("..") / "shared" / "beckn" / "spec-1.1.0"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Violation = tuple[str, str]


class SpecError(ValueError):
    """The document cannot be read or is not an OpenAPI 3.0/3.1 document."""


def spec_dir() -> Path:
    """Where the official Beckn 1.1.0 OpenAPI files are: `BECKN_SPEC_DIR`, or else
    `../shared/beckn/spec-1.1.0` beside the repository.

    Read here rather than in config/env.py because the simulator runs without Django. The files
    are not ours to ship (CC BY-NC-SA): README says where to get them.
    """
    configured = os.environ.get("BECKN_SPEC_DIR", "").strip()
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / SPEC_RELATIVE


def spec_file(name: str = "transaction.yaml") -> Path | None:
    """The file `name` of the specification (transaction.yaml, registry.yaml...), or None when
    it is not there."""
    path = spec_dir() / name
    return path.resolve() if path.is_file() else None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class SpecSchemas:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
            document = (
                json.loads(text) if self.path.endswith(".json") else yaml.load(text, _Loader)  # noqa: S506 - a safe loader
            )
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise SpecError(f"{path}: {exc}") from exc
        if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
            raise SpecError(f"{path} is not an OpenAPI document (no paths).")
        version = str(document.get("openapi", ""))
        if version.startswith("3.0"):
            self._validator_class, specification = OAS30Validator, DRAFT4
        elif version.startswith("3.1"):
            self._validator_class, specification = OAS31Validator, DRAFT202012
        else:
            raise SpecError(f"{path}: OpenAPI {version!r} is not 3.0 or 3.1.")
        self.document = document
        resource = Resource.from_contents(document, default_specification=specification)
        self._registry = Registry().with_resource(DOCUMENT_URI, resource)
        self._validators: dict[tuple[str, str], Any] = {}

    # -- public -------------------------------------------------------------------------------

    def describes(self, action: str) -> bool:
        return self._pointer(action, "request") is not None

    def callback(self, action: str, body: object) -> list[Violation]:
        """How `body` breaks the request-body schema of `/<action>`; [] when it conforms or
        the document does not describe the action."""
        return self._violations(action, "request", body)

    def ack(self, action: str, body: object) -> list[Violation]:
        """How a synchronous answer to `/<action>` breaks its response schema."""
        return self._violations(action, "response", body)

    # -- internals ----------------------------------------------------------------------------

    def _node(self, pointer: str) -> Any:
        node: Any = self.document
        for token in pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                return None
        return node

    def _follow(self, pointer: str) -> tuple[str, Any]:
        node, seen = self._node(pointer), {pointer}
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            reference = node["$ref"]
            if not reference.startswith("#/") or reference[1:] in seen:
                raise SpecError(f"{self.path}: cannot follow $ref {reference!r}.")
            pointer = reference[1:]
            seen.add(pointer)
            node = self._node(pointer)
        return pointer, node

    def _pointer(self, action: str, kind: str) -> str | None:
        """Where the request-body (or the ACK response) schema of `action` is."""
        names = ["post", "requestBody", "content"]
        pointer, node = self._follow(f"/paths/{_escape('/' + action)}")
        if kind == "response":
            names = ["post", "responses"]
        for name in names:
            if not isinstance(node, dict) or name not in node:
                return None
            pointer, node = self._follow(f"{pointer}/{_escape(name)}")
        if kind == "response":
            status = next((s for s in ("200", "default") if s in node), None)
            if status is None:
                return None
            pointer, node = self._follow(f"{pointer}/{status}")
            if not isinstance(node, dict) or "content" not in node:
                return None
            pointer, node = self._follow(f"{pointer}/content")
        if not isinstance(node, dict):
            return None
        media = next((m for m in node if str(m).startswith("application/json")), None)
        if media is None or not isinstance(node[media], dict) or "schema" not in node[media]:
            return None
        return f"{pointer}/{_escape(media)}/schema"

    def _validator(self, action: str, kind: str) -> Any:
        key = (action, kind)
        if key not in self._validators:
            pointer = self._pointer(action, kind)
            self._validators[key] = (
                None
                if pointer is None
                else self._validator_class(
                    {"$ref": f"{DOCUMENT_URI}#{pointer}"},
                    registry=self._registry,
                    format_checker=self._validator_class.FORMAT_CHECKER,
                )
            )
        return self._validators[key]

    def _violations(self, action: str, kind: str, body: object) -> list[Violation]:
        validator = self._validator(action, kind)
        if validator is None:
            return []
        found = []
        for error in validator.iter_errors(body):
            precise = best_match([error]) or error
            parts = _parts(precise)
            order = tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts)
            found.append((order, _path(parts), _message(precise)))
        found.sort(key=lambda item: item[0])
        unique = dict.fromkeys((path, message) for _, path, message in found)
        return list(unique)


def _parts(error: ValidationError) -> list[str | int]:
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


def summary(violations: list[Violation]) -> str:
    """The first violation, and how many more there are."""
    (path, message), more = violations[0], len(violations) - 1
    return f"{path}: {message}" + (f" (and {more} more)" if more else "")
