"""Soak: the production rig in steady operation, its processes sampled for memory and open file descriptors,
and every reading the sensor simulator sent stored exactly once at the end (docs/reliability.md).

Operation: the rig's simulators (sensors at 100 readings a second, the portal polled every 10 s, a citizen
report every 2 s through the intake API), three analysts changing the explorer's filters every 10 to 30 s and
three wall displays refreshing every 10 s. CI runs a short form; the full hour is

    IOC_SOAK_SECONDS=3600 .venv/bin/pytest tests/reliability/test_soak.py

Every process of the rig and each of its children (gunicorn's workers, each collector's MQTT link process)
is sampled every SAMPLE_SECONDS; the samples are written to test-artifacts/reliability/soak/resources.csv as
they are taken. After a warm-up (the first tenth of the run, at least WARM_UP_SECONDS: pools filled, every
page built once in every worker), the run is cut in two halves: no process's median resident memory may
grow from the first half to the second by RSS_GROWTH_BOUND_MB or more, nor its most open descriptors by more
than FDS_GROWTH_BOUND. A leak of a few kilobytes a request shows over the hour; the short form catches only
a fast one.
"""

import os

import pytest
from sqlalchemy import func, select

from ioc.store import schema
from tests.conftest import ARTIFACTS
from tests.reliability import crowd
from tests.reliability.figures import record
from tests.reliability.resources import Sampler
from tests.sensors.helpers import count_rows, wait_for_rows

SECONDS = float(os.environ.get("IOC_SOAK_SECONDS", "120"))
SAMPLE_SECONDS = 5
WARM_UP_SECONDS = 40
RSS_GROWTH_BOUND_MB = 20
FDS_GROWTH_BOUND = 5
FOLDER = ARTIFACTS / "reliability" / "soak"


@pytest.mark.timeout(SECONDS + 300)
def test_steady_operation_grows_no_process_and_stores_every_reading_once(rig):
    warm_up = max(WARM_UP_SECONDS, SECONDS / 10)
    sampler = Sampler(rig.processes, FOLDER / "resources.csv", SAMPLE_SECONDS)
    sampler.start()
    try:
        requests = crowd.run(rig, crowd.Crowd(analysts=3, displays=3, refresh_seconds=10), SECONDS, FOLDER, "soak")
    finally:
        sampler.stop()
    running = {name: process.poll() for name, process in rig.processes.items()}
    assert set(running.values()) == {None}, f"a process ended during the soak: {running}"
    assert sampler.names(since=warm_up) == sampler.names(since=sampler.samples[-1][0]), \
        "a process started or ended after the warm-up (a gunicorn worker restarted?)"

    assert rig.stop("simulate-sensors") == 0
    rig.sensor_tap.wait_until_quiet()
    sent = rig.sensor_tap.readings
    wait_for_rows(rig.engine, sent, timeout=60)
    wait_for_rows(rig.engine, sent + 1, timeout=2)  # a reading stored twice, or one more, would land now
    stored = count_rows(rig.engine)
    with rig.engine.connect() as connection:
        folded = connection.execute(select(func.coalesce(func.sum(schema.rollups_hourly.c.count), 0))).scalar_one()

    growth = sampler.growth(warm_up)
    failed = [r for r in requests if r.error]
    figures = {
        "seconds": round(SECONDS), "samples": len(sampler.samples), "processes": len(growth),
        "rss_growth_mb_max": round(max(g.rss_mb for g in growth), 1), "fds_growth_max": max(g.fds for g in growth),
        "rss_mb_max": round(max(sample[2] for sample in sampler.samples), 1),
        "requests": len(requests), "errors": len(failed),
        "sent": sent, "stored": stored, "lost": sent - stored, "doubled": folded - stored,
    }
    print(figures, *growth, sep="\n")
    assert len(growth) >= len(rig.processes) + 3, "too few processes sampled in both halves"  # + workers, links
    assert failed == [], f"{len(failed)} of {len(requests)} requests failed, e.g. {failed[:3]}"
    assert (sent - stored, folded - stored) == (0, 0), figures
    assert [g for g in growth if g.rss_mb >= RSS_GROWTH_BOUND_MB] == [], figures
    assert [g for g in growth if g.fds > FDS_GROWTH_BOUND] == [], figures
    record("soak", **figures)
