"""Believable synthetic installers for load tests and benchmarks: plain data, no database.

`provider_specs(items=..., providers=..., seed=...)` yields one ProviderSpec at a time (with its
locations and items), the same ones for the same arguments on every machine. Installers are spread
over a hundred-odd US cities (more in big and sunny ones), each specialises in one to three
categories, sizes vary (a few big installers, many small ones), and a few percent of providers and
items are inactive. catalog.services.catalog_generate writes them.
"""

import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.taxonomy import (
    EquipmentType,
    InstallationCategory,
    InstallationComplexity,
    LocationType,
)


def external_id_prefix(seed: int) -> str:
    """Every generated provider's (and item's) external id starts with this."""
    return f"gen-s{seed}-"


# name, state, latitude, longitude, NANP area code, first three digits of its ZIP codes
CITIES: list[tuple[str, str, float, float, str, str]] = [
    ("New York", "NY", 40.7128, -74.0060, "212", "100"),
    ("Los Angeles", "CA", 34.0522, -118.2437, "213", "900"),
    ("Chicago", "IL", 41.8781, -87.6298, "312", "606"),
    ("Houston", "TX", 29.7604, -95.3698, "713", "770"),
    ("Phoenix", "AZ", 33.4484, -112.0740, "602", "850"),
    ("Philadelphia", "PA", 39.9526, -75.1652, "215", "191"),
    ("San Antonio", "TX", 29.4241, -98.4936, "210", "782"),
    ("San Diego", "CA", 32.7157, -117.1611, "619", "921"),
    ("Dallas", "TX", 32.7767, -96.7970, "214", "752"),
    ("San Jose", "CA", 37.3382, -121.8863, "408", "951"),
    ("Austin", "TX", 30.2672, -97.7431, "512", "787"),
    ("Jacksonville", "FL", 30.3322, -81.6557, "904", "322"),
    ("Fort Worth", "TX", 32.7555, -97.3308, "817", "761"),
    ("Columbus", "OH", 39.9612, -82.9988, "614", "432"),
    ("Charlotte", "NC", 35.2271, -80.8431, "704", "282"),
    ("San Francisco", "CA", 37.7749, -122.4194, "415", "941"),
    ("Indianapolis", "IN", 39.7684, -86.1581, "317", "462"),
    ("Seattle", "WA", 47.6062, -122.3321, "206", "981"),
    ("Denver", "CO", 39.7392, -104.9903, "303", "802"),
    ("Washington", "DC", 38.9072, -77.0369, "202", "200"),
    ("Boston", "MA", 42.3601, -71.0589, "617", "021"),
    ("El Paso", "TX", 31.7619, -106.4850, "915", "799"),
    ("Nashville", "TN", 36.1627, -86.7816, "615", "372"),
    ("Detroit", "MI", 42.3314, -83.0458, "313", "482"),
    ("Oklahoma City", "OK", 35.4676, -97.5164, "405", "731"),
    ("Portland", "OR", 45.5152, -122.6784, "503", "972"),
    ("Las Vegas", "NV", 36.1699, -115.1398, "702", "891"),
    ("Memphis", "TN", 35.1495, -90.0490, "901", "381"),
    ("Louisville", "KY", 38.2527, -85.7585, "502", "402"),
    ("Baltimore", "MD", 39.2904, -76.6122, "410", "212"),
    ("Milwaukee", "WI", 43.0389, -87.9065, "414", "532"),
    ("Albuquerque", "NM", 35.0844, -106.6504, "505", "871"),
    ("Tucson", "AZ", 32.2226, -110.9747, "520", "857"),
    ("Fresno", "CA", 36.7378, -119.7871, "559", "937"),
    ("Sacramento", "CA", 38.5816, -121.4944, "916", "958"),
    ("Kansas City", "MO", 39.0997, -94.5786, "816", "641"),
    ("Mesa", "AZ", 33.4152, -111.8315, "480", "852"),
    ("Atlanta", "GA", 33.7490, -84.3880, "404", "303"),
    ("Omaha", "NE", 41.2565, -95.9345, "402", "681"),
    ("Colorado Springs", "CO", 38.8339, -104.8214, "719", "809"),
    ("Raleigh", "NC", 35.7796, -78.6382, "919", "276"),
    ("Miami", "FL", 25.7617, -80.1918, "305", "331"),
    ("Long Beach", "CA", 33.7701, -118.1937, "562", "908"),
    ("Virginia Beach", "VA", 36.8529, -75.9780, "757", "234"),
    ("Oakland", "CA", 37.8044, -122.2712, "510", "946"),
    ("Minneapolis", "MN", 44.9778, -93.2650, "612", "554"),
    ("Tulsa", "OK", 36.1540, -95.9928, "918", "741"),
    ("Tampa", "FL", 27.9506, -82.4572, "813", "336"),
    ("Arlington", "TX", 32.7357, -97.1081, "817", "760"),
    ("New Orleans", "LA", 29.9511, -90.0715, "504", "701"),
    ("Wichita", "KS", 37.6872, -97.3301, "316", "672"),
    ("Cleveland", "OH", 41.4993, -81.6944, "216", "441"),
    ("Bakersfield", "CA", 35.3733, -119.0187, "661", "933"),
    ("Aurora", "CO", 39.7294, -104.8319, "720", "800"),
    ("Anaheim", "CA", 33.8366, -117.9143, "714", "928"),
    ("Honolulu", "HI", 21.3069, -157.8583, "808", "968"),
    ("Santa Ana", "CA", 33.7455, -117.8677, "714", "927"),
    ("Riverside", "CA", 33.9806, -117.3755, "951", "925"),
    ("Corpus Christi", "TX", 27.8006, -97.3964, "361", "784"),
    ("Lexington", "KY", 38.0406, -84.5037, "859", "405"),
    ("Stockton", "CA", 37.9577, -121.2908, "209", "952"),
    ("Henderson", "NV", 36.0395, -114.9817, "702", "890"),
    ("Saint Paul", "MN", 44.9537, -93.0900, "651", "551"),
    ("St. Louis", "MO", 38.6270, -90.1994, "314", "631"),
    ("Cincinnati", "OH", 39.1031, -84.5120, "513", "452"),
    ("Pittsburgh", "PA", 40.4406, -79.9959, "412", "152"),
    ("Greensboro", "NC", 36.0726, -79.7920, "336", "274"),
    ("Anchorage", "AK", 61.2181, -149.9003, "907", "995"),
    ("Plano", "TX", 33.0198, -96.6989, "972", "750"),
    ("Lincoln", "NE", 40.8136, -96.7026, "402", "685"),
    ("Orlando", "FL", 28.5383, -81.3792, "407", "328"),
    ("Irvine", "CA", 33.6846, -117.8265, "949", "926"),
    ("Newark", "NJ", 40.7357, -74.1724, "973", "071"),
    ("Toledo", "OH", 41.6528, -83.5379, "419", "436"),
    ("Durham", "NC", 35.9940, -78.8986, "919", "277"),
    ("Chula Vista", "CA", 32.6401, -117.0842, "619", "919"),
    ("Fort Wayne", "IN", 41.0793, -85.1394, "260", "468"),
    ("Jersey City", "NJ", 40.7178, -74.0431, "201", "073"),
    ("St. Petersburg", "FL", 27.7676, -82.6403, "727", "337"),
    ("Laredo", "TX", 27.5306, -99.4803, "956", "780"),
    ("Madison", "WI", 43.0731, -89.4012, "608", "537"),
    ("Chandler", "AZ", 33.3062, -111.8413, "480", "852"),
    ("Buffalo", "NY", 42.8864, -78.8784, "716", "142"),
    ("Lubbock", "TX", 33.5779, -101.8552, "806", "794"),
    ("Scottsdale", "AZ", 33.4942, -111.9261, "480", "852"),
    ("Reno", "NV", 39.5296, -119.8138, "775", "895"),
    ("Glendale", "AZ", 33.5387, -112.1860, "623", "853"),
    ("Gilbert", "AZ", 33.3528, -111.7890, "480", "852"),
    ("Boise", "ID", 43.6150, -116.2023, "208", "837"),
    ("Richmond", "VA", 37.5407, -77.4360, "804", "232"),
    ("Spokane", "WA", 47.6588, -117.4260, "509", "992"),
    ("Des Moines", "IA", 41.5868, -93.6250, "515", "503"),
    ("Salt Lake City", "UT", 40.7608, -111.8910, "801", "841"),
    ("Birmingham", "AL", 33.5186, -86.8104, "205", "352"),
    ("Rochester", "NY", 43.1566, -77.6088, "585", "146"),
    ("San Bernardino", "CA", 34.1083, -117.2898, "909", "924"),
    ("Tacoma", "WA", 47.2529, -122.4443, "253", "984"),
    ("Fremont", "CA", 37.5485, -121.9886, "510", "945"),
    ("Modesto", "CA", 37.6391, -120.9969, "209", "953"),
    ("Fontana", "CA", 34.0922, -117.4350, "909", "923"),
    ("Santa Rosa", "CA", 38.4404, -122.7141, "707", "954"),
    ("Fort Lauderdale", "FL", 26.1224, -80.1373, "954", "333"),
    ("Providence", "RI", 41.8240, -71.4128, "401", "029"),
    ("Hartford", "CT", 41.7658, -72.6734, "860", "061"),
    ("Albany", "NY", 42.6526, -73.7562, "518", "122"),
    ("Charleston", "SC", 32.7765, -79.9311, "843", "294"),
    ("Savannah", "GA", 32.0809, -81.0912, "912", "314"),
    ("Santa Fe", "NM", 35.6870, -105.9378, "505", "875"),
    ("Burlington", "VT", 44.4759, -73.2121, "802", "054"),
    ("Portland", "ME", 43.6591, -70.2568, "207", "041"),
]
SUNNY_STATES = frozenset({"CA", "AZ", "NV", "TX", "FL", "HI", "NM", "CO", "UT"})


