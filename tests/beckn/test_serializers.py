"""The serializers copy their declared fields cheaply, but each instance still has its own."""

from beckn.inbound.serializers import ContextSerializer, SearchMessageSerializer
from tests.conftest import now_rfc3339

CONTEXT = {
    "domain": "service",
    "action": "search",
    "version": "1.1.0",
    "bap_id": "bap.example.test",
    "bap_uri": "https://bap.example.test/beckn",
    "transaction_id": "t-1",
    "message_id": "m-1",
    "timestamp": now_rfc3339(),
    "location": {"city": {"code": "std:080"}},
}


def test_each_serializer_has_fields_of_its_own_bound_to_it() -> None:
    first = ContextSerializer(data=CONTEXT, context={"action": "search"})
    second = ContextSerializer(data=CONTEXT, context={"action": "select"})

    assert first.fields["bap_id"] is not second.fields["bap_id"]
    assert first.fields["bap_id"].parent is first
    location = first.fields["location"]
    assert location is not second.fields["location"]
    assert location.fields["city"].parent is location
    assert location.fields["city"].fields["code"].root is first
    assert location.context == {"action": "search"}
    assert ContextSerializer._declared_fields["bap_id"].parent is None


def test_instances_validate_independently() -> None:
    good = ContextSerializer(data=CONTEXT, context={"action": "search"})
    bad = ContextSerializer(data={**CONTEXT, "bap_uri": "not a url"}, context={"action": "search"})
    wrong_action = ContextSerializer(data=CONTEXT, context={"action": "select"})

    assert not bad.is_valid()
    assert good.is_valid(), good.errors
    assert not wrong_action.is_valid()
    assert set(bad.errors) == {"bap_uri"}
    assert set(wrong_action.errors) == {"action"}
    assert good.validated_data["location"] == {"city": {"code": "std:080"}}


def test_nested_and_listed_serializers_validate_each_instance_anew() -> None:
    stops = {"fulfillment": {"stops": [{"location": {"gps": "12.9,77.6"}}]}}
    bad_stops = {"fulfillment": {"stops": [{"location": {"gps": "north"}}]}}

    assert not SearchMessageSerializer(data={"intent": bad_stops}).is_valid()
    valid = SearchMessageSerializer(data={"intent": stops})
    assert valid.is_valid(), valid.errors
    # A parsed field checks its text and keeps it: the checked request stays JSON.
    assert valid.validated_data["intent"]["fulfillment"]["stops"][0]["location"]["gps"] == (
        "12.9,77.6"
    )
