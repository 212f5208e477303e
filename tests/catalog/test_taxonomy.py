"""The guide's fifteen layer-2 enumerations, spelled exactly as the guide spells them."""

from catalog import taxonomy

# The guide's table "Taxonomy and layer 2 configuration".
GUIDE = {
    "installation-type": [
        "METER_INSTALLATION",
        "SOLAR_PANEL",
        "BATTERY_SYSTEM",
        "EV_CHARGER",
        "SMART_DEVICE",
    ],
    "installation-status": [
        "PENDING",
        "SCHEDULED",
        "IN_PROGRESS",
        "COMPLETED",
        "CANCELLED",
        "FAILED",
    ],
    "technician-type": ["ELECTRICIAN", "SOLAR_TECHNICIAN", "EV_SPECIALIST", "GENERAL_TECHNICIAN"],
    "scheduling-status": ["PENDING", "CONFIRMED", "RESCHEDULED", "CANCELLED"],
    "installation-priority": ["HIGH", "MEDIUM", "LOW", "EMERGENCY"],
    "verification-status": ["PENDING", "VERIFIED", "REJECTED", "NEEDS_REVISION"],
    "payment-status": ["PENDING", "PAID", "FAILED", "REFUNDED"],
    "installation-category": ["NEW_INSTALLATION", "UPGRADE", "REPLACEMENT", "MAINTENANCE"],
    "equipment-type": ["METER", "SOLAR_PANEL", "BATTERY", "CHARGER", "INVERTER", "CONTROLLER"],
    "installation-complexity": ["SIMPLE", "MODERATE", "COMPLEX", "SPECIALIZED"],
    "location-type": ["RESIDENTIAL", "COMMERCIAL", "INDUSTRIAL", "UTILITY"],
    "access-type": ["EASY_ACCESS", "RESTRICTED_ACCESS", "SPECIAL_PERMISSION"],
    "installation-phase": [
        "SITE_SURVEY",
        "PREPARATION",
        "INSTALLATION",
        "TESTING",
        "COMMISSIONING",
    ],
    "documentation-status": ["PENDING", "COMPLETED", "VERIFIED", "REJECTED"],
    "safety-status": ["PENDING", "VERIFIED", "ISSUES_FOUND", "RESOLVED"],
}


def test_all_fifteen_enumerations_match_the_guide() -> None:
    actual = {name: list(choices.values) for name, choices in taxonomy.ENUMERATIONS.items()}
    assert actual == GUIDE


def test_every_installation_type_has_one_category() -> None:
    types = [installation_type for _, _, _, installation_type in taxonomy.CATEGORIES]
    assert sorted(types) == sorted(taxonomy.InstallationType.values)
    assert taxonomy.CATEGORIES[0][:3] == (1, "solar_panel_installation", "Solar Panel Installation")