def city_weight(rank: int, state: str) -> float:
    """How many installers a city draws: bigger cities (lower rank) and sunny states more."""
    return (3.0 if rank < 20 else 2.0 if rank < 50 else 1.0) * (1.5 if state in SUNNY_STATES else 1)


CITY_WEIGHTS = [city_weight(rank, city[1]) for rank, city in enumerate(CITIES)]

CATEGORY_WEIGHTS = {
    "solar_panel_installation": 35,
    "battery_system_installation": 20,
    "ev_charger_installation": 20,
    "meter_installation": 10,
    "smart_device_installation": 15,
}
CATEGORY_LABELS = {
    "solar_panel_installation": "solar",
    "battery_system_installation": "battery storage",
    "ev_charger_installation": "EV charging",
    "meter_installation": "metering",
    "smart_device_installation": "smart home energy",
}
# Words of provider names, by the provider's main category.
NAME_CORES = {
    "solar_panel_installation": ["Solar", "Sun", "Solar Power", "PV", "Renewables", "Solar Energy"],
    "battery_system_installation": ["Battery", "Energy Storage", "Power", "Backup Power"],
    "ev_charger_installation": ["EV Charging", "Charge", "EV Electric", "Plug-In"],
    "meter_installation": ["Metering", "Electric", "Utility Services", "Electrical"],
    "smart_device_installation": ["Smart Home", "Home Energy", "Smart Energy", "Automation"],
}
NAME_PREFIXES = [
    "Bright", "Sunrise", "Golden", "Evergreen", "Summit", "Pacific", "Apex", "Blue Sky",
    "Green Leaf", "Helio", "Spark", "Northstar", "Horizon", "Peak", "Liberty", "Cardinal",
    "Redwood", "Prairie", "Harbor", "Canyon", "Lakeside", "Pioneer", "Keystone", "Frontier",
    "Clearview", "True North", "Silverline", "Ironwood", "Beacon", "Mesa", "Coastal", "Heartland",
    "Cascade", "Sierra", "Bluebonnet", "Magnolia", "Granite", "Riverbend", "Tri-County", "Metro",
]  # fmt: skip
BRAND_HEADS = ["Sun", "Volt", "Watt", "Amp", "Grid", "Bright", "Solar", "Power", "Charge", "Eco"]
BRAND_TAILS = ["Works", "Wise", "Path", "Point", "Smith", "Craft", "Line", "Flow", "Hub", "Pro"]
NAME_SUFFIXES = [
    "Co.", "Inc.", "Installers", "Solutions", "Services", "LLC", "Group", "Pros", "Systems",
    "Partners",
]  # fmt: skip
STREETS = [
    "Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park",
    "Industrial", "Commerce", "Harbor", "Mission", "Sunset", "Airport", "Market", "Canal",
]  # fmt: skip
STREET_TYPES = ["St", "Ave", "Blvd", "Rd", "Way", "Dr", "Pkwy"]
RADII_KM = [25, 30, 40, 50, 50, 60, 60, 75, 100, 150]
VARIANTS = ["Basic", "Premium", "Express", "Plus", "Pro", "Same-Week"]

