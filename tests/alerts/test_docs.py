"""docs/alerts.md shows a valid example of every rule type and of the notification channels."""

import re
import typing

import yaml

from ioc.alerts.rules import Rule
from ioc.config import load_settings
from tests.conftest import REPO, write_config

DOCUMENT = (REPO / "docs" / "alerts.md").read_text(encoding="utf-8")


def fragments() -> list[dict]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOCUMENT, flags=re.DOTALL)
    return [yaml.safe_load(block)["alerts"] for block in blocks]


def test_every_rule_type_has_an_example():
    union = typing.get_args(Rule.__value__)[0]
    types = {typing.get_args(model.model_fields["type"].annotation)[0] for model in typing.get_args(union)}
    shown = {rule["type"] for fragment in fragments() for rule in fragment.get("rules", [])}
    assert shown == types


def test_every_example_validates_against_the_shipped_config(tmp_path):
    rules = [rule for fragment in fragments() for rule in fragment.get("rules", [])]
    channels = [channel for fragment in fragments() for channel in fragment.get("notifications", [])]
    assert {channel["type"] for channel in channels} == {"webhook", "email"}
    settings = load_settings(write_config(tmp_path, alerts={"rules": rules, "notifications": channels}))
    assert len(settings.alerts.rules) == 9
