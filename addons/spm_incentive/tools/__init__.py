from .payout import Payout, compute_payout, to_decimal, weighted_measure
from .periods import (
    PERIOD_MONTHS,
    covered_fraction,
    is_period_start,
    months_covered,
    period_bounds,
    period_months,
)
from .rules import PlanRules
