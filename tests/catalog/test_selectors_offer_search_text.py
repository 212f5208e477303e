"""Free-text search: full-text search on PostgreSQL, substring search on SQLite, same answers."""

import pytest

from catalog.models import Item
from catalog.selectors import TEXT_FIELDS, OfferQuery, offer_search, prefix_tsquery
from tests.catalog.factories import ItemFactory, ProviderFactory, category

pytestmark = pytest.mark.django_db


def ids(text: str, **criteria: object) -> set[str]:
    query = OfferQuery(text=text, **criteria)
    return {item.external_id for p in offer_search(query) for item in p.matching_items}


@pytest.fixture
def catalog() -> None:
    sunpower = ProviderFactory(
        name="SunPower Installers", code="SunPower_Installers", short_desc="Rooftop solar"
    )
    ItemFactory(
        external_id="solar",
        provider=sunpower,
        name="2kW Rooftop Solar Setup",
        code="2kW_Rooftop_Solar_Setup",
        system_capacity="2KW",
    )
    ItemFactory(
        external_id="battery",
        name="Home Battery Backup",
        category=category("battery_system_installation"),
        short_desc="Whole-home backup",
    )
    ItemFactory(
        external_id="charger",
        name="Level 2 EV Charger",
        category=category("ev_charger_installation"),
        property_type="COMMERCIAL",
    )


@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize(
    "text, found",
    [
        ("instal", {"solar", "battery", "charger"}),  # a prefix of "installation" (categories)
        ("Solar Installation Request", {"solar"}),  # the guide's search; "request" says nothing
        ("ROOFTOP solar", {"solar"}),
        ("roof sol", {"solar"}),  # every word as a prefix
        ("rooftop battery", set()),  # every word must match somewhere
        ("battery backup whole", {"battery"}),
        ("sunpower", {"solar"}),  # the provider's name
        ("power", {"solar"}),  # inside "SunPower": split at the capital letter
        ("kw", {"solar"}),  # inside "2kW" / "2KW"
        ("2kw rooftop", {"solar"}),
        ("rooftop_solar", {"solar"}),  # the item code's words, in order
        ("commercial ev", {"charger"}),  # property type, category
        ("ev_charger_installation", {"charger"}),  # a category code
    ],
)
def test_every_word_must_match_a_field_by_prefix(text: str, found: set[str]) -> None:
    assert ids(text) == found


@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize(
    "text, found",
    [
        ("solar'); drop table catalog_item; --", set()),  # words "drop", "table" match nothing
        ("solar' --", {"solar"}),
        ("solar & !rooftop", {"solar"}),  # operators are words' separators, not tsquery syntax
        ("solar | battery", set()),  # still every word, not either
        ("solar:* <-> 'x'", {"solar"}),
        ("\\solar\\", {"solar"}),
        ("&|!:*()'\"\\", {"solar", "battery", "charger"}),  # no word at all: no text criterion
        ("__", set()),  # a "word" with no letter or digit matches nothing
        ("Request for the service", {"solar", "battery", "charger"}),  # stop words only
        ("", {"solar", "battery", "charger"}),
    ],
)
def test_punctuation_and_sql_in_the_text_are_only_text(text: str, found: set[str]) -> None:
    assert ids(text) == found
    assert Item.objects.count() == 3


def test_text_combines_with_the_other_criteria() -> None:
    ItemFactory(external_id="solar", name="Rooftop Solar Setup")
    ItemFactory(external_id="inactive", name="Rooftop Solar Setup", is_active=False)
    ItemFactory(
        external_id="ev",
        name="Rooftop Solar Carport Charger",
        category=category("ev_charger_installation"),
    )

    assert ids("rooftop solar") == {"solar", "ev"}
    assert ids("rooftop solar", category_code="ev_charger_installation") == {"ev"}
    assert ids("rooftop solar", city_name="Austin") == set()


def test_non_ascii_words_are_found() -> None:
    ItemFactory(external_id="cafe", name="Café Solar Setup")

    assert ids("café solar") == {"cafe"}


@pytest.mark.parametrize("field", [f for f in TEXT_FIELDS if not f.startswith("category__")])
def test_every_text_field_of_item_and_provider_is_searched(field: str) -> None:
    if field.startswith("provider__"):
        provider = ProviderFactory(**{field.removeprefix("provider__"): "Zyxwv"})
        ItemFactory(external_id="target", provider=provider)
    elif field == "property_type":
        ItemFactory(external_id="target", property_type="UTILITY")
    else:
        ItemFactory(external_id="target", **{field: "Zyxwv"})
    ItemFactory(external_id="other")

    assert ids("utility" if field == "property_type" else "zyxwv") == {"target"}


def test_category_name_and_code_are_searched() -> None:
    ItemFactory(external_id="meter", name="Upgrade", category=category("meter_installation"))
    ItemFactory(external_id="other", name="Upgrade")

    assert ids("meter") == {"meter"}
    assert ids("meter_installation upgrade") == {"meter"}


@pytest.mark.parametrize(
    "words, tsquery",
    [
        (["solar", "instal"], "'solar':* & 'instal':*"),
        (["o'neil"], "'o''neil':*"),
        (["back\\slash"], "'back\\\\slash':*"),
        (["solar", "__"], None),
    ],
)
def test_prefix_tsquery_quotes_every_word(words: list[str], tsquery: str | None) -> None:
    assert prefix_tsquery(words) == tsquery
