"""Periods of incentive plans: whole months, quarters or years."""

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
