"""Masking what must never reach a log line or an error report: signatures, keys, tokens,
passwords, documents, billing details and a homeowner's contact (name, address, phone, e-mail).

Two passes: structured values (dicts and lists, as log arguments or Sentry events) lose the
values of sensitive keys; text (a formatted message, a traceback, a repr) loses the values of
sensitive keys written as JSON or Python literals, header values, and bearer tokens.
"""

import re
from typing import Any

MASK = "[masked]"

# Keys whose values are masked, compared in lower case with "-" read as "_".
SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "proxy_authorization",
        "x_gateway_authorization",
        "www_authenticate",
        "cookie",
        "set_cookie",
        "signature",
        "token",
        "password",
        "secret",
        "api_key",
        "private_key",
        "dsn",
        "billing",
        # A homeowner's details in Beckn messages (fulfillment customer, contact, stops).
        "customer",
        "contact",
        "person",
        "email",
        "phone",
        "address",
        "gps",
        "document",
        "documents",
        "card",
        "card_number",
        "cvc",
        "x_input",
        "xinput",
    }
)
# Any key containing one of these is masked too (signing_private_key, access_token...).
SENSITIVE_PARTS = ("password", "secret", "token", "private_key", "signature", "authorization")


def sensitive(key: object) -> bool:
    if not isinstance(key, str):
        return False
    name = key.lower().replace("-", "_")
    return name in SENSITIVE_KEYS or any(part in name for part in SENSITIVE_PARTS)


def mask_data(value: Any, depth: int = 0) -> Any:
    """A copy of `value` (dicts, lists, tuples and strings, nested) with sensitive parts masked."""
    if depth > 20:
        return MASK
    if isinstance(value, dict):
        return {k: MASK if sensitive(k) else mask_data(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        masked = [mask_data(v, depth + 1) for v in value]
        return masked if isinstance(value, list) else tuple(masked)
    if isinstance(value, str):
        return mask_text(value)
    return value


_KEY_NAMES = "|".join(
    sorted((re.escape(k) for k in SENSITIVE_KEYS), key=len, reverse=True)
    + [rf"[\w-]*{re.escape(p)}[\w-]*" for p in SENSITIVE_PARTS]
)
# "key": value or 'key': value, as JSON or a Python repr writes it; the value is skipped by
# _value_end (a string, an object or a list, nested, or a bare word).
_QUOTED_KEY = re.compile(rf"""(?i)(["'])({_KEY_NAMES})\1(\s*:\s*)""")
# A header written as `Authorization: value` or `authorization=value`, to the end of the line.
_HEADER = re.compile(
    r"(?im)\b((?:proxy-|x-gateway-)?authorization|cookie|set-cookie)(\s*[:=]\s*)(?![\"'{\[])([^\n]+)"
)
_SIGNATURE_PARAM = re.compile(r'(?i)\b(signature\s*=\s*)("[^"]*"|[^\s,]+)')
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
# name=value of a query string or a form (an access log line): ?token=..., &password=...
_PARAMETER = re.compile(
    r"(?i)([?&;\s][\w-]*(?:token|secret|password|api_key|access_key)[\w-]*=)[^&\s\"']*"
)


def _value_end(text: str, start: int) -> int:
    """Where the JSON or Python literal starting at `start` ends (best effort, never raises)."""
    if start >= len(text):
        return start
    opening = text[start]
    if opening in "\"'":
        i = start + 1
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == opening:
                return i + 1
            i += 1
        return len(text)
    if opening in "{[":
        depth, i, quote = 0, start, ""
        while i < len(text):
            char = text[i]
            if quote:
                if char == "\\":
                    i += 1
                elif char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return len(text)
    match = re.compile(r"[^,}\]\s]*").match(text, start)
    return match.end() if match else start


def mask_text(text: str) -> str:
    """`text` with the values of sensitive keys, headers and bearer tokens masked."""
    if not text:
        return text
    parts, position = [], 0
    for match in _QUOTED_KEY.finditer(text):
        if match.start() < position:
            continue  # inside a value already masked
        quote = match.group(1)
        end = _value_end(text, match.end())
        parts.append(text[position : match.end()] + f"{quote}{MASK}{quote}")
        position = end
    parts.append(text[position:])
    text = "".join(parts)
    text = _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _SIGNATURE_PARAM.sub(lambda m: f"{m.group(1)}{MASK}", text)
    text = _PARAMETER.sub(lambda m: f"{m.group(1)}{MASK}", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{MASK}", text)