R = LocationType.RESIDENTIAL
C = LocationType.COMMERCIAL
IND = LocationType.INDUSTRIAL
U = LocationType.UTILITY
NEW = InstallationCategory.NEW_INSTALLATION
UPG = InstallationCategory.UPGRADE
REP = InstallationCategory.REPLACEMENT
MNT = InstallationCategory.MAINTENANCE
SIMPLE = InstallationComplexity.SIMPLE
MODERATE = InstallationComplexity.MODERATE
COMPLEX = InstallationComplexity.COMPLEX
SPECIAL = InstallationComplexity.SPECIALIZED


@dataclass(frozen=True)
class ItemTemplate:
    name: str  # "{cap}" is replaced by the capacity
    short_desc: str
    equipment: EquipmentType
    kind: InstallationCategory
    complexity: tuple[InstallationComplexity, ...]
    property_types: tuple[LocationType, ...]
    price: tuple[int, int]  # per capacity unit when capacities are given, else flat
    capacities: tuple[float, ...] = ()
    unit: str = "KW"


# fmt: off
ITEM_TEMPLATES: dict[str, list[ItemTemplate]] = {
    "solar_panel_installation": [
        ItemTemplate("{cap}kW Rooftop Solar Setup",
                     "Rooftop photovoltaic system with panels, inverter and permitting",
                     EquipmentType.SOLAR_PANEL, NEW, (SIMPLE, MODERATE), (R,), (2400, 3200),
                     (2, 3, 4, 5, 6, 8, 10, 12)),
        ItemTemplate("{cap}kW Ground-Mount Solar Array",
                     "Ground-mounted solar array with trenching and racking",
                     EquipmentType.SOLAR_PANEL, NEW, (MODERATE, COMPLEX), (R, C), (2800, 3600),
                     (5, 8, 10, 15, 20)),
        ItemTemplate("{cap}kW Commercial Solar Array",
                     "Commercial rooftop or ground solar array, engineering included",
                     EquipmentType.SOLAR_PANEL, NEW, (COMPLEX, SPECIAL), (C, IND), (1800, 2600),
                     (25, 50, 100, 250)),
        ItemTemplate("{cap}kW Solar Carport Canopy",
                     "Solar canopy over parking with integrated lighting",
                     EquipmentType.SOLAR_PANEL, NEW, (COMPLEX,), (C,), (3000, 4000), (10, 20, 50)),
        ItemTemplate("{cap}kW Utility-Scale Solar Module Install",
                     "Module installation crews for utility solar farms",
                     EquipmentType.SOLAR_PANEL, NEW, (SPECIAL,), (U,), (900, 1400), (500, 1000)),
        ItemTemplate("{cap}kW Solar Panel Upgrade",
                     "More panels on an existing system, re-permitted",
                     EquipmentType.SOLAR_PANEL, UPG, (SIMPLE, MODERATE), (R,), (2200, 3000),
                     (2, 3, 4)),
        ItemTemplate("Solar Inverter Replacement",
                     "String or hybrid inverter swap with commissioning",
                     EquipmentType.INVERTER, REP, (SIMPLE, MODERATE), (R, C), (1500, 4500)),
        ItemTemplate("Solar Panel Maintenance and Cleaning",
                     "Panel cleaning, inspection and production check",
                     EquipmentType.SOLAR_PANEL, MNT, (SIMPLE,), (R, C), (150, 600)),
    ],
    "battery_system_installation": [
        ItemTemplate("{cap}kWh Home Battery Backup",
                     "Home battery with backup of essential loads",
                     EquipmentType.BATTERY, NEW, (SIMPLE, MODERATE), (R,), (700, 1100),
                     (5, 10, 13, 15, 20), "KWH"),
        ItemTemplate("Tesla Powerwall Installation",
                     "Powerwall with gateway, app setup and permitting",
                     EquipmentType.BATTERY, NEW, (MODERATE,), (R,), (11000, 15000)),
        ItemTemplate("Enphase IQ Battery {cap}kWh Install",
                     "Modular AC-coupled battery for Enphase solar",
                     EquipmentType.BATTERY, NEW, (SIMPLE, MODERATE), (R,), (800, 1200), (5, 10),
                     "KWH"),
        ItemTemplate("{cap}kWh LFP Battery Storage System",
                     "Commercial lithium iron phosphate storage for peak shaving",
                     EquipmentType.BATTERY, NEW, (COMPLEX, SPECIAL), (C, IND), (500, 800),
                     (30, 60, 100, 200), "KWH"),
        ItemTemplate("Battery Retrofit for Existing Solar",
                     "Adds storage to a solar system already in place",
                     EquipmentType.BATTERY, UPG, (MODERATE,), (R,), (800, 1200), (10, 13, 16),
                     "KWH"),
        ItemTemplate("Whole-Home Backup Battery with Transfer Switch",
                     "Whole-home backup with automatic transfer switch",
                     EquipmentType.BATTERY, NEW, (COMPLEX,), (R,), (900, 1300), (13, 20, 27),
                     "KWH"),
        ItemTemplate("Battery System Health Check",
                     "Capacity test, firmware update and safety inspection",
                     EquipmentType.BATTERY, MNT, (SIMPLE,), (R, C), (150, 400)),
    ],
    "ev_charger_installation": [
        ItemTemplate("Level 2 EV Charger Install",
                     "240 V home charger on a dedicated circuit",
                     EquipmentType.CHARGER, NEW, (SIMPLE,), (R,), (900, 2200)),
        ItemTemplate("Tesla Wall Connector Installation",
                     "Wall Connector mounted, wired and commissioned",
                     EquipmentType.CHARGER, NEW, (SIMPLE,), (R,), (700, 1600)),
        ItemTemplate("{cap}kW DC Fast Charger Installation",
                     "DC fast charging for retail and highway sites",
                     EquipmentType.CHARGER, NEW, (SPECIAL,), (C,), (600, 900), (50, 150, 350)),
        ItemTemplate("Workplace EV Charging Station (Dual Port)",
                     "Networked dual-port Level 2 station for workplaces",
                     EquipmentType.CHARGER, NEW, (MODERATE,), (C,), (4000, 9000)),
        ItemTemplate("EV Charger Circuit and Panel Upgrade",
                     "Panel and circuit upgrade for EV charging",
                     EquipmentType.CHARGER, UPG, (MODERATE,), (R, C), (800, 3500)),
        ItemTemplate("Fleet Depot EV Charging {cap}kW",
                     "Depot charging for delivery and bus fleets",
                     EquipmentType.CHARGER, NEW, (SPECIAL,), (IND,), (500, 800), (150, 300)),
        ItemTemplate("EV Charger Repair and Maintenance",
                     "Diagnosis, repair and firmware of home and site chargers",
                     EquipmentType.CHARGER, MNT, (SIMPLE,), (R, C), (120, 450)),
    ],
    "meter_installation": [
        ItemTemplate("Smart Meter Installation",
                     "Smart meter fitted and registered with the utility",
                     EquipmentType.METER, NEW, (SIMPLE,), (R,), (150, 450)),
        ItemTemplate("Net Metering Bi-directional Meter",
                     "Bi-directional meter for net metering of solar exports",
                     EquipmentType.METER, NEW, (SIMPLE,), (R, C), (200, 600)),
        ItemTemplate("Three-Phase Meter Upgrade",
                     "Three-phase metering for larger loads",
                     EquipmentType.METER, UPG, (MODERATE,), (C, IND), (600, 1800)),
        ItemTemplate("Sub-meter Installation for Tenants",
                     "Per-unit sub-meters for multi-tenant buildings",
                     EquipmentType.METER, NEW, (MODERATE,), (C,), (250, 900)),
        ItemTemplate("Meter Replacement",
                     "Faulty or obsolete meter replaced",
                     EquipmentType.METER, REP, (SIMPLE,), (R, C), (150, 400)),
        ItemTemplate("CT Metering Cabinet for Commercial Sites",
                     "Current-transformer metering cabinet",
                     EquipmentType.METER, NEW, (COMPLEX,), (C, IND), (1500, 4500)),
    ],
    "smart_device_installation": [
        ItemTemplate("Smart Thermostat Installation",
                     "Thermostat fitted, wired and paired with the app",
                     EquipmentType.CONTROLLER, NEW, (SIMPLE,), (R,), (150, 400)),
        ItemTemplate("Home Energy Monitor Setup",
                     "Circuit-level energy monitor in the main panel",
                     EquipmentType.CONTROLLER, NEW, (SIMPLE,), (R,), (200, 600)),
        ItemTemplate("Smart Electrical Panel Upgrade",
                     "Smart panel with per-circuit control",
                     EquipmentType.CONTROLLER, UPG, (MODERATE,), (R,), (2500, 6000)),
        ItemTemplate("Smart Load Controller and Plugs Setup",
                     "Load controllers and smart plugs for demand response",
                     EquipmentType.CONTROLLER, NEW, (SIMPLE,), (R,), (150, 500)),
        ItemTemplate("Heat Pump Smart Controller Setup",
                     "Smart controls for heat pumps and water heaters",
                     EquipmentType.CONTROLLER, NEW, (SIMPLE, MODERATE), (R,), (300, 900)),
        ItemTemplate("Building Energy Management System",
                     "Controls and dashboards for commercial buildings",
                     EquipmentType.CONTROLLER, NEW, (COMPLEX,), (C,), (5000, 20000)),
    ],
}
# fmt: on
DOCUMENTS = {
    "solar_panel_installation": [
        "ownership_certificate",
        "electricity_bill",
        "net_metering_form",
        "wiring_diagram",
        "site_photos",
    ],
    "battery_system_installation": [
        "ownership_certificate",
        "electricity_bill",
        "wiring_diagram",
        "site_photos",
    ],
    "ev_charger_installation": [
        "ownership_certificate",
        "parking_permission",
        "load_sanction_letter",
        "site_photos",
    ],
    "meter_installation": ["electricity_bill", "load_sanction_letter", "ownership_certificate"],
    "smart_device_installation": ["wiring_diagram", "electricity_bill"],
}  # fmt: skip


