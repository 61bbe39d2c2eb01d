"""The configuration is validated at start-up and every mistake is named with its field path."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ioc import config_reference
from ioc.config import ConfigError, Secrets, load_settings
from tests.conftest import REPO, write_config


def run_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ioc", "check-config", str(path)],
                          capture_output=True, text=True, cwd=REPO, timeout=60)


def test_the_shipped_config_validates():
    settings = load_settings(REPO / "config.yaml")
    assert settings.province.name == "Bình Phước"
    assert settings.web.default_language == "vi"


def test_check_config_names_an_unknown_key_and_a_wrongly_typed_value_and_exits_2(tmp_path):
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config["web"]["port"] = "tám nghìn"
    config["mqtt"]["colour"] = "red"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = run_check(path)
    assert result.returncode == 2
    assert re.search(r"web\.port: Input should be a valid integer.*'tám nghìn'", result.stderr)
    assert "mqtt.colour: Extra inputs are not permitted" in result.stderr
    assert "2 problem(s)" in result.stderr


def config_with(folder, section: str, key: str, value) -> object:
    """A test config file in ``folder`` with one setting changed."""
    path = write_config(folder)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config[section][key] = value
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_check_config_accepts_the_shipped_file():
    result = run_check(REPO / "config.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("OK")


def test_a_password_in_the_store_url_is_refused(tmp_path):
    path = config_with(tmp_path, "store", "url", "postgresql+psycopg://ioc:hunter2@db/ioc")
    with pytest.raises(ConfigError, match=r"store\.url: the URL holds a password"):
        load_settings(path)


def test_an_unknown_collector_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"collectors\.weather_station: unknown collector 'weather_station'"):
        load_settings(write_config(tmp_path, collectors={"weather_station": {}}))


def test_a_missing_reference_file_is_named(tmp_path):
    path = config_with(tmp_path, "province", "units_file", "nowhere/units.csv")
    with pytest.raises(ConfigError, match=r"reference file not found: province\.units_file"):
        load_settings(path)


def test_broken_yaml_is_reported_not_raised(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("web: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(path)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match=r"\(file\): No such file or directory"):
        load_settings(tmp_path / "absent.yaml")


def test_a_relative_sqlite_path_is_relative_to_the_config_file(tmp_path):
    settings = load_settings(config_with(tmp_path, "store", "url", "sqlite:///var/ioc.db"))
    assert settings.store_url(Secrets(store_url=None)) == f"sqlite:///{tmp_path.resolve() / 'var' / 'ioc.db'}"


def test_secrets_come_from_the_environment(monkeypatch, settings):
    monkeypatch.setenv("IOC_STORE_URL", "postgresql+psycopg://ioc:s3cret@db.internal/ioc")
    monkeypatch.setenv("IOC_MQTT_PASSWORD", "broker-pass")
    secrets = Secrets()
    assert settings.store_url(secrets) == "postgresql+psycopg://ioc:s3cret@db.internal/ioc"
    assert secrets.mqtt_password.get_secret_value() == "broker-pass"
    assert "broker-pass" not in repr(secrets)


def test_every_setting_has_help_text():
    assert config_reference.undocumented_fields() == []


def test_the_configuration_reference_is_up_to_date():
    document = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert config_reference.render() in document, "run: ioc config-reference --write docs/configuration.md"


def test_every_config_example_in_the_docs_validates(tmp_path):
    """YAML blocks in docs/ that look like a whole config file must validate (datasette's habit)."""
    examples = []
    for document in sorted((REPO / "docs").glob("*.md")):
        for block in re.findall(r"```yaml\n(.*?)```", document.read_text(encoding="utf-8"), flags=re.DOTALL):
            config = yaml.safe_load(block)
            if isinstance(config, dict) and "province" in config:
                examples.append((document.name, config))
    assert examples, "docs/production.md shows a whole config file; it should be found here"
    (tmp_path / "data").symlink_to(REPO / "data")  # examples name the shipped reference files relatively
    for name, config in examples:
        path = tmp_path / name.replace(".md", ".yaml")
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        load_settings(path)
