"""The certificate rules engine, on the rules real programmes use. No database needed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from activities.rules import (
    CompletedEntry,
    Location,
    Progress,
    RuleError,
    RuleSet,
    Substitution,
    evaluate,
)

HOME, ABROAD = Location.HOME, Location.ABROAD

OSLOMET = RuleSet(min_activities=3, min_home=1, min_abroad=1, career_course_required=True)
LUND = RuleSet(min_activities=3, min_home=1, min_abroad=0)
LUND_HUMANITIES = RuleSet(
    min_activities=3,
    min_home=0,
    min_abroad=0,
    presentation_required=False,
    size_requirements={"A": 1, "B": 2},
    substitutions=(Substitution(size="C", count=3, replaces="B"),),
)


def entry(
    key: str | int,
    location: Location = HOME,
    *,
    size: str | None = None,
    engagements: int = 1,
    engagements_required: int = 1,
) -> CompletedEntry:
    return CompletedEntry(
        activity_key=key,
        location=location,
        engagements=engagements,
        engagements_required=engagements_required,
        size=size,
        label=f"Activity {key}",
    )


def sized(*sizes: str) -> list[CompletedEntry]:
    """One distinct activity per size given, e.g. sized("A", "B", "C")."""
    return [entry(f"{size}{i}", size=size) for i, size in enumerate(sizes)]


def codes(progress: Progress) -> dict[str, int]:
    return {s.code: s.missing for s in progress.shortfalls}


# --- Counts ----------------------------------------------------------------------------------


def test_oslomet_student_with_home_and_abroad_activities_career_course_and_presentation_is_done():
    entries = [entry("buddy"), entry("language-cafe"), entry("exchange", ABROAD)]
    progress = evaluate(OSLOMET, entries, career_course_done=True, presentation_done=True)
    assert (progress.counted, progress.home, progress.abroad) == (3, 2, 1)
    assert progress.shortfalls == ()
    assert progress.activities_complete
    assert progress.complete


def test_oslomet_student_without_the_career_course_has_activities_complete_but_not_certificate():
    entries = [entry("buddy"), entry("language-cafe"), entry("exchange", ABROAD)]
    progress = evaluate(OSLOMET, entries, presentation_done=True)
    assert progress.activities_complete
    assert not progress.complete
    assert codes(progress) == {"career_course": 1}


def test_oslomet_student_with_only_home_activities_still_needs_one_abroad():
    progress = evaluate(OSLOMET, [entry(1), entry(2), entry(3)])
    assert codes(progress) == {"abroad": 1, "career_course": 1, "presentation": 1}
    assert not progress.activities_complete


def test_lund_student_with_three_home_activities_completes_because_abroad_is_optional():
    progress = evaluate(LUND, [entry(1), entry(2), entry(3)], presentation_done=True)
    assert progress.complete
    assert progress.abroad == 0


def test_same_catalogue_activity_twice_counts_as_one_different_activity():
    progress = evaluate(OSLOMET, [entry("buddy"), entry("buddy"), entry("exchange", ABROAD)])
    assert progress.counted == 2
    assert [a.activity_key for a in progress.activities] == ["buddy", "exchange"]
    assert codes(progress)["activities"] == 1


def test_first_entry_decides_location_of_an_activity_entered_twice():
    progress = evaluate(OSLOMET, [entry("x", HOME), entry("x", ABROAD)])
    assert progress.activities[0].location == HOME
    assert (progress.home, progress.abroad) == (1, 0)


def test_entry_location_may_be_given_as_plain_text():
    # Plain text is what the test is about; the field is typed as what __post_init__ makes of it.
    entry = CompletedEntry(activity_key=1, location="abroad")  # type: ignore[arg-type]
    assert entry.location is Location.ABROAD


# --- Engagements -----------------------------------------------------------------------------


def guest_lecture(engagements: int = 1) -> CompletedEntry:
    return entry("guest-lecture", engagements=engagements, engagements_required=3)


def test_three_guest_lectures_on_different_dates_count_as_one_activity():
    progress = evaluate(LUND, [guest_lecture(), guest_lecture(), guest_lecture()])
    assert progress.counted == 1
    assert len(progress.activities) == 1
    assert progress.activities[0].counted


def test_two_of_three_guest_lectures_are_reported_as_partial_progress_but_not_counted():
    progress = evaluate(LUND, [guest_lecture(), guest_lecture()])
    (lectures,) = progress.activities
    assert (lectures.engagements, lectures.engagements_required) == (2, 3)
    assert not lectures.counted
    assert progress.counted == 0
    assert codes(progress)["activities"] == 3


def test_engagements_beyond_the_requirement_still_count_the_activity_once():
    progress = evaluate(LUND, [guest_lecture(2), guest_lecture(2), guest_lecture()])
    assert progress.activities[0].engagements == 5
    assert progress.counted == 1


def test_an_activity_with_no_engagements_yet_is_listed_but_not_counted():
    progress = evaluate(LUND, [entry("lectures", engagements=0, engagements_required=3)])
    assert len(progress.activities) == 1
    assert progress.counted == 0


# --- Sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        (("A", "B", "B"), {}),
        (("A", "B", "C", "C", "C"), {}),
        (("A", "B", "C", "C"), {"size:B": 1}),
        (("A", "C", "C", "C"), {"size:B": 1}),
        (("B", "B", "B"), {"size:A": 1}),
        (("C", "C", "C", "C", "C", "C"), {"size:A": 1}),
        ((), {"activities": 3, "size:A": 1, "size:B": 2}),
    ],
)
def test_lund_humanities_size_requirements_with_three_c_replacing_one_b(
    sizes: tuple[str, ...], expected: dict[str, int]
):
    assert codes(evaluate(LUND_HUMANITIES, sized(*sizes))) == expected


def test_c_activities_used_for_their_own_requirement_cannot_also_replace_a_b():
    rules = RuleSet(
        min_home=0,
        min_abroad=0,
        size_requirements={"B": 1, "C": 1},
        substitutions=(Substitution("C", 3, "B"),),
        presentation_required=False,
    )
    assert codes(evaluate(rules, sized("C", "C", "C"))) == {"size:B": 1}
    assert codes(evaluate(rules, sized("C", "C", "C", "C"))) == {}


def test_the_same_c_activities_cannot_replace_two_required_activities():
    rules = RuleSet(
        min_home=0,
        min_abroad=0,
        size_requirements={"A": 1, "B": 1},
        substitutions=(Substitution("C", 3, "A"), Substitution("C", 3, "B")),
        presentation_required=False,
    )
    assert sum(codes(evaluate(rules, sized("C", "C", "C"))).values()) == 1
    assert codes(evaluate(rules, sized(*"CCCCCC"))) == {}


def test_spare_activities_are_substituted_where_they_leave_the_fewest_missing():
    rules = RuleSet(
        min_home=0,
        min_abroad=0,
        size_requirements={"A": 1, "B": 3},
        substitutions=(Substitution("C", 3, "A"), Substitution("C", 1, "B")),
        presentation_required=False,
    )
    assert codes(evaluate(rules, sized("C", "C", "C"))) == {"size:A": 1}


def test_size_rules_apply_in_addition_to_the_count_rules():
    rules = RuleSet(min_activities=4, min_home=1, min_abroad=1, size_requirements={"A": 1})
    progress = evaluate(rules, [entry(1, size="A"), entry(2, ABROAD)], presentation_done=True)
    assert codes(progress) == {"activities": 2}


def test_only_counted_activities_fill_a_size_requirement():
    partial = entry("lectures", size="A", engagements=1, engagements_required=3)
    assert codes(evaluate(LUND_HUMANITIES, [partial, *sized("B", "B")])) == {
        "activities": 1,
        "size:A": 1,
    }


# --- Messages and completion -----------------------------------------------------------------


def test_shortfalls_carry_codes_and_readable_messages_in_rule_order():
    rules = RuleSet(
        min_activities=4,
        min_home=1,
        min_abroad=2,
        size_requirements={"A": 1},
        career_course_required=True,
    )
    progress = evaluate(rules, [entry(1, ABROAD)])
    assert [(s.code, s.missing, s.message) for s in progress.shortfalls] == [
        ("activities", 3, "3 more activities"),
        ("home", 1, "1 more activity at home"),
        ("abroad", 1, "1 more activity abroad"),
        ("size:A", 1, "1 more activity of size A"),
        ("career_course", 1, "Complete the career course"),
        ("presentation", 1, "Give the final presentation"),
    ]
    assert all(type(s.message) is str for s in progress.shortfalls)


@pytest.mark.parametrize("career_required", [True, False])
@pytest.mark.parametrize("presentation_required", [True, False])
@pytest.mark.parametrize("career_done", [True, False])
@pytest.mark.parametrize("presentation_done", [True, False])
def test_complete_requires_career_course_and_presentation_only_when_the_rules_do(
    career_required: bool, presentation_required: bool, career_done: bool, presentation_done: bool
):
    rules = RuleSet(
        career_course_required=career_required, presentation_required=presentation_required
    )
    progress = evaluate(
        rules,
        [entry(1), entry(2), entry(3, ABROAD)],
        career_course_done=career_done,
        presentation_done=presentation_done,
    )
    assert progress.activities_complete
    expected = (career_done or not career_required) and (
        presentation_done or not presentation_required
    )
    assert progress.complete is expected


# --- Validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: RuleSet(min_activities=-1, min_home=0, min_abroad=0), "min_activities"),
        (lambda: RuleSet(min_home=-1), "min_home"),
        (lambda: RuleSet(min_abroad=-1), "min_abroad"),
        (
            lambda: RuleSet(min_activities=2, min_home=2, min_abroad=1),
            "cannot be more than the number of activities",
        ),
        (lambda: RuleSet(size_requirements={"A": -1}), "negative"),
        (lambda: RuleSet(size_requirements={"": 1}), "needs a name"),
        (lambda: Substitution("C", 0, "B"), "at least 1"),
        (lambda: Substitution("B", 2, "B"), "cannot replace itself"),
        (
            lambda: RuleSet(size_requirements={"A": 1}, substitutions=(Substitution("C", 3, "B"),)),
            "must replace one of the required sizes",
        ),
        (lambda: entry(1, engagements=-1), "engagements cannot be negative"),
        (lambda: entry(1, engagements_required=0), "engagements_required"),
        # A wrong location on purpose: the check at run time is what is tested.
        (lambda: CompletedEntry(activity_key=1, location="moon"), "moon"),  # type: ignore[arg-type]
    ],
)
def test_invalid_rules_and_entries_are_refused_with_a_clear_message(
    make: Callable[[], object], message: str
):
    with pytest.raises(ValueError, match=message):
        make()


def test_rule_set_keeps_its_own_read_only_copy_of_the_size_requirements():
    sizes = {"A": 1}
    rules = RuleSet(size_requirements=sizes)
    sizes["A"] = 5
    assert rules.size_requirements["A"] == 1
    with pytest.raises(TypeError):
        rules.size_requirements["A"] = 2  # type: ignore[index]  # read-only: what is tested
    assert hash(rules) == hash(RuleSet(size_requirements={"A": 1}))
    assert rules == RuleSet(size_requirements={"A": 1})


def test_every_problem_in_the_rules_is_named_by_field_at_once():
    with pytest.raises(RuleError) as refused:
        RuleSet(
            min_activities=2,
            min_home=2,
            min_abroad=1,
            size_requirements={"A": 1},
            substitutions=(Substitution("C", 3, "B"),),
            report_min_words=800,
            report_max_words=600,
        )
    assert sorted(refused.value.errors) == ["min_activities", "report_max_words", "substitutions"]
    assert refused.value.errors["report_max_words"] == ["The maximum must be at least the minimum."]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {}),
        ({"min_home": 2, "min_abroad": 2}, {"min_activities": ["At home and abroad"]}),
        ({"report_min_words": -1}, {"report_min_words": ["This cannot be negative."]}),
        ({"report_min_words": 1001}, {"report_max_words": ["The maximum must be at least"]}),
        (
            {
                "size_requirements": {"B": 1},
                "substitutions": [{"size": "C", "count": 0, "replaces": "B"}],
            },
            {"substitutions": ["Each substitution must replace"]},
        ),
    ],
)
def test_errors_in_rules_as_kept_are_given_by_field(data: dict, errors: dict[str, list[str]]):
    found = RuleSet.errors_in(data)
    assert sorted(found) == sorted(errors)
    for name, starts in errors.items():
        assert [m[: len(s)] for m, s in zip(found[name], starts, strict=True)] == starts


def test_the_word_range_is_kept_with_the_rules_and_defaults_for_older_copies():
    rules = RuleSet(report_min_words=200, report_max_words=400)
    assert RuleSet.from_dict(rules.to_dict()) == rules
    older = {k: v for k, v in rules.to_dict().items() if not k.startswith("report_")}
    assert RuleSet.from_dict(older).report_min_words == RuleSet().report_min_words == 500
    assert RuleSet.from_dict(older).report_max_words == RuleSet().report_max_words == 1000


# --- Description -----------------------------------------------------------------------------


def test_describe_says_going_abroad_is_optional_when_no_activity_abroad_is_required():
    assert "Going abroad is optional." in LUND.describe()
    assert "Going abroad is optional." not in OSLOMET.describe()


def test_describe_lists_every_rule_in_plain_words():
    assert OSLOMET.describe() == [
        "At least 3 different activities.",
        "At least 1 of them at home.",
        "At least 1 of them abroad.",
        "The CIL career course is required.",
        "A final presentation is required.",
    ]
    assert LUND_HUMANITIES.describe() == [
        "At least 3 different activities.",
        "Going abroad is optional.",
        "At least 1 activity of size A.",
        "At least 2 activities of size B.",
        "3 activities of size C can replace one of size B.",
    ]


# --- Progress bar ----------------------------------------------------------------------------


@pytest.mark.parametrize("rules", [OSLOMET, LUND, LUND_HUMANITIES])
def test_fraction_is_zero_with_nothing_done(rules: RuleSet):
    assert evaluate(rules, []).fraction == 0


@pytest.mark.parametrize(
    ("rules", "entries"),
    [
        (OSLOMET, [entry(1), entry(2), entry(3, ABROAD)]),
        (LUND, [entry(1), entry(2), entry(3)]),
        (LUND_HUMANITIES, sized("A", "B", "C", "C", "C")),
    ],
)
def test_fraction_is_one_when_the_activities_are_complete(
    rules: RuleSet, entries: list[CompletedEntry]
):
    progress = evaluate(rules, entries)
    assert progress.activities_complete
    assert progress.fraction == 1


def test_fraction_counts_what_is_still_needed_not_what_is_done():
    # A third activity at home brings the student no closer: one abroad is still missing.
    assert evaluate(OSLOMET, [entry(1), entry(2)]).fraction == pytest.approx(2 / 3)
    assert evaluate(OSLOMET, [entry(1), entry(2), entry(3)]).fraction == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("rules", "entries"),
    [
        (OSLOMET, [entry(1), entry(2), entry(3), guest_lecture(), entry(9, ABROAD)]),
        (LUND_HUMANITIES, sized(*"CCBCCCCAB")),
        (LUND_HUMANITIES, [guest_lecture(), *sized("A", "B"), guest_lecture(2), *sized("B")]),
    ],
)
def test_fraction_never_falls_as_entries_are_added(rules: RuleSet, entries: list[CompletedEntry]):
    fractions = [evaluate(rules, entries[:n]).fraction for n in range(len(entries) + 1)]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0
    assert fractions[-1] == 1