@dataclass
class LocationSpec:
    local_id: str
    city_name: str
    city_code: str
    state: str
    address: str
    area_code: str
    latitude: Decimal
    longitude: Decimal
    service_radius_km: Decimal


@dataclass
class ItemSpec:
    external_id: str
    code: str
    name: str
    short_desc: str
    category_code: str
    price: Decimal
    system_capacity: str
    property_type: str
    empaneled: bool
    financial_assistance: bool
    installation_category: str
    complexity: str
    equipment_type: str
    is_active: bool
    location_ids: list[str]
    document_codes: list[str]


@dataclass
class ProviderSpec:
    external_id: str
    code: str
    name: str
    short_desc: str
    long_desc: str
    govt_subsidy_empaneled: bool
    contact_phone: str
    contact_email: str
    support_url: str
    rating_value: Decimal | None
    rating_count: int
    is_active: bool
    images: list[str]
    locations: list[LocationSpec] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)


def provider_specs(*, items: int, providers: int, seed: int) -> Iterator[ProviderSpec]:
    """`providers` installers with `items` items in all (each at least one), seeded."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    counts = _item_counts(rng, items=items, providers=providers)
    prefix = external_id_prefix(seed)
    for index, count in enumerate(counts):
        yield _provider(rng, f"{prefix}p{index + 1:06d}", count)


def _item_counts(rng: random.Random, *, items: int, providers: int) -> list[int]:
    """Items per provider: one each, the rest by a skewed random weight (a few big installers)."""
    weights = [rng.lognormvariate(0, 1.0) for _ in range(providers)]
    total = sum(weights)
    extra = items - providers
    shares = [extra * w / total for w in weights]
    counts = [1 + math.floor(s) for s in shares]
    by_remainder = sorted(range(providers), key=lambda i: (-(shares[i] % 1), i))
    for i in by_remainder[: items - sum(counts)]:
        counts[i] += 1
    return counts


def _slug(text: str, sep: str = "_") -> str:
    return re.sub(r"[^A-Za-z0-9]+", sep, text).strip(sep)


def _provider(rng: random.Random, external_id: str, item_count: int) -> ProviderSpec:
    home = rng.choices(range(len(CITIES)), weights=CITY_WEIGHTS)[0]
    categories = list(CATEGORY_WEIGHTS)
    main = rng.choices(categories, weights=list(CATEGORY_WEIGHTS.values()))[0]
    others = [c for c in categories if c != main]
    side = rng.sample(others, rng.choices([0, 1, 2], weights=[45, 35, 20])[0])
    city_name, state, _, _, phone_area, _ = CITIES[home]

    style = rng.random()
    core = rng.choice(NAME_CORES[main])
    if style < 0.25:
        name = f"{city_name} {core} {rng.choice(NAME_SUFFIXES)}"
    elif style < 0.45:
        name = f"{rng.choice(BRAND_HEADS)}{rng.choice(BRAND_TAILS)} {core}"
    else:
        name = f"{rng.choice(NAME_PREFIXES)} {core} {rng.choice(NAME_SUFFIXES)}"
    domain = f"{_slug(name, '-').lower()}-{external_id.rsplit('p', 1)[1]}.example"
    labels = [CATEGORY_LABELS[c] for c in [main, *side]]
    offers = " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)
    rated = rng.random() < 0.6

    provider = ProviderSpec(
        external_id=external_id,
        code=_slug(name),
        name=name,
        short_desc=f"Licensed {offers} installer serving {city_name} and nearby",
        long_desc=(
            f"{name} designs and installs {offers} for homes and businesses around "
            f"{city_name}, {state}, with in-house crews and permitting."
        ),
        govt_subsidy_empaneled=rng.random() < 0.4,
        contact_phone=f"+1{phone_area}555{rng.randint(0, 9999):04d}",
        contact_email=f"install@{domain}",
        support_url=f"https://{domain}/support",
        rating_value=Decimal(rng.randint(30, 50)) / 10 if rated else None,
        rating_count=rng.randint(3, 900) if rated else 0,
        is_active=rng.random() >= 0.02,
        images=[f"https://{domain}/logo.png"]
        + ([f"https://{domain}/work.jpg"] * rng.randint(0, 1)),
    )
    cities = [home, *_nearby(rng, home)]
    for position, city in enumerate(cities, start=1):
        provider.locations.append(_location(rng, str(position), city))
    local_ids = [location.local_id for location in provider.locations]
    for number in range(1, item_count + 1):
        category = main if not side or rng.random() < 0.65 else rng.choice(side)
        item = _item(rng, f"{external_id}-{number:04d}", category, local_ids)
        provider.items.append(item)
    return provider


def _nearby(rng: random.Random, home: int) -> list[int]:
    """None, one or two other cities among the five nearest to home (branches)."""
    wanted = rng.choices([0, 1, 2], weights=[55, 30, 15])[0]
    if not wanted:
        return []
    _, _, lat, lng, _, _ = CITIES[home]
    nearest = sorted(
        (i for i in range(len(CITIES)) if i != home),
        key=lambda i: (CITIES[i][2] - lat) ** 2 + ((CITIES[i][3] - lng) * 0.8) ** 2,
    )[:5]
    return rng.sample(nearest, wanted)


def _location(rng: random.Random, local_id: str, city: int) -> LocationSpec:
    city_name, state, lat, lng, phone_area, zip3 = CITIES[city]
    # Somewhere within ~12 km of the city centre.
    distance = rng.uniform(0, 12)
    bearing = rng.uniform(0, 2 * math.pi)
    lat += distance * math.cos(bearing) / 111.32
    lng += distance * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    street = f"{rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    return LocationSpec(
        local_id=local_id,
        city_name=city_name,
        city_code=f"NANP:{phone_area}",
        state=state,
        address=f"{rng.randint(100, 9899)} {street}, {city_name}, {state}",
        area_code=f"{zip3}{rng.randint(1, 99):02d}",
        latitude=Decimal(f"{lat:.6f}"),
        longitude=Decimal(f"{lng:.6f}"),
        service_radius_km=Decimal(rng.choice(RADII_KM)),
    )


def _item(rng: random.Random, external_id: str, category: str, local_ids: list[str]) -> ItemSpec:
    template = rng.choice(ITEM_TEMPLATES[category])
    capacity = rng.choice(template.capacities) if template.capacities else None
    name = template.name.replace("{cap}", f"{capacity:g}") if capacity else template.name
    if rng.random() < 0.3:
        name = f"{name} ({rng.choice(VARIANTS)})"
    low, high = template.price
    price = rng.uniform(low, high) * (capacity or 1)
    if len(local_ids) == 1 or rng.random() < 0.6:
        locations = local_ids
    else:
        locations = sorted(rng.sample(local_ids, rng.randint(1, len(local_ids) - 1)))
    extra = DOCUMENTS[category]
    documents = ["id_proof", *sorted(rng.sample(extra, rng.randint(1, len(extra))))]
    return ItemSpec(
        external_id=external_id,
        code=_slug(name),
        name=name,
        short_desc=template.short_desc,
        category_code=category,
        price=Decimal(round(price / 50) * 50),
        system_capacity=f"{capacity:g}{template.unit}" if capacity else "",
        property_type=rng.choice(template.property_types),
        empaneled=rng.random() < 0.5,
        financial_assistance=rng.random() < 0.4,
        installation_category=template.kind,
        complexity=rng.choice(template.complexity),
        equipment_type=template.equipment,
        is_active=rng.random() >= 0.03,
        location_ids=locations,
        document_codes=documents,
    )
