"""Simulated citizens and agencies for the demo: field reports, hotline calls, web forms, Zalo and e-mail.

First it writes a backlog of the last ``history_days`` days through the same handling code the API uses
(with the simulated times, so the pages have realistic deadlines and handling times at once), then posts new
reports through the real HTTP API with its own API key, at a modest rate, and moves the reports it posted
through the workflow, one step at a time, through the same API. Vietnamese text throughout; a seeded random
source makes a run repeatable.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine

from ioc.auth import apikeys
from ioc.auth.credentials import CredentialError
from ioc.config import Settings
from ioc.feedback import handling
from ioc.feedback.places import DistrictLocator
from ioc.feedback.workflow import CHANNELS, Change
from ioc.store import feedback_queries
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)
KEY_NAME = "feedback-simulator"
PROBLEMS = {
    "roads": [("Ổ gà trên đường {street}", "Mặt đường bị sụt lún, nhiều ổ gà sâu, xe máy dễ té ngã khi trời mưa."),
              ("Đèn tín hiệu giao thông hỏng", "Đèn tín hiệu tại ngã tư {street} không hoạt động từ sáng.")],
    "environment": [("Rác thải ùn ứ tại {street}", "Rác sinh hoạt không được thu gom nhiều ngày, bốc mùi hôi."),
                    ("Khói bụi từ xưởng sản xuất", "Xưởng gần khu dân cư {street} xả khói đen vào buổi tối.")],
    "urban_order": [("Lấn chiếm vỉa hè", "Các quán ăn trên đường {street} bày bàn ghế kín vỉa hè.")],
    "security": [("Tụ tập gây mất trật tự", "Nhóm thanh niên đua xe, nẹt pô trên đường {street} lúc nửa đêm.")],
    "utilities": [("Đèn đường không sáng", "Cả đoạn đường {street} mất đèn chiếu sáng gần một tuần."),
                  ("Mất nước sinh hoạt", "Khu phố trên đường {street} bị mất nước từ hai ngày nay.")],
    "land": [("Xây dựng không phép", "Có công trình đang xây dựng trên đất nông nghiệp gần {street}.")],
    "public_services": [("Hồ sơ trễ hẹn", "Hồ sơ cấp giấy phép nộp tại bộ phận một cửa đã quá hẹn trả kết quả.")],
    "health_education": [("Trường học xuống cấp", "Mái tôn phòng học trường tiểu học gần {street} bị dột.")],
    "other": [("Góp ý dịch vụ công", "Đề nghị bổ sung hướng dẫn nộp hồ sơ trực tuyến bằng tiếng Việt dễ hiểu.")],
}
STREETS = ("Phú Riềng Đỏ", "Hùng Vương", "Trần Hưng Đạo", "Lê Duẩn", "QL14", "QL13", "Nguyễn Huệ", "Điểu Ong")
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Điểu Thị Hoa")
AGENCIES = ("UBND TP Đồng Xoài", "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường", "Công an tỉnh",
            "Công ty Điện lực Bình Phước", "UBND huyện Bù Đăng")
CHANNEL_WEIGHTS = (45, 20, 15, 15, 5)
"""app, hotline, web, zalo, email: most field reports come from the app, as in Huế."""


class FeedbackSimulator:
    """A service (``name``/``start``/``stop``) that feeds the demo's web server through its intake API."""

    name = "feedback simulator"

    def __init__(self, settings: Settings, engine: Engine, base_url: str, history_days: int = 60,
                 interval_seconds: float = 20.0, seed: int | None = None):
        self.settings = settings
        self.engine = engine
        self.base_url = base_url.rstrip("/")
        self.history_days = history_days
        self.interval_seconds = interval_seconds
        self.rng = random.Random(seed)
        self.posted = 0
        self._open: dict[str, str] = {}
        """Tracking code -> status of the reports this run posted and has not finished with."""
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Make the key and return at once: the history is written in the simulator's thread, so the demo's
        web server starts without waiting for it."""
        self.key = self._new_key()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join(10)

    def _new_key(self) -> str:
        """A fresh key each start (an old one cannot be read back: only its hash is kept)."""
        try:
            apikeys.revoke(self.engine, KEY_NAME, "demo")
        except CredentialError:
            pass
        return apikeys.create(self.engine, KEY_NAME, ["feedback:write", "feedback:handle"], "demo",
                              rate_limit="120/minute")

    def body(self) -> dict:
        """A realistic new report, as a channel would post it."""
        category = self.rng.choice(list(PROBLEMS))
        title, description = self.rng.choice(PROBLEMS[category])
        street = self.rng.choice(STREETS)
        channel = self.rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        body = {"channel": channel, "channel_ref": f"sim-{uuid.UUID(int=self.rng.getrandbits(128)).hex[:16]}",
                "category": category, "title": title.format(street=street),
                "description": description.format(street=street)}
        if channel == "app":  # field reports carry a place and a photo; one in fifty from outside the province
            if self.rng.random() < 0.02:
                body["position"] = {"lon": 106.70, "lat": 10.78}
            else:
                body["position"] = {"lon": round(self.rng.uniform(106.75, 107.05), 5),
                                    "lat": round(self.rng.uniform(11.45, 11.85), 5)}
            body["attachments"] = [f"https://app.binhphuoc.gov.vn/anh/{self.rng.randrange(10**6)}.jpg"]
        else:
            body["unit_code"] = self.rng.choice(["688", "689", "690", "691", "692", "693", "694", "695", "696"])
        if self.rng.random() < 0.7:
            body["reporter"] = {"name": self.rng.choice(NAMES),
                                "phone": f"09{self.rng.randrange(10**8):08d}"}
        return body

    def next_step(self, status: str) -> Change | None:
        """A plausible next step for a report in ``status``, or None to leave it."""
        if status == "received":
            return Change("rejected", reason="Nội dung trùng với phản ánh trước") if self.rng.random() < 0.08 \
                else Change("accepted")
        if status == "accepted":
            return Change("assigned", agency=self.rng.choice(AGENCIES))
        if status == "assigned":
            return Change("in_progress", note="Đã cử cán bộ kiểm tra hiện trường")
        if status == "in_progress":
            return Change("answered",
                          reply="Cơ quan chức năng đã kiểm tra và khắc phục. Cảm ơn người dân đã phản ánh.")
        if status == "answered":
            return Change("closed", rating=self.rng.choices([5, 4, 3, 2, 1], [50, 30, 10, 6, 4])[0])
        return None

    def write_history(self, now: datetime) -> int:
        """Reports of the last ``history_days`` days with their handling, once (a restart adds none)."""
        locator = DistrictLocator.of(self.settings)
        written = 0
        with self.engine.begin() as connection:
            if feedback_queries.report_by_ref(connection, "app", "history-0") is not None:
                return 0
            for day in range(self.history_days, 0, -1):
                for n in range(self.rng.randint(6, 16)):
                    at = now - timedelta(days=day, hours=self.rng.uniform(0, 24))
                    ref = "history-0" if written == 0 else f"history-{day}-{n}"
                    row = self.write_report(connection, locator, ref, at, channel="app" if written == 0 else None)
                    written += 1
                    moment = at
                    while (step := self.next_step(row["status"])) is not None:
                        moment += timedelta(hours=self.rng.expovariate(1 / 30))
                        if moment >= now or self.rng.random() < 0.02:
                            break  # recent reports are still open, and now and then one lingers
                        row = handling.transition(connection, row["id"], step, "operator", moment)
        return written

    def write_report(self, connection, locator: DistrictLocator, ref: str, at: datetime,
                     channel: str | None = None) -> dict:
        """One simulated report received at ``at``, stored as the intake API stores it; returns its row."""
        body = self.body()
        report = handling.NewReport(
            channel=channel or body["channel"], channel_ref=ref,
            category=body["category"], title=body["title"], description=body["description"],
            lon=body.get("position", {}).get("lon"), lat=body.get("position", {}).get("lat"),
            unit_code=body.get("unit_code"), reporter_name=body.get("reporter", {}).get("name"),
            reporter_phone=body.get("reporter", {}).get("phone"))
        row, _ = handling.submit(connection, self.settings.feedback, locator, report, f"apikey:{KEY_NAME}", at)
        return row

    def post_one(self, client: httpx.Client) -> None:
        """Post one new report, and take the next workflow step on one report posted earlier."""
        response = client.post("/feedback", json=self.body())
        response.raise_for_status()
        self.posted += 1
        self._open[response.json()["tracking_code"]] = "received"
        code = self.rng.choice(list(self._open))
        step = self.next_step(self._open[code])
        if step is None:
            del self._open[code]
            return
        body = {name: value for name, value in vars(step).items() if value is not None}
        answer = client.post(f"/feedback/{code}/transitions", json=body)
        answer.raise_for_status()
        self._open[code] = answer.json()["status"]

    def _run(self) -> None:
        try:
            self.write_history(utcnow())
        except Exception:  # noqa: BLE001 - a demo without history still runs; the error is logged
            log.exception("feedback simulator: could not write the history")
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.base_url + "/api/v1", headers=headers, timeout=10) as client:
            while not self._stopping.wait(self.interval_seconds * self.rng.uniform(0.5, 1.5)):
                try:
                    self.post_one(client)
                except httpx.HTTPError as exc:  # the web server is starting or stopping: try again later
                    log.debug("feedback simulator: %s", exc)
