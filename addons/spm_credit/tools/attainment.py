from odoo.tools import SQL


def attainment_percent(achieved, target, no_target=0.0):
    """Attainment in percent: ``achieved`` over ``target``, times 100.

    The one formula of the dashboard, the credit report and (through
    :func:`attainment_percent_sql`) the achievement analysis. Without a
    target there is no percentage: ``no_target`` is returned instead, 0.0 as
    every caller shows today.
    """
    return achieved * 100.0 / target if target else no_target


def attainment_percent_sql(achieved, target, no_target=0.0):
    """:func:`attainment_percent` in SQL, ``achieved`` and ``target`` being
    ``SQL`` expressions (the sums of a group)."""
    return SQL("COALESCE(%s * 100.0 / NULLIF(%s, 0), %s)", achieved, target, no_target)
