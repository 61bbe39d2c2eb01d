"""Decision 766 scoring, gaps to targets and rankings: pure functions of indicator values and settings.

An indicator earns ``max_points x min(1, value / full_at)``. A group's score is the share of points earned
among its indicators that have data, times the group's maximum, so an indicator the data cannot measure
neither rewards nor punishes. The total is on 100 points: the groups with data, scaled to 100 (the
transparency group is not measured by portal statistics, docs/indicators.md#index_766_total).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ioc.config import IndicatorSettings, ScoringRule


@dataclass(frozen=True)
class GroupScore:
    points: float | None  # None: no indicator of the group has data
    max_points: float


@dataclass(frozen=True)
class Score:
    groups: dict[str, GroupScore]
    total: float | None  # on 100 points, over the groups with data

    @property
    def measured_points(self) -> float:
        """Maximum points of the groups that have data (what ``total`` is scaled from)."""
        return sum(g.max_points for g in self.groups.values() if g.points is not None)


@dataclass(frozen=True)
class Gap:
    value: float | None
    target: float
    gap: float | None  # value - target, in the indicator's unit
    met: bool | None


def indicator_points(value: float | None, rule: ScoringRule) -> float | None:
    if value is None:
        return None
    return rule.max_points * min(1.0, max(0.0, value) / rule.full_at)


def score(values: Mapping[str, float | None], settings: IndicatorSettings) -> Score:
    groups = {}
    for group, group_max in settings.groups.items():
        earned = available = 0.0
        for code, rule in settings.scoring.items():
            points = indicator_points(values.get(code), rule) if rule.group == group else None
            if points is not None:
                earned += points
                available += rule.max_points
        groups[group] = GroupScore(group_max * earned / available if available else None, group_max)
    measured = sum(g.max_points for g in groups.values() if g.points is not None)
    total = 100.0 * sum(g.points for g in groups.values() if g.points is not None) / measured if measured else None
    return Score(groups, total)


def gaps(values: Mapping[str, float | None], targets: Mapping[str, float],
         directions: Mapping[str, str]) -> dict[str, Gap]:
    """For each indicator with a target: how far the value is from it, and whether it meets it."""
    result = {}
    for code, target in targets.items():
        value = values.get(code)
        if value is None:
            result[code] = Gap(None, target, None, None)
            continue
        higher = directions.get(code, "higher") == "higher"
        result[code] = Gap(value, target, value - target, value >= target if higher else value <= target)
    return result


def rank(values: Mapping[str, float | None], higher_is_better: bool = True) -> dict[str, int | None]:
    """Competition ranking (1, 2, 2, 4): equal values share a rank; units without data get no rank."""
    ranked = sorted((v for v in values.values() if v is not None), reverse=higher_is_better)
    position = {}
    for index, value in enumerate(ranked, start=1):
        position.setdefault(value, index)
    return {unit: None if value is None else position[value] for unit, value in values.items()}
