"""The simulated province behind the portal simulator: a procedure catalogue and daily dossier statistics.

Deterministic: the same seed, first day and "as of" day give the same numbers, byte for byte. Each day's
*final* outcome comes from a random stream of its own (seed, day), so asking for one day never depends on which
other days were asked for. What is still pending depends on how old the day is on the "as of" day, so a day
read again later shows the corrections a real portal would (pending dossiers finishing).

Volumes are set to a plausible province of about a million people: some 1,500 dossiers a working day. The
online share rises from the low single digits the seeds report for 2018 to the national 2024-2025 levels
over ``RAMP_DAYS`` from the first day of history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import holidays
import numpy as np

RAMP_DAYS = 730
SETTLE_DAYS = 10
"""A dossier is finished at most this many days after it was received (so re-reading 14 days catches all)."""

CATALOGUE_SIZE = 1875  # Bình Phước's portal, ~2021 (seeds)

# code, name, department, levels (p = province, d = district, c = commune), procedures, daily dossiers per
# department / district / commune, how much more (or less) than average the sector's dossiers come online
SECTORS = [
    ("LV01", "Hộ tịch", "STP", "pdc", 40, 1.0, 6.0, 2.4, 1.3),
    ("LV02", "Chứng thực", "STP", "dc", 12, 0, 9.0, 2.2, 0.8),
    ("LV03", "Lý lịch tư pháp", "STP", "p", 6, 9.0, 0, 0, 1.5),
    ("LV04", "Công chứng", "STP", "p", 25, 2.0, 0, 0, 0.4),
    ("LV05", "Luật sư", "STP", "p", 20, 0.4, 0, 0, 0.9),
    ("LV06", "Nuôi con nuôi", "STP", "pc", 10, 0.1, 0, 0.05, 0.5),
    ("LV07", "Thành lập và hoạt động doanh nghiệp", "SKHDT", "p", 120, 14.0, 0, 0, 1.8),
    ("LV08", "Đầu tư tại Việt Nam", "SKHDT", "p", 45, 1.5, 0, 0, 1.2),
    ("LV09", "Thành lập và hoạt động của hộ kinh doanh", "SKHDT", "d", 10, 0, 5.0, 0, 1.1),
    ("LV10", "Hợp tác xã", "SKHDT", "pd", 30, 0.5, 0.5, 0, 0.9),
    ("LV11", "Đất đai", "STNMT", "pdc", 90, 12.0, 11.0, 0.6, 0.6),
    ("LV12", "Môi trường", "STNMT", "pd", 50, 1.5, 0.5, 0, 1.0),
    ("LV13", "Tài nguyên nước", "STNMT", "p", 35, 0.5, 0, 0, 1.0),
    ("LV14", "Khoáng sản", "STNMT", "p", 30, 0.3, 0, 0, 0.8),
    ("LV15", "Hoạt động xây dựng", "SXD", "pd", 60, 4.0, 4.0, 0, 1.1),
    ("LV16", "Nhà ở", "SXD", "pd", 25, 0.8, 0.5, 0, 0.8),
    ("LV17", "Quy hoạch xây dựng, kiến trúc", "SXD", "pd", 20, 0.5, 0.3, 0, 0.7),
    ("LV18", "Đường bộ", "SGTVT", "pd", 90, 20.0, 0.6, 0, 1.6),
    ("LV19", "Đường thủy nội địa", "SGTVT", "p", 40, 0.2, 0, 0, 0.8),
    ("LV20", "Khám bệnh, chữa bệnh", "SYT", "p", 110, 6.0, 0, 0, 1.0),
    ("LV21", "Dược phẩm", "SYT", "p", 90, 5.0, 0, 0, 1.3),
    ("LV22", "An toàn thực phẩm và dinh dưỡng", "SYT", "pd", 40, 3.0, 1.0, 0, 1.0),
    ("LV23", "Giáo dục và Đào tạo", "SGDDT", "pdc", 120, 6.0, 2.0, 0.3, 1.1),
    ("LV24", "Văn bằng, chứng chỉ", "SGDDT", "pd", 10, 2.0, 0.5, 0, 1.2),
    ("LV25", "Người có công", "SLDTBXH", "pdc", 60, 3.0, 1.5, 0.6, 0.5),
    ("LV26", "Bảo trợ xã hội", "SLDTBXH", "pdc", 40, 1.0, 2.0, 0.9, 0.5),
    ("LV27", "Việc làm", "SLDTBXH", "p", 35, 6.0, 0, 0, 1.4),
    ("LV28", "Giáo dục nghề nghiệp", "SLDTBXH", "p", 30, 0.5, 0, 0, 1.0),
    ("LV29", "Trồng trọt và bảo vệ thực vật", "SNNPTNT", "pd", 45, 1.5, 0.3, 0, 0.9),
    ("LV30", "Chăn nuôi và thú y", "SNNPTNT", "pd", 50, 4.0, 0.5, 0, 1.0),
    ("LV31", "Lâm nghiệp", "SNNPTNT", "pdc", 40, 0.8, 0.3, 0.1, 0.6),
    ("LV32", "Lưu thông hàng hóa trong nước", "SCT", "pd", 60, 5.0, 1.0, 0, 1.4),
    ("LV33", "Điện", "SCT", "p", 35, 1.0, 0, 0, 1.0),
    ("LV34", "Văn hóa", "SVHTTDL", "pdc", 70, 1.0, 0.5, 0.1, 0.9),
    ("LV35", "Du lịch, thể dục thể thao", "SVHTTDL", "p", 70, 0.8, 0, 0, 1.0),
    ("LV36", "Báo chí, xuất bản, bưu chính, viễn thông", "STTTT", "pd", 65, 1.0, 0.1, 0, 1.5),
    ("LV37", "Quản lý công sản", "STC", "pd", 30, 1.0, 0.3, 0, 0.8),
    ("LV38", "Tổ chức hành chính, tín ngưỡng, tôn giáo, thi đua khen thưởng", "SNV", "pdc", 95, 1.5, 0.8, 0.2,
     0.6),
    ("LV39", "Khoa học và công nghệ", "SKHCN", "p", 60, 1.0, 0, 0, 1.3),
    ("LV40", "Tiếp công dân, khiếu nại, tố cáo", "TTT", "pdc", 20, 0.5, 0.4, 0.1, 0.2),
    ("LV41", "Công tác dân tộc", "BDT", "pd", 10, 0.3, 0.2, 0, 0.5),
    ("LV42", "Quản lý khu kinh tế, khu công nghiệp", "BQLKKT", "p", 50, 3.0, 0, 0, 1.4),
    ("LV43", "Cấp, quản lý căn cước", "CAT", "p", 30, 0, 0, 0, 0),
]

MONTH_FACTOR = (0.95, 0.85, 1.05, 1.0, 1.0, 1.05, 1.0, 0.95, 1.0, 1.05, 1.1, 1.15)
"""Seasonality: a quiet Tết month and a busy year end (holidays themselves are nearly empty days)."""
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.25, 0.03)
HOLIDAY_FACTOR = 0.03


def _smoothstep(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return x * x * (3 - 2 * x)


@dataclass(frozen=True)
class Lane:
    """One unit handling one sector: the unit of the daily statistics."""

    unit_code: str
    sector_code: str
    rate: float  # dossiers on an ordinary working day
    online_bias: float
    fee_share: float
    procedures: tuple[str, ...]  # online procedures of the sector at the unit's level, most used first


@dataclass
class ProvinceModel:
    """The simulated province: units (GSO code -> level) and departments, from the shipped reference data."""

    units: dict[str, str]
    departments: list[str]
    seed: int = 766
    first_day: date = field(default_factory=lambda: date(2024, 11, 25))

    @cached_property
    def catalogue(self) -> tuple[list[dict], list[dict]]:
        """(sectors, procedures) in the contract's form (docs/portal-contract.md)."""
        rng = np.random.default_rng([self.seed, 1])
        sectors = [{"code": code, "name": name, "department_code": dept if dept in self.departments else None}
                   for code, name, dept, *_ in SECTORS]
        listed = sum(row[4] for row in SECTORS)
        counts = [round(row[4] * CATALOGUE_SIZE / listed) for row in SECTORS]
        counts[0] += CATALOGUE_SIZE - sum(counts)
        procedures = []
        serial = 0
        for (code, name, _dept, levels, *_volumes, bias), count in zip(SECTORS, counts, strict=True):
            for index in range(count):
                serial += 1
                draw = rng.random()
                full_share = min(0.42 * bias, 0.8) if bias else 0.0
                level = "full" if draw < full_share else "partial" if draw < full_share + 0.45 * bool(bias) else "none"
                has_fee = bool(rng.random() < 0.45)
                at = {letter: letter in levels and (letter == "p" or rng.random() < 0.5 or index < 3)
                      for letter in "pdc"}
                if not any(at.values()):
                    at[levels[0]] = True
                procedures.append({
                    "code": f"1.{serial:06d}",
                    "name": f"{name}: thủ tục số {index + 1}",
                    "sector_code": code,
                    "online_level": level,
                    "old_level": {"full": 4, "partial": 3, "none": 2}[level],
                    "has_fee": has_fee,
                    "online_payment": has_fee and level != "none" and bool(rng.random() < 0.8),
                    "unit_levels": [lv for lv, letter in (("province", "p"), ("district", "d"), ("commune", "c"))
                                    if at[letter]],
                })
        return sectors, procedures

    @cached_property
    def lanes(self) -> list[Lane]:
        rng = np.random.default_rng([self.seed, 2])
        _, procedures = self.catalogue
        lanes = []
        size = {code: rng.uniform(0.5, 1.6) for code in sorted(self.units)}
        for code, _name, dept, levels, _n, per_dept, per_district, per_commune, bias in SECTORS:
            fee_share = rng.uniform(0.1, 0.6)
            for level, letter, rate, owners in (
                ("province", "p", per_dept, [dept] if dept in self.departments else []),  # departments
                ("district", "d", per_district, [u for u, lv in self.units.items() if lv == "district"]),
                ("commune", "c", per_commune, [u for u, lv in self.units.items() if lv == "commune"]),
            ):
                if letter not in levels or not rate:
                    continue
                online = tuple(p["code"] for p in procedures if p["sector_code"] == code
                               and p["online_level"] != "none" and level in p["unit_levels"])
                for owner in sorted(owners):
                    lanes.append(Lane(owner, code, rate * size.get(owner, 1.0),
                                      bias if online else 0.0, fee_share, online))
        return lanes

    @cached_property
    def _holidays(self):
        return holidays.country_holidays("VN")

    def trend(self, day: date) -> float:
        """Progress of e-government from 0 (the first day) to 1 (``RAMP_DAYS`` later)."""
        return _smoothstep((day - self.first_day).days / RAMP_DAYS)

    def day_stats(self, day: date, as_of: date) -> tuple[list[dict], list[dict]]:
        """(dossier statistics, procedure usage) of one Vietnam day as the portal reports them on ``as_of``."""
        if day < self.first_day or day > as_of:
            return [], []
        lanes = self.lanes
        t = self.trend(day)
        factor = MONTH_FACTOR[day.month - 1] * (HOLIDAY_FACTOR if day in self._holidays
                                                else WEEKDAY_FACTOR[day.weekday()])
        final = np.random.default_rng([self.seed, day.toordinal()])
        rate = np.array([lane.rate for lane in lanes]) * factor
        received = final.poisson(rate)
        online_share = np.clip(np.array([lane.online_bias for lane in lanes]) * (0.02 + 0.68 * t), 0, 0.95)
        online = final.binomial(received, online_share)
        late_share = 0.10 - 0.07 * t
        outcome = final.multinomial(received, [0.55, 0.45 - late_share, late_share])
        early, on_time, late = outcome[:, 0], outcome[:, 1], outcome[:, 2]
        with_fee = final.binomial(received, [lane.fee_share for lane in lanes])
        paid = final.binomial(np.minimum(with_fee, online), 0.05 + 0.6 * t)
        digitised = final.binomial(received, 0.15 + 0.7 * t)
        electronic_final = final.binomial(received, 0.10 + 0.7 * t)
        unsatisfied = final.binomial(early + on_time, 0.012 - 0.008 * t)
        complaints = final.binomial(early + on_time - unsatisfied, 0.004)
        handling = final.uniform(0.8, 1.2, len(lanes)) * (2.5 * early + 6.0 * on_time + 14.0 * late)

        age = (as_of - day).days
        still = 0.0 if age >= SETTLE_DAYS else 0.85 * math.exp(-age / 2.5)
        pending_stream = np.random.default_rng([self.seed, day.toordinal(), age])
        pending_ok = pending_stream.binomial(early + on_time, still)
        pending_late = pending_stream.binomial(late, still)
        from_on_time = np.minimum(pending_ok, on_time)
        on_time_now, early_now = on_time - from_on_time, early - (pending_ok - from_on_time)
        late_now = late - pending_late
        finished_now = early_now + on_time_now + late_now
        finished_final = np.maximum(early + on_time + late, 1)
        overdue = age >= 3  # a late dossier still pending is overdue once its due date has passed
        stats, usage = [], []
        usage_stream = np.random.default_rng([self.seed, day.toordinal(), 7])
        for i in np.flatnonzero(received):
            lane = lanes[i]
            stats.append({
                "day": day.isoformat(),
                "unit_code": lane.unit_code,
                "sector_code": lane.sector_code,
                "received_online": int(online[i]),
                "received_offline": int(received[i] - online[i]),
                "finished_early": int(early_now[i]),
                "finished_on_time": int(on_time_now[i]),
                "finished_late": int(late_now[i]),
                "pending_on_time": int(pending_ok[i] + (0 if overdue else pending_late[i])),
                "pending_overdue": int(pending_late[i] if overdue else 0),
                "handling_days": round(float(handling[i]) * finished_now[i] / finished_final[i], 1),
                "with_fee": int(with_fee[i]),
                "paid_online": int(paid[i]),
                "digitised": int(digitised[i]),
                "electronic_results": int(round(electronic_final[i] * finished_now[i] / finished_final[i])),
                "rated_unsatisfied": int(unsatisfied[i]),
                "complaints": int(complaints[i]),
            })
            if online[i] and lane.procedures:
                weights = 1.0 / np.arange(1, len(lane.procedures) + 1) ** 1.1
                spread = usage_stream.multinomial(int(online[i]), weights / weights.sum())
                usage += [{"day": day.isoformat(), "unit_code": lane.unit_code,
                           "procedure_code": lane.procedures[j], "online_received": int(spread[j])}
                          for j in np.flatnonzero(spread)]
        return stats, usage

    def history(self, first: date, last: date, as_of: date):
        """(stats, usage) of every day ``first..last``, one day at a time."""
        day = first
        while day <= last:
            yield self.day_stats(day, as_of)
            day += timedelta(days=1)


def model_for(settings, seed: int = 766, first_day: date | None = None) -> ProvinceModel:
    """The simulated province of the configured units and departments."""
    from ioc.reference import read_departments, read_units

    units = {row["code"]: row["level"] for row in read_units(settings.resolve(settings.province.units_file))}
    departments = [row["code"] for row in read_departments(settings.resolve(settings.province.departments_file))]
    return ProvinceModel(units, departments, seed, first_day or date(2024, 11, 25))
