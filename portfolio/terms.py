"""Terms of the academic year, for a student's expected completion.

Spring runs January to June and autumn July to December; a term is over once its last day has
passed. A student signing up is offered the term now running and those after it, and the form
starts at the same term one year ahead: the certificate takes at least a year of activities,
a report and a presentation, so a completion sooner than that is rarely what a student means.
"""

from __future__ import annotations

import datetime

from portfolio.models import Enrolment

Term = Enrolment.Term
# The first month of each term, in the order they come in a year.
_STARTS = {Term.SPRING: 1, Term.AUTUMN: 7}


def current_term(today: datetime.date) -> tuple[str, int]:
    """The term (and its year) that ``today`` falls in."""
    return (Term.SPRING if today.month < _STARTS[Term.AUTUMN] else Term.AUTUMN), today.year


def is_over(term: str, year: int, *, today: datetime.date) -> bool:
    """Whether the term's last day is before ``today``."""
    now_term, now_year = current_term(today)
    return (year, _STARTS[Term(term)]) < (now_year, _STARTS[Term(now_term)])


def default_completion(today: datetime.date) -> tuple[str, int]:
    """What the sign-up form proposes: the current term, one year later."""
    term, year = current_term(today)
    return term, year + 1


def offered_years(today: datetime.date) -> list[int]:
    """This year and the six after it: no year already over."""
    return list(range(today.year, today.year + 7))
