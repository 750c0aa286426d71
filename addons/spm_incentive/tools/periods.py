"""Periods of incentive plans: whole months, quarters or years."""

from decimal import Decimal

from dateutil.relativedelta import relativedelta

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_bounds(day, period_type):
    """The first and last day of the ``period_type`` period holding ``day``."""
    length = PERIOD_MONTHS[period_type]
    start = day.replace(day=1, month=(day.month - 1) // length * length + 1)
    return start, start + relativedelta(months=length, days=-1)


def is_period_start(day, period_type):
    """Whether ``day`` is the first day of a ``period_type`` period."""
    return period_bounds(day, period_type)[0] == day


def period_months(start, end):
    """The first days of the months from ``start`` to ``end``."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    return months


def months_covered(months, date_from, date_to):
    """The ``months`` (first days) with at least one day from ``date_from``
    to ``date_to`` (open-ended when ``date_to`` is empty)."""
    return [
        month
        for month in months
        if date_from <= month + relativedelta(months=1, days=-1) and (not date_to or date_to >= month)
    ]


def covered_fraction(start, end, date_from, date_to):
    """The share (a Decimal in [0, 1]) of the days from ``start`` to ``end``
    that fall from ``date_from`` to ``date_to`` (open-ended when empty)."""
    first, last = max(start, date_from), min(end, date_to) if date_to else end
    if last < first:
        return Decimal(0)
    return Decimal((last - first).days + 1) / Decimal((end - start).days + 1)
