"""What the docs and the shipped configuration promise about the portal matches the code."""

import csv
import re
from datetime import date

import httpx
import pytest
import yaml

from collectors.portal import PortalOptions
from collectors.portal_simulator import demo_simulator
from ioc.config import DEFAULT_TARGETS, ConfigError, IndicatorSettings, Secrets, load_settings
from ioc.indicators.dossiers import CatalogueCounts, DossierTotals, dossier_indicators
from tests.conftest import REPO, write_config
from tests.services import free_port

COMPUTED = [*dossier_indicators(DossierTotals(), CatalogueCounts()), "index_766_total"]


def test_every_computed_indicator_is_documented_with_formula_and_missing_data_rule():
    text = (REPO / "docs" / "indicators.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, re.S | re.M))
    for code in COMPUTED:
        assert code in sections, code
        assert "later issue" not in sections[code] and "no data" in sections[code].lower(), code


def test_every_computed_indicator_is_in_the_catalogue_with_the_configured_target():
    with (REPO / "data" / "indicators.csv").open(encoding="utf-8") as handle:
        catalogue = {row["code"]: row for row in csv.DictReader(handle)}
    assert set(COMPUTED) <= set(catalogue)
    for code in COMPUTED:
        target = catalogue[code]["default_target"]
        assert DEFAULT_TARGETS.get(code) == (float(target) if target else None), code
        assert catalogue[code]["formula_ref"] == f"docs/indicators.md#{code}"
    assert set(IndicatorSettings().scoring) <= set(COMPUTED)


def test_the_shipped_config_and_the_documented_example_validate():
    assert isinstance(load_settings(REPO / "config.yaml").collectors["portal"], PortalOptions)
    text = (REPO / "docs" / "portal-contract.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(collectors:.*?)```", text, re.S).group(1)
    PortalOptions.model_validate(yaml.safe_load(example)["collectors"]["portal"])


def test_the_demo_serves_the_portal_where_the_collector_looks(tmp_path):
    port = free_port()
    settings = load_settings(write_config(tmp_path, collectors={"portal": {"base_url": f"http://127.0.0.1:{port}",
                                                                          "history_days": 30}}))
    simulator = demo_simulator(settings, Secrets(portal_token="demo-token"))
    simulator.start()
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/api/v1/sectors",
                             headers={"Authorization": "Bearer demo-token"}, timeout=10)
    finally:
        simulator.stop()
    assert response.status_code == 200
    assert simulator.model.first_day > date(2025, 1, 1)


def test_a_field_map_naming_no_contract_field_is_a_config_error(tmp_path):
    path = write_config(tmp_path, collectors={"portal": {"base_url": "http://127.0.0.1:1", "fields": {"ngay": "x"}}})
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert raised.value.problems == [
        ("collectors.portal.fields", "not fields of the portal contract: ngay (got {'ngay': 'x'})")]
