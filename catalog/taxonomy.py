"""The DEG installation guide's layer-2 taxonomy: the fifteen enumerations, the only spelling used.

Values are the guide's enum values; labels are what people read.
"""

from django.db import models


class InstallationType(models.TextChoices):
    METER_INSTALLATION = "METER_INSTALLATION", "Meter installation"
    SOLAR_PANEL = "SOLAR_PANEL", "Solar panel"
    BATTERY_SYSTEM = "BATTERY_SYSTEM", "Battery system"
    EV_CHARGER = "EV_CHARGER", "EV charger"
    SMART_DEVICE = "SMART_DEVICE", "Smart device"


class InstallationStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    SCHEDULED = "SCHEDULED", "Scheduled"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"
    FAILED = "FAILED", "Failed"


class TechnicianType(models.TextChoices):
    ELECTRICIAN = "ELECTRICIAN", "Electrician"
    SOLAR_TECHNICIAN = "SOLAR_TECHNICIAN", "Solar technician"
    EV_SPECIALIST = "EV_SPECIALIST", "EV specialist"
    GENERAL_TECHNICIAN = "GENERAL_TECHNICIAN", "General technician"


class SchedulingStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    CONFIRMED = "CONFIRMED", "Confirmed"
    RESCHEDULED = "RESCHEDULED", "Rescheduled"
    CANCELLED = "CANCELLED", "Cancelled"


class InstallationPriority(models.TextChoices):
    HIGH = "HIGH", "High"
    MEDIUM = "MEDIUM", "Medium"
    LOW = "LOW", "Low"
    EMERGENCY = "EMERGENCY", "Emergency"


class VerificationStatus(models.TextChoices):
    # A document exists once uploaded: pending is waiting for the installer's review.
    PENDING = "PENDING", "Awaiting review"
    VERIFIED = "VERIFIED", "Verified"
    REJECTED = "REJECTED", "Rejected"
    NEEDS_REVISION = "NEEDS_REVISION", "Needs revision"


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    PAID = "PAID", "Paid"
    FAILED = "FAILED", "Failed"
    REFUNDED = "REFUNDED", "Refunded"


class InstallationCategory(models.TextChoices):
    NEW_INSTALLATION = "NEW_INSTALLATION", "New installation"
    UPGRADE = "UPGRADE", "Upgrade"
    REPLACEMENT = "REPLACEMENT", "Replacement"
    MAINTENANCE = "MAINTENANCE", "Maintenance"


class EquipmentType(models.TextChoices):
    METER = "METER", "Meter"
    SOLAR_PANEL = "SOLAR_PANEL", "Solar panel"
    BATTERY = "BATTERY", "Battery"
    CHARGER = "CHARGER", "Charger"
    INVERTER = "INVERTER", "Inverter"
    CONTROLLER = "CONTROLLER", "Controller"


class InstallationComplexity(models.TextChoices):
    SIMPLE = "SIMPLE", "Simple"
    MODERATE = "MODERATE", "Moderate"
    COMPLEX = "COMPLEX", "Complex"
    SPECIALIZED = "SPECIALIZED", "Specialized"


class LocationType(models.TextChoices):
    RESIDENTIAL = "RESIDENTIAL", "Residential"
    COMMERCIAL = "COMMERCIAL", "Commercial"
    INDUSTRIAL = "INDUSTRIAL", "Industrial"
    UTILITY = "UTILITY", "Utility"


class AccessType(models.TextChoices):
    EASY_ACCESS = "EASY_ACCESS", "Easy access"
    RESTRICTED_ACCESS = "RESTRICTED_ACCESS", "Restricted access"
    SPECIAL_PERMISSION = "SPECIAL_PERMISSION", "Special permission"


class InstallationPhase(models.TextChoices):
    SITE_SURVEY = "SITE_SURVEY", "Site survey"
    PREPARATION = "PREPARATION", "Preparation"
    INSTALLATION = "INSTALLATION", "Installation"
    TESTING = "TESTING", "Testing"
    COMMISSIONING = "COMMISSIONING", "Commissioning"


class DocumentationStatus(models.TextChoices):
    # COMPLETED (DEG's word) means every required document is submitted, none reviewed yet.
    PENDING = "PENDING", "Waiting for documents"
    COMPLETED = "COMPLETED", "Submitted, awaiting review"
    VERIFIED = "VERIFIED", "Verified"
    REJECTED = "REJECTED", "Rejected"


class SafetyStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    VERIFIED = "VERIFIED", "Verified"
    ISSUES_FOUND = "ISSUES_FOUND", "Issues found"
    RESOLVED = "RESOLVED", "Resolved"


# The guide's property names, in the guide's order.
ENUMERATIONS: dict[str, type[models.TextChoices]] = {
    "installation-type": InstallationType,
    "installation-status": InstallationStatus,
    "technician-type": TechnicianType,
    "scheduling-status": SchedulingStatus,
    "installation-priority": InstallationPriority,
    "verification-status": VerificationStatus,
    "payment-status": PaymentStatus,
    "installation-category": InstallationCategory,
    "equipment-type": EquipmentType,
    "installation-complexity": InstallationComplexity,
    "location-type": LocationType,
    "access-type": AccessType,
    "installation-phase": InstallationPhase,
    "documentation-status": DocumentationStatus,
    "safety-status": SafetyStatus,
}


class FulfillmentType(models.TextChoices):
    """How an installer delivers the service (the guide's fulfillments use ONSITE)."""

    ONSITE = "ONSITE", "On-site installation"


# The service categories installers publish: one per installation type, with the network's
# category code. Their ids are fixed so that catalogs name them the same way everywhere.
CATEGORIES: list[tuple[int, str, str, InstallationType]] = [
    (1, "solar_panel_installation", "Solar Panel Installation", InstallationType.SOLAR_PANEL),
    (
        2,
        "battery_system_installation",
        "Battery System Installation",
        InstallationType.BATTERY_SYSTEM,
    ),
    (3, "ev_charger_installation", "EV Charger Installation", InstallationType.EV_CHARGER),
    (4, "meter_installation", "Meter Installation", InstallationType.METER_INSTALLATION),
    (5, "smart_device_installation", "Smart Device Installation", InstallationType.SMART_DEVICE),
]

# Documents an installer may require from a homeowner, in the order they are listed.
DOCUMENT_TYPES: list[tuple[str, str]] = [
    ("id_proof", "ID proof"),
    ("ownership_certificate", "Ownership certificate"),
    ("electricity_bill", "Electricity bill"),
    ("net_metering_form", "Net metering form"),
    ("wiring_diagram", "Wiring diagram"),
    ("site_photos", "Site photos"),
    ("load_sanction_letter", "Load sanction letter"),
    ("parking_permission", "Parking permission"),
]
