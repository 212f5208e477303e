"""The alert rules and the Grafana dashboard in deploy/ parse and use only metrics we export."""

import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from config.observability import metrics
from config.observability.gauges import DatabaseGauges

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
METRIC = re.compile(r"\bsunbeckn_[a-z0-9_]+\b")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}


@pytest.fixture
def exported(db: None) -> set[str]:
    """The names of every series /metrics can answer."""
    names = set()
    for metric in vars(metrics).values():
        if isinstance(metric, MetricWrapperBase):
            names |= {metric._name + suffix for suffix in SUFFIXES[metric._type]}
    names |= {family.name for family in DatabaseGauges().collect()}
    return names


def alert_rules() -> list[dict]:
    document = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_queries() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana" / "sunbeckn.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_the_alert_rules_are_prometheus_rules_on_our_metrics(exported: set[str]) -> None:
    rules = alert_rules()

    assert {"SunbecknCallbacksDying", "SunbecknOutboxGrowing", "SunbecknNackRateHigh"} <= {
        rule["alert"] for rule in rules
    }
    assert "SunbecknAckLatencyHigh" in {rule["alert"] for rule in rules}
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"]
        used = set(METRIC.findall(rule["expr"]))
        assert used, rule["alert"]
        assert used <= exported, (rule["alert"], used - exported)


def test_the_dashboard_queries_our_metrics(exported: set[str]) -> None:
    queries = dashboard_queries()

    assert len(queries) >= 10
    used = {name for query in queries for name in METRIC.findall(query)}
    assert all(METRIC.search(query) for query in queries)
    assert used <= exported, used - exported
    # Every family we export is on the dashboard (a new metric gets a panel).
    families = {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in exported}
    shown = {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in used}
    assert families - shown <= {"sunbeckn_database_up"}, families - shown
