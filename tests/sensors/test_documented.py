"""What docs/sensors.md shows is what the code does: its config and registry examples load, its reasons exist."""

import re

import yaml

from collectors.sensor_payloads import CONVERSIONS, REASONS
from ioc.config import load_settings
from ioc.sensors import load_registry
from tests.conftest import REPO, write_config

DOCUMENT = (REPO / "docs" / "sensors.md").read_text(encoding="utf-8")


def test_every_yaml_example_loads(tmp_path):
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", DOCUMENT, flags=re.DOTALL)]
    assert len(blocks) >= 4
    for index, block in enumerate(blocks):
        folder = tmp_path / str(index)
        folder.mkdir()
        if "kinds" in block:
            (folder / "sensors.yaml").write_text(yaml.safe_dump(block, allow_unicode=True), encoding="utf-8")
            assert load_registry(folder / "sensors.yaml")
            continue
        mqtt = {"host": "127.0.0.1", **block.get("mqtt", {})}
        mqtt["tls"] = {**mqtt.get("tls", {}), "ca_file": None} if "tls" in mqtt else {"enabled": False}
        settings = load_settings(write_config(folder, mqtt=mqtt, collectors=block.get("collectors", {})))
        assert settings.collectors.keys() <= {"mqtt_ingest"}


def test_every_rejection_reason_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOCUMENT, flags=re.MULTILINE))
    assert set(REASONS) <= documented


def test_every_unit_conversion_is_documented():
    for canonical, received in CONVERSIONS:
        row = next(line for line in DOCUMENT.splitlines() if line.startswith(f"| `{canonical}`"))
        assert f"`{received}`" in row, (canonical, received)
