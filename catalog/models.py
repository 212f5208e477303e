"""The installer catalog: providers (tenants), where they work, how they deliver, what they sell.

Every catalog row hangs off one provider; categories and document types are the shared taxonomy.
"""

from datetime import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from catalog import zones
from catalog.hours import WorkDaysField, work_days_parse
from catalog.taxonomy import (
    EquipmentType,
    FulfillmentType,
    InstallationCategory,
    InstallationComplexity,
    InstallationType,
    LocationType,
)

MAX_CERTIFICATIONS = 12

external_id_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._:-]*$", "Use letters, digits, '.', '_', ':' or '-'."
)


class Category(models.Model):
    """A service category of the installation-type taxonomy, with its network category code."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    installation_type = models.CharField(
        max_length=32, choices=InstallationType.choices, unique=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class DocumentType(models.Model):
    """A document an installer may require before or during an installation."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A licensed installer company: the tenant that owns its catalog."""

    external_id = models.CharField(
        max_length=100,
        unique=True,
        validators=[external_id_validator],
        help_text="The provider id published on the network, e.g. sunpower_sf.",
    )
    code = models.CharField(max_length=100, help_text="Descriptor code, e.g. SunPower_Installers.")
    name = models.CharField(max_length=200)
    short_desc = models.CharField(max_length=300, blank=True)
    long_desc = models.TextField(blank=True)
    govt_subsidy_empaneled = models.BooleanField(
        default=False, help_text="Empaneled for government subsidy schemes."
    )
    contact_phone = models.CharField(max_length=32, blank=True)
    contact_email = models.EmailField(blank=True)
    support_url = models.URLField(blank=True)
    rating_value = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(5))],
        help_text="Published rating on a 0-5 scale: the imported baseline combined with the "
        "ratings received here. Writing it (catalog import, admin) sets the baseline.",
    )
    rating_count = models.PositiveIntegerField(
        default=0, help_text="How many ratings the published rating stands for."
    )
    # Kept by the ratings app (ratings.services): the figures last written into rating_value and
    # rating_count by the catalog import or the admin (ratings earned elsewhere, NULL count: not
    # captured yet), and the ratings received here by whole star and their latest date.
    rating_baseline_value = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    rating_baseline_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    rating_distribution = models.JSONField(default=dict, blank=True, editable=False)
    rating_last_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who the installer is (shown on its profile, offers and the compare page). The logo is
    # stored re-encoded and resized by catalog.services.images, never as uploaded.
    logo = models.ImageField(upload_to="installers/logos/", blank=True, max_length=200)
    founded_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
        help_text="The year the company started installing; pages show the years in business.",
    )
    license_number = models.CharField(
        max_length=64, blank=True, help_text="The contractor's licence number, e.g. CSLB 1012345."
    )
    certifications = models.JSONField(
        default=list,
        blank=True,
        help_text='Certifications shown as badges, e.g. ["NABCEP PV Installation Professional"].',
    )
    # When the installer works: appointments are offered and booked only inside these hours, on
    # these days, in this zone (orders.policies.WorkingHours), wherever the site is.
    work_days = WorkDaysField(help_text="The days of the week the installer takes appointments.")
    work_start = models.TimeField(
        default=time(8, 0), help_text="When the working day starts, in the installer's zone."
    )
    work_end = models.TimeField(
        default=time(17, 0), help_text="When the working day ends, in the installer's zone."
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="IANA time zone of the working hours, e.g. America/New_York; that of the "
        "installer's first service location if empty.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        certifications = self.certifications
        if not isinstance(certifications, list) or not all(
            isinstance(name, str) and name.strip() and len(name) <= 100 for name in certifications
        ):
            raise ValidationError(
                {"certifications": "Give a list of certification names (100 characters at most)."}
            )
        if len(certifications) > MAX_CERTIFICATIONS:
            raise ValidationError(
                {"certifications": f"Give at most {MAX_CERTIFICATIONS} certifications."}
            )
        problems = {}
        if not work_days_parse(self.work_days or ""):
            problems["work_days"] = "Give at least one work day."
        starts, ends = self.work_start, self.work_end
        if starts is not None and ends is not None and ends <= starts:
            problems["work_end"] = "The working day must end after it starts."
        if self.time_zone and not zones.is_zone(self.time_zone):
            problems["time_zone"] = "Give an IANA time zone, e.g. America/Chicago."
        if problems:
            raise ValidationError(problems)

    @property
    def years_in_business(self) -> int | None:
        if self.founded_year is None:
            return None
        return max(0, timezone.now().year - self.founded_year)


class ProviderImage(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="images")
    url = models.URLField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.url


class ProviderPhoto(models.Model):
    """A photo of the installer's work, re-encoded with a thumbnail (catalog.services.images)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="installers/photos/", max_length=200)
    thumbnail = models.ImageField(upload_to="installers/thumbnails/", max_length=200)
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class ServiceLocation(models.Model):
    """A place an installer works from, with the radius it serves around it."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="locations")
    local_id = models.CharField(
        max_length=64,
        validators=[external_id_validator],
        help_text="The location id published in the provider's catalog, e.g. 1.",
    )
    city_name = models.CharField(max_length=120)
    city_code = models.CharField(
        max_length=32, blank=True, help_text="Network city code, e.g. NANP:628."
    )
    state = models.CharField(max_length=120, blank=True)
    country_code = models.CharField(max_length=3, default="USA")
    address = models.CharField(max_length=300, blank=True)
    area_code = models.CharField(max_length=16, blank=True, help_text="Postcode.")
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="IANA time zone, e.g. America/Los_Angeles; found from the coordinates if empty.",
    )
    service_radius_km = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        default=Decimal("50"),
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["provider_id", "local_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "local_id"], name="catalog_location_unique_local_id"
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return f"{self.provider} - {self.city_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.time_zone:
            self.time_zone = zones.zone_at(latitude=self.latitude, longitude=self.longitude)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")
        if self.time_zone and not zones.is_zone(self.time_zone):
            raise ValidationError({"time_zone": "Give an IANA time zone, e.g. America/Chicago."})


class Fulfillment(models.Model):
    """A way an installer delivers its services (e.g. an onsite visit)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="fulfillments")
    local_id = models.CharField(max_length=64, validators=[external_id_validator])
    type = models.CharField(
        max_length=32, choices=FulfillmentType.choices, default=FulfillmentType.ONSITE
    )

    class Meta:
        ordering = ["provider_id", "local_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "local_id"], name="catalog_fulfillment_unique_local_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} - {self.get_type_display()}"


class Item(models.Model):
    """An installation service an installer sells, with its estimated price."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="items")
    external_id = models.CharField(
        max_length=100,
        validators=[external_id_validator],
        help_text="The item id published on the network, e.g. sp-resi-001.",
    )
    code = models.CharField(
        max_length=100, help_text="Descriptor code, e.g. 2kW_Rooftop_Solar_Setup."
    )
    name = models.CharField(max_length=200)
    short_desc = models.CharField(max_length=300, blank=True)
    long_desc = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    price_estimated_value = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(max_length=3, default="USD")
    locations = models.ManyToManyField(ServiceLocation, related_name="items")
    fulfillments = models.ManyToManyField(Fulfillment, related_name="items")
    system_capacity = models.CharField(max_length=32, blank=True, help_text="e.g. 2KW")
    property_type = models.CharField(max_length=16, choices=LocationType.choices, blank=True)
    empaneled = models.BooleanField(default=False)
    financial_assistance = models.BooleanField(default=False)
    required_documents = models.ManyToManyField(DocumentType, blank=True, related_name="items")
    documents_required_before_confirm = models.BooleanField(
        default=False,
        help_text="The required documents must be submitted before the order is confirmed; "
        "otherwise they are collected after it (before the installation passes the site survey).",
    )
    installation_category = models.CharField(
        max_length=32, choices=InstallationCategory.choices, blank=True
    )
    complexity = models.CharField(max_length=16, choices=InstallationComplexity.choices, blank=True)
    equipment_type = models.CharField(max_length=16, choices=EquipmentType.choices, blank=True)
    # What goes on the roof: each piece of equipment's make and model, and the warranties.
    panel_make = models.CharField(max_length=100, blank=True)
    panel_model = models.CharField(max_length=100, blank=True)
    inverter_make = models.CharField(max_length=100, blank=True)
    inverter_model = models.CharField(max_length=100, blank=True)
    battery_make = models.CharField(max_length=100, blank=True)
    battery_model = models.CharField(max_length=100, blank=True)
    product_warranty_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(50)],
        help_text="Years the equipment's maker guarantees it.",
    )
    workmanship_warranty_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(50)],
        help_text="Years the installer guarantees its installation work.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL only: the item's searchable text with its category's and provider's
    # (selectors.TEXT_FIELDS), written by database triggers on every insert or update of an item,
    # provider or category, and GIN-indexed (migration 0004). Stays empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["provider_id", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"], name="catalog_item_unique_external_id"
            ),
            models.CheckConstraint(
                condition=models.Q(price_estimated_value__gte=0),
                name="catalog_item_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"

    @property
    def equipment(self) -> list[tuple[str, str]]:
        """Each piece of equipment named, as ("Panels", "REC Alpha Pure-R 410")."""
        pieces = [
            ("Panels", self.panel_make, self.panel_model),
            ("Inverter", self.inverter_make, self.inverter_model),
            ("Battery", self.battery_make, self.battery_model),
        ]
        return [(kind, f"{make} {model}".strip()) for kind, make, model in pieces if make or model]


class ProviderMember(models.Model):
    """A person who works for an installer company, with one role in it.

    Every installer dashboard query is scoped to the member's provider; the role says what
    the member may do there (through the role's auth group, see catalog.services.member_add).
    """

    class Role(models.TextChoices):
        OWNER = "OWNER", "Owner"
        DISPATCHER = "DISPATCHER", "Dispatcher"
        TECHNICIAN = "TECHNICIAN", "Technician"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_member"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=12, choices=Role.choices)
    emails_new_orders = models.BooleanField(
        default=False, help_text="E-mail them each new order of the installer."
    )
    emails_documents = models.BooleanField(
        default=False, help_text="E-mail them when an order's documents wait for review."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider_id", "role", "user_id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.provider})"
