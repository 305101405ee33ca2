"""The certificate rules engine: from a student's approved activities to what is still missing.

Pure Python, no database: callers turn a programme and its approved entries into a `RuleSet`
and `CompletedEntry` values; `evaluate` returns a `Progress`. Filling in a lazy message template
translates it into the language active for the call, so every message returned is a plain `str`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import product
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

CAREER_COURSE = "career_course"
PRESENTATION = "presentation"

# "n" names the number that picks the plural form.
_SIZE_RULE = ngettext_lazy(
    "At least %(n)d activity of size %(size)s.", "At least %(n)d activities of size %(size)s.", "n"
)
_SUBSTITUTION_RULE = _(
    "%(count)d activities of size %(size)s can replace one of size %(replaces)s."
)
_MISSING = {  # keyed by shortfall code, or its prefix before ":"
    "activities": ngettext_lazy("%(n)d more activity", "%(n)d more activities", "n"),
    "home": ngettext_lazy("%(n)d more activity at home", "%(n)d more activities at home", "n"),
    "abroad": ngettext_lazy("%(n)d more activity abroad", "%(n)d more activities abroad", "n"),
    "size": ngettext_lazy(
        "%(n)d more activity of size %(size)s", "%(n)d more activities of size %(size)s", "n"
    ),
}


class Location(StrEnum):
    HOME = "home"
    ABROAD = "abroad"


@dataclass(frozen=True)
class Substitution:
    """`count` counted activities of `size` may stand in for one required activity of `replaces`."""

    size: str
    count: int
    replaces: str

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"A substitution needs a count of at least 1, not {self.count}.")
        if self.size == self.replaces:
            raise ValueError(f"Size {self.size!r} cannot replace itself.")


@dataclass(frozen=True)
class RuleSet:
    """One programme's certificate rules.

    Home and abroad activities are among the different activities, so min_home + min_abroad may
    not exceed min_activities; min_abroad == 0 makes going abroad optional. Size requirements
    apply in addition to the counts. `size_requirements` is copied into a read-only mapping.
    """

    min_activities: int = 3
    min_home: int = 1
    min_abroad: int = 1
    career_course_required: bool = False
    presentation_required: bool = True
    # A mapping proxy is not hashable; leaving it out of the hash keeps RuleSet hashable.
    size_requirements: Mapping[str, int] = field(default_factory=dict, hash=False)
    substitutions: tuple[Substitution, ...] = ()

    def __post_init__(self) -> None:
        for name in ("min_activities", "min_home", "min_abroad"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative, got {getattr(self, name)}.")
        if self.min_home + self.min_abroad > self.min_activities:
            raise ValueError(
                f"min_home + min_abroad ({self.min_home} + {self.min_abroad}) cannot exceed "
                f"min_activities ({self.min_activities})."
            )
        for size, count in self.size_requirements.items():
            if not size:
                raise ValueError("A required size needs a name.")
            if count < 0:
                raise ValueError(f"The requirement for size {size!r} cannot be negative.")
        for sub in self.substitutions:
            if sub.replaces not in self.size_requirements:
                raise ValueError(f"Size {sub.replaces!r} is substituted but not a required size.")
        object.__setattr__(
            self, "size_requirements", MappingProxyType(dict(self.size_requirements))
        )
        object.__setattr__(self, "substitutions", tuple(self.substitutions))

    @property
    def required_activities(self) -> int:
        """The fewest counted activities that can meet every activity rule at once."""
        sizes = sum(self.size_requirements.values())
        return max(self.min_activities, self.min_home + self.min_abroad, sizes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, kept with an enrolment so later rule changes do not move it."""
        return {
            "min_activities": self.min_activities,
            "min_home": self.min_home,
            "min_abroad": self.min_abroad,
            "career_course_required": self.career_course_required,
            "presentation_required": self.presentation_required,
            "size_requirements": dict(self.size_requirements),
            "substitutions": [vars(sub).copy() for sub in self.substitutions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSet:
        """The inverse of `to_dict`; unknown keys are an error, missing ones take defaults."""
        values = dict(data)
        values["substitutions"] = tuple(
            Substitution(**sub) for sub in values.get("substitutions", ())
        )
        return cls(**values)

    def describe(self) -> list[str]:
        """The rules in plain words, in the active language, for public programme pages."""
        lines = [
            ngettext_lazy("At least %(n)d activity.", "At least %(n)d different activities.", "n")
            % {"n": self.min_activities}
        ]
        if self.min_home:
            lines.append(_("At least %(n)d of them at home.") % {"n": self.min_home})
        if self.min_abroad:
            lines.append(_("At least %(n)d of them abroad.") % {"n": self.min_abroad})
        else:
            lines.append(str(_("Going abroad is optional.")))
        lines += [_SIZE_RULE % {"n": n, "size": s} for s, n in self.size_requirements.items() if n]
        lines += [_SUBSTITUTION_RULE % vars(sub) for sub in self.substitutions]
        if self.career_course_required:
            lines.append(str(_("The CIL career course is required.")))
        if self.presentation_required:
            lines.append(str(_("A final presentation is required.")))
        return lines


@dataclass(frozen=True)
class CompletedEntry:
    """One approved portfolio entry; entries with the same `activity_key` are one activity."""

    activity_key: str | int
    location: Location
    engagements: int = 1
    engagements_required: int = 1
    size: str | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.engagements < 0:
            raise ValueError(f"engagements cannot be negative, got {self.engagements}.")
        if self.engagements_required < 1:
            raise ValueError(f"engagements_required must be >= 1, got {self.engagements_required}.")
        object.__setattr__(self, "location", Location(self.location))


@dataclass(frozen=True)
class ActivityProgress:
    """One distinct activity, with the engagements recorded across all its entries."""

    activity_key: str | int
    label: str
    location: Location
    size: str | None
    engagements: int
    engagements_required: int

    @property
    def counted(self) -> bool:
        return self.engagements >= self.engagements_required


@dataclass(frozen=True)
class Shortfall:
    code: str
    missing: int
    message: str


@dataclass(frozen=True)
class Progress:
    """Where a student stands; `required` is `RuleSet.required_activities`, for `fraction`."""

    activities: tuple[ActivityProgress, ...]
    counted: int
    home: int
    abroad: int
    shortfalls: tuple[Shortfall, ...]
    required: int

    @property
    def activities_complete(self) -> bool:
        return all(s.code in (CAREER_COURSE, PRESENTATION) for s in self.shortfalls)

    @property
    def complete(self) -> bool:
        return not self.shortfalls

    @property
    def fraction(self) -> float:
        """Share of the activity requirements met: 0 with nothing, 1 once activities_complete.

        It is 1 - remaining / required, where remaining is the fewest further counted
        activities that could meet every activity rule. One activity can at once count towards
        the total, towards home or abroad and towards a size, so remaining is the largest of
        those three shortfalls. Partial engagements, the career course and the presentation do
        not move it, and adding an entry never lowers it.
        """
        if not self.required:
            return 1.0
        missing = Counter[str]()
        for s in self.shortfalls:
            missing[s.code.partition(":")[0]] += s.missing
        remaining = max(missing["activities"], missing["home"] + missing["abroad"], missing["size"])
        return 1 - remaining / self.required


def _size_shortfalls(rules: RuleSet, sizes: Counter[str]) -> dict[str, int]:
    """How many activities of each required size are missing after the best use of substitutes.

    Counted activities of a size go first to that size's own requirement; only the rest can
    substitute, each activity once. Of all ways to apply the substitutions, the one leaving the
    fewest missing wins (ties favour earlier-declared substitutions): a greedy pass could report
    more missing after the student gains an activity. Spare activities are few, so is the search.
    """
    short = {s: max(0, n - sizes[s]) for s, n in rules.size_requirements.items()}
    spare = {s: max(0, n - rules.size_requirements.get(s, 0)) for s, n in sizes.items()}
    subs = [sub for sub in rules.substitutions if short[sub.replaces]]
    ranges = [
        range(min(short[sub.replaces], spare.get(sub.size, 0) // sub.count), -1, -1) for sub in subs
    ]
    best, best_total = short, sum(short.values())
    for plan in product(*ranges):
        used, filled = Counter[str](), Counter[str]()
        for sub, times in zip(subs, plan, strict=True):
            used[sub.size] += times * sub.count
            filled[sub.replaces] += times
        if any(used[s] > spare.get(s, 0) for s in used):
            continue
        missing = {s: max(0, n - filled[s]) for s, n in short.items()}
        if sum(missing.values()) < best_total:
            best, best_total = missing, sum(missing.values())
    return best


def evaluate(
    rules: RuleSet,
    entries: Iterable[CompletedEntry],
    *,
    career_course_done: bool = False,
    presentation_done: bool = False,
) -> Progress:
    """Evaluate a student's approved entries against a programme's rules.

    Entries with the same activity_key are one activity whose engagements are summed; its
    label, location, size and engagements_required are those of the first such entry given.
    Activities are listed in the order first seen, counted or not, so partial ones can be shown.
    """
    first: dict[str | int, CompletedEntry] = {}
    engagements: Counter[str | int] = Counter()
    for entry in entries:
        first.setdefault(entry.activity_key, entry)
        engagements[entry.activity_key] += entry.engagements
    activities = tuple(
        ActivityProgress(key, e.label, e.location, e.size, engagements[key], e.engagements_required)
        for key, e in first.items()
    )
    done = [a for a in activities if a.counted]
    home = sum(a.location == Location.HOME for a in done)
    abroad = len(done) - home

    missing = {
        "activities": rules.min_activities - len(done),
        "home": rules.min_home - home,
        "abroad": rules.min_abroad - abroad,
    }
    shortfalls = [Shortfall(c, n, _MISSING[c] % {"n": n}) for c, n in missing.items() if n > 0]
    sizes = Counter(a.size for a in done if a.size is not None)
    for size, n in _size_shortfalls(rules, sizes).items():
        if n > 0:
            message = _MISSING["size"] % {"n": n, "size": size}
            shortfalls.append(Shortfall(f"size:{size}", n, message))
    if rules.career_course_required and not career_course_done:
        shortfalls.append(Shortfall(CAREER_COURSE, 1, str(_("Complete the career course"))))
    if rules.presentation_required and not presentation_done:
        shortfalls.append(Shortfall(PRESENTATION, 1, str(_("Give the final presentation"))))
    required = rules.required_activities
    return Progress(activities, len(done), home, abroad, tuple(shortfalls), required)
