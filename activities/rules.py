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
_SUBSTITUTION_RULE = ngettext_lazy(
    "%(count)d activity of size %(size)s can replace one of size %(replaces)s.",
    "%(count)d activities of size %(size)s can replace one of size %(replaces)s.",
    "count",
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


_SUBSTITUTION_ERROR = _("Each substitution must replace one of the required sizes by another size.")
# RuleSet fields holding a count or a number of words.
_NUMBERS = ("min_activities", "min_home", "min_abroad", "report_min_words", "report_max_words")


class RuleError(ValueError):
    """Rules the engine cannot hold. ``errors`` maps each `RuleSet` field in question to
    messages for the person who wrote the rules, in the language active when they were found."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {name: list(messages) for name, messages in errors.items()}
        super().__init__(
            "; ".join(f"{name}: {' '.join(map(str, msgs))}" for name, msgs in self.errors.items())
        )


@dataclass(frozen=True)
class RuleSet:
    """One programme's certificate rules, the final report's word range included.

    Home and abroad activities are among the different activities, so min_home + min_abroad may
    not exceed min_activities; min_abroad == 0 makes going abroad optional. Size requirements
    apply in addition to the counts. `size_requirements` is copied into a read-only mapping.
    These field defaults are the only defaults: a new programme starts from them (`DEFAULT_RULES`).
    Rules that break a rule of their own raise `RuleError`, with every problem by field.
    """

    min_activities: int = 3
    min_home: int = 1
    min_abroad: int = 1
    career_course_required: bool = False
    presentation_required: bool = True
    # A mapping proxy is not hashable; leaving it out of the hash keeps RuleSet hashable.
    size_requirements: Mapping[str, int] = field(default_factory=dict, hash=False)
    substitutions: tuple[Substitution, ...] = ()
    report_min_words: int = 500
    report_max_words: int = 1000

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "size_requirements", MappingProxyType(dict(self.size_requirements))
        )
        object.__setattr__(self, "substitutions", tuple(self.substitutions))
        errors: dict[str, list[str]] = {}

        def refuse(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        for name in _NUMBERS:
            if getattr(self, name) < 0:
                refuse(name, str(_("This cannot be negative.")))
        if self.min_home + self.min_abroad > self.min_activities:
            refuse(
                "min_activities",
                _(
                    "At home and abroad together (%(sum)d) cannot be more than the number of "
                    "activities."
                )
                % {"sum": self.min_home + self.min_abroad},
            )
        if self.report_min_words > self.report_max_words:
            refuse("report_max_words", str(_("The maximum must be at least the minimum.")))
        for size, count in self.size_requirements.items():
            if not size:
                refuse("size_requirements", str(_("A required size needs a name.")))
            if count < 0:
                refuse(
                    "size_requirements",
                    _("The requirement for size %(size)s cannot be negative.") % {"size": size},
                )
        if any(sub.replaces not in self.size_requirements for sub in self.substitutions):
            refuse("substitutions", str(_SUBSTITUTION_ERROR))
        if errors:
            raise RuleError(errors)

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
            "report_min_words": self.report_min_words,
            "report_max_words": self.report_max_words,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSet:
        """The inverse of `to_dict`; unknown keys are a TypeError, missing ones take defaults.

        Rules the engine cannot hold raise `RuleError`. Copies kept before the word range was
        part of the rules lack its two keys; a data migration gave every enrolment its
        programme's range then, so the defaults only stand in for hand-written dicts.
        """
        values = dict(data)
        try:
            values["substitutions"] = tuple(
                Substitution(**sub) for sub in values.get("substitutions", ())
            )
        except (TypeError, ValueError) as error:
            raise RuleError({"substitutions": [str(_SUBSTITUTION_ERROR)]}) from error
        return cls(**values)

    @classmethod
    def errors_in(cls, data: Mapping[str, Any]) -> dict[str, list[str]]:
        """What keeps `data` (as `to_dict` gives it) from being rules, by field; {} for nothing.

        The one check of the rules: a programme's `clean()`, and through it the rules form,
        ask this.
        """
        try:
            cls.from_dict(data)
        except RuleError as error:
            return error.errors
        return {}

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


DEFAULT_RULES = RuleSet()


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
