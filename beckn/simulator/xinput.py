"""XInput (BECKN-007) as Emily's app does it: fetch the BPP's HTML form, fill it, upload the
documents, keep the `submission_id` for confirm.

- The form is `xinput.form` of the chosen item in on_init (or of the order, or of the item in
  on_select / on_search): `url`, `mime_type` `text/html`, and optionally an `auth` descriptor
  whose `value` (e.g. a JWT) is sent as `Authorization: Bearer <value>` when fetching the form.
- The page's first `<form>` is filled: hidden and pre-filled inputs keep their values, other
  fields get Emily's details, every checkbox is ticked, every file input gets a small generated
  document (a valid one-page PDF, or a PNG when the input only accepts images).
- It is POSTed as multipart/form-data to the form's `action` (relative to the form url),
  signed by the BAP (`Authorization: Signature ...` over the multipart body, as BECKN-007
  asks); the answer must be a JSON FormResponse with a `submission_id` (and `status` not false).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import requests
from urllib3.filepost import encode_multipart_formdata

from beckn.peers import BapIdentity

JSON = dict[str, Any]

EMILY = {
    "name": "Emily Tran",
    "email": "emily.tran@example.com",
    "phone": "+14155556666",
    "address": "456 Glenview St, San Francisco, CA",
}


@dataclass
class FormOffer:
    url: str
    mime_type: str
    auth_token: str | None
    where: str


def _dict(value: object) -> JSON:
    return value if isinstance(value, dict) else {}


def _items(payload: JSON | None) -> list[JSON]:
    order = _dict(_dict(_dict(payload).get("message")).get("order"))
    return [_dict(i) for i in order.get("items") or [] if isinstance(i, dict)]


def find_form(
    item_id: str, *, on_init: JSON | None, on_select: JSON | None, search_item: JSON | None
) -> FormOffer | None:
    """The xinput form the BPP offers for `item_id`, most specific answer first."""
    places: list[tuple[str, JSON]] = []
    for name, payload in (("on_init", on_init), ("on_select", on_select)):
        for item in _items(payload):
            if item.get("id") == item_id:
                places.append((f"{name} order.items[{item_id}].xinput", _dict(item.get("xinput"))))
        order = _dict(_dict(_dict(payload).get("message")).get("order"))
        places.append((f"{name} order.xinput", _dict(order.get("xinput"))))
    places.append((f"on_search item {item_id} xinput", _dict(_dict(search_item).get("xinput"))))
    for where, xinput in places:
        form = _dict(xinput.get("form"))
        if form.get("url"):
            auth = _dict(form.get("auth"))
            token = auth.get("value")
            return FormOffer(
                url=str(form["url"]),
                mime_type=str(form.get("mime_type") or "text/html"),
                auth_token=str(token) if token else None,
                where=where,
            )
    return None


# -- the page -----------------------------------------------------------------------------------


@dataclass
class FormField:
    tag: str
    name: str
    type: str = "text"
    value: str | None = None
    accept: str = ""
    options: list[str] = field(default_factory=list)
    selected: str | None = None
    checked: bool = False


@dataclass
class HtmlForm:
    action: str = ""
    method: str = "get"
    enctype: str = ""
    fields: list[FormField] = field(default_factory=list)

    @property
    def file_inputs(self) -> list[FormField]:
        return [f for f in self.fields if f.type == "file"]


class _FormParser(HTMLParser):
    """The first <form> of a page, with its inputs, selects and textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.form: HtmlForm | None = None
        self._inside = False
        self._done = False
        self._select: FormField | None = None
        self._option_value: str | None = None
        self._option_text: list[str] | None = None
        self._option_selected = False
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "form" and not self._inside and not self._done:
            self.form = HtmlForm(
                action=values.get("action", ""),
                method=(values.get("method") or "get").lower(),
                enctype=values.get("enctype", ""),
            )
            self._inside = True
            return
        if not self._inside or self.form is None:
            return
        name = values.get("name", "")
        if tag == "input" and name:
            self.form.fields.append(
                FormField(
                    "input",
                    name,
                    type=(values.get("type") or "text").lower(),
                    value=values.get("value") if "value" in values else None,
                    accept=values.get("accept", ""),
                    checked="checked" in values,
                )
            )
        elif tag == "select" and name:
            self._select = FormField("select", name, type="select")
            self.form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option_value = values.get("value") if "value" in values else None
            self._option_text = []
            self._option_selected = "selected" in values
        elif tag == "textarea" and name:
            self._textarea = FormField("textarea", name, type="textarea", value="")
            self.form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option_text is not None:
            self._option_text.append(data)
        if self._textarea is not None:
            self._textarea.value = (self._textarea.value or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None and self._option_text is not None:
            value = self._option_value
            if value is None:
                value = "".join(self._option_text).strip()
            self._select.options.append(value)
            if self._option_selected:
                self._select.selected = value
            self._option_text = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._inside:
            self._inside = False
            self._done = True


def parse_form(html: str) -> HtmlForm | None:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.form


# -- documents ----------------------------------------------------------------------------------


def tiny_pdf(title: str = "Sunbeckn simulator document") -> bytes:
    """A valid one-page PDF 1.4 saying `title` (with a correct cross-reference table)."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tiny_png() -> bytes:
    """A valid 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _document_for(field_: FormField) -> tuple[str, bytes, str]:
    accept = field_.accept.lower()
    wants_image_only = accept and "pdf" not in accept and ("image" in accept or ".png" in accept)
    label = field_.name.replace("_", " ").replace("-", " ")
    if wants_image_only:
        return f"{field_.name}.png", tiny_png(), "image/png"
    return f"{field_.name}.pdf", tiny_pdf(f"Sunbeckn simulator: {label}"), "application/pdf"


def _text_for(field_: FormField) -> str:
    name = field_.name.lower()
    if field_.type == "email" or "mail" in name:
        return EMILY["email"]
    if field_.type == "tel" or "phone" in name or "mobile" in name:
        return EMILY["phone"]
    if field_.type == "number" or field_.type == "range":
        return "1"
    if field_.type == "date":
        return date.today().isoformat()
    if "address" in name:
        return EMILY["address"]
    if "name" in name:
        return EMILY["name"]
    return "Sunbeckn simulator"


def fill(form: HtmlForm) -> list[tuple[str, Any]]:
    """The multipart fields of the filled form, in page order."""
    fields: list[tuple[str, Any]] = []
    radios: set[str] = set()
    for f in form.fields:
        if f.type in ("submit", "button", "reset", "image"):
            continue
        if f.type == "file":
            fields.append((f.name, _document_for(f)))
        elif f.type == "checkbox":
            fields.append((f.name, f.value if f.value is not None else "on"))
        elif f.type == "radio":
            if f.name not in radios:
                radios.add(f.name)
                fields.append((f.name, f.value if f.value is not None else "on"))
        elif f.type == "select":
            choice = f.selected or next((o for o in f.options if o), "")
            fields.append((f.name, choice))
        elif f.value:
            fields.append((f.name, f.value))
        elif f.type == "hidden":
            fields.append((f.name, ""))
        else:
            fields.append((f.name, _text_for(f)))
    return fields


@dataclass
class Submission:
    form_status: int
    submit_status: int
    submission_id: str | None
    action_url: str
    documents: int
    fields: int
    problem: str | None = None


def submit(offer: FormOffer, identity: BapIdentity, *, timeout: float = 15) -> Submission:
    """Fetch, fill and submit the form; `problem` says the first thing that went wrong."""
    headers = {"Accept": "text/html"}
    if offer.auth_token:
        headers["Authorization"] = f"Bearer {offer.auth_token}"
    response = requests.get(offer.url, headers=headers, timeout=timeout)
    result = Submission(response.status_code, 0, None, "", 0, 0)
    if response.status_code != 200:
        result.problem = f"GET {offer.url} answered HTTP {response.status_code}"
        return result
    content_type = response.headers.get("Content-Type", "")
    if "html" not in content_type:
        result.problem = f"GET {offer.url}: Content-Type is {content_type!r}, not text/html"
        return result
    form = parse_form(response.text)
    if form is None:
        result.problem = f"GET {offer.url}: the page has no <form>"
        return result
    if form.method != "post":
        result.problem = f"the form's method is {form.method!r}; BECKN-007 requires post"
        return result
    action_url = urljoin(response.url or offer.url, form.action or offer.url)
    fields = fill(form)
    body, multipart_type = encode_multipart_formdata(fields)
    result.action_url = action_url
    result.documents = len(form.file_inputs)
    result.fields = len(fields)
    answer = requests.post(
        action_url,
        data=body,
        headers={
            "Content-Type": multipart_type,
            "Accept": "application/json",
            "Authorization": identity.sign(body),
        },
        timeout=timeout,
    )
    result.submit_status = answer.status_code
    try:
        form_response = answer.json()
    except ValueError:
        form_response = None
    if answer.status_code not in (200, 201) or not isinstance(form_response, dict):
        excerpt = " ".join(answer.text.split())[:200]
        result.problem = f"POST {action_url} answered HTTP {answer.status_code}: {excerpt}"
        return result
    if form_response.get("status") is False:
        result.problem = f"the FormResponse says status false: {form_response.get('errors')}"
        return result
    submission_id = form_response.get("submission_id")
    if not submission_id:
        result.problem = f"the FormResponse has no submission_id: {form_response}"
        return result
    result.submission_id = str(submission_id)
    return result
