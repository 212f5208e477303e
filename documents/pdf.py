"""The installation certificate and the invoice as PDF files (ReportLab; QR code from ReportLab's
own barcode module). Rendering only: the content comes ready in a dataclass."""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

STYLES = getSampleStyleSheet()
SMALL = ParagraphStyle("small", parent=STYLES["Normal"], fontSize=8, textColor=colors.grey)
GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
        ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
)


def _text(value: object) -> Paragraph:
    """A table cell with the value as plain text (markup in names is escaped, not obeyed)."""
    return Paragraph(escape(str(value)), STYLES["Normal"])


def _facts(rows: list[tuple[str, object]]) -> Table:
    table = Table([[label, _text(value)] for label, value in rows], colWidths=[45 * mm, 125 * mm])
    table.setStyle(GRID)
    return table


def _qr(url: str, size: float = 32 * mm) -> Flowable:
    widget = QrCodeWidget(url)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    return drawing


def _render(flowables: list[Flowable], *, title: str, author: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=title,
        author=author,
        creator="Sunbeckn",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(flowables)
    return buffer.getvalue()


def _day(value: date | None) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else "-"


@dataclass(frozen=True)
class CertificateContent:
    number: str
    homeowner: str
    site_address: str
    installer: str
    installer_contact: str
    technician: str
    installation_request_id: str
    system: list[tuple[str, str]]  # (item name, capacity and equipment)
    ordered_on: date
    survey_on: date | None
    installed_on: date | None
    completed_on: date
    phases: list[tuple[str, date]]
    safety: str
    verification_url: str


def certificate_pdf(content: CertificateContent) -> bytes:
    flow: list[Flowable] = [
        Paragraph("Certificate of Installation", STYLES["Title"]),
        Paragraph(f"Certificate number <b>{escape(content.number)}</b>", STYLES["Heading3"]),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                f"This certifies that {content.installer} completed the installation described "
                f"below at {content.site_address} for {content.homeowner}, and that the system "
                f"was commissioned on {_day(content.completed_on)}."
            ),
            STYLES["Normal"],
        ),
        Spacer(1, 5 * mm),
        _facts(
            [
                ("Homeowner", content.homeowner),
                ("Installation address", content.site_address),
                ("Installer", f"{content.installer} ({content.installer_contact})"),
                ("Technician", content.technician or "-"),
                ("Installation request", content.installation_request_id),
                *[("System", f"{name}: {details}") for name, details in content.system],
                ("Ordered", _day(content.ordered_on)),
                ("Site survey", _day(content.survey_on)),
                ("Installation", _day(content.installed_on)),
                ("Completed", _day(content.completed_on)),
                ("Safety check", content.safety),
            ]
        ),
        Spacer(1, 5 * mm),
        Paragraph("Phases passed", STYLES["Heading4"]),
        _facts([(name, _day(day)) for name, day in content.phases] or [("-", "")]),
        Spacer(1, 8 * mm),
        Table(
            [
                [
                    _qr(content.verification_url),
                    Paragraph(
                        "Anyone holding this certificate can check that it is genuine at "
                        f"<br/>{escape(content.verification_url)}",
                        STYLES["Normal"],
                    ),
                ]
            ],
            colWidths=[38 * mm, 132 * mm],
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
        ),
        Spacer(1, 4 * mm),
        Paragraph("Issued by Sunbeckn on behalf of the installer.", SMALL),
    ]
    return _render(
        flow, title=f"Installation certificate {content.number}", author=content.installer
    )


@dataclass(frozen=True)
class InvoiceContent:
    number: str
    issued_on: date
    installer: str
    installer_contact: str
    billed_to: list[str]
    installation_request_id: str
    site_address: str
    currency: str
    lines: list[tuple[str, Decimal]]
    net: Decimal
    tax_rate_percent: Decimal
    tax: Decimal
    total: Decimal
    payment_status: str
    payment_terms: str
    payment_reference: str


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def invoice_pdf(content: InvoiceContent) -> bytes:
    rows = [["Description", "Amount"]]
    rows += [[_text(name), _money(amount, content.currency)] for name, amount in content.lines]
    if content.tax_rate_percent:
        rows += [
            ["Net amount", _money(content.net, content.currency)],
            [
                f"Tax included ({content.tax_rate_percent.normalize():f} %)",
                _money(content.tax, content.currency),
            ],
        ]
    rows.append(["Total", _money(content.total, content.currency)])
    lines = Table(rows, colWidths=[125 * mm, 45 * mm])
    lines.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 10),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    flow: list[Flowable] = [
        Paragraph(f"Invoice {escape(content.number)}", STYLES["Title"]),
        _facts(
            [
                ("From", f"{content.installer} ({content.installer_contact})"),
                ("Billed to", ", ".join(filter(None, content.billed_to))),
                ("Date", _day(content.issued_on)),
                ("Installation request", content.installation_request_id),
                ("Installation address", content.site_address),
            ]
        ),
        Spacer(1, 6 * mm),
        lines,
        Spacer(1, 6 * mm),
        _facts(
            [
                ("Payment status", content.payment_status),
                ("Payment terms", content.payment_terms),
                *(
                    [("Payment reference", content.payment_reference)]
                    if content.payment_reference
                    else []
                ),
            ]
        ),
        Spacer(1, 4 * mm),
        Paragraph("Issued by Sunbeckn on behalf of the installer.", SMALL),
    ]
    return _render(flow, title=f"Invoice {content.number}", author=content.installer)
