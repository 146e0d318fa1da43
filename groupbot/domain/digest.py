"""The weekly digest as plain data: what a district supervisor reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from groupbot.domain.burden import Burden

IN_PLAY = ("active", "warned", "restored", "exempt")


@dataclass(frozen=True)
class ProposalLine:
    """A pending merge proposal, shortened."""

    id: int
    titles: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    """Every figure of one week's digest."""

    week: str  # ISO week, e.g. "2026-W47"
    as_of: date
    by_status: dict[str, int]
    total: int
    in_play: int
    baseline: int
    reduction: float | None
    changes: dict[str, int]  # this week: registered, warned, archived, merged, restored…
    proposals: tuple[ProposalLine, ...]
    temporary_ending: tuple[tuple[str, date], ...]
    exemptions_expiring: tuple[tuple[str, date], ...]
    burden: Burden
    messages_7d: int
    after_hours_share: float | None
    photo_share: tuple[tuple[str, float], ...]  # groups with the most check-in photos
    history: tuple[tuple[str, int], ...] = field(default=())  # (ISO week, groups in play)

    def as_json(self) -> dict:
        """JSON-ready data (dates as ISO strings)."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["temporary_ending"] = [[t, d.isoformat()] for t, d in self.temporary_ending]
        data["exemptions_expiring"] = [[t, d.isoformat()] for t, d in self.exemptions_expiring]
        return data


def iso_week(day: date) -> str:
    """The ISO week a day belongs to, as "YYYY-Www"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None
