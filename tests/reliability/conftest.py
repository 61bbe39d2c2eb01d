"""The production-shaped rig (tests/reliability/rig.py) as a fixture, one per test module."""

import pytest

from tests.conftest import create_database
from tests.reliability.rig import production_rig
from tests.services import MosquittoServer


@pytest.fixture(scope="module")
def rig(request, postgres_server, mosquitto_binary, tmp_path_factory):
    """The rig with its simulators (100 readings a second), on a new database and a broker of its own, shared by
    a module's tests; its logs are in test-artifacts/rig/rig-<module>/."""
    root = tmp_path_factory.mktemp(f"rig-{request.module.__name__.rsplit('.', 1)[-1]}", numbered=False)
    broker = MosquittoServer(mosquitto_binary)
    broker.start()
    try:
        with production_rig(root, create_database(postgres_server), broker.port,
                            sensor_rate=100) as running:
            yield running
    finally:
        broker.close()
