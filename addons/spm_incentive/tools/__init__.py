from .payout import Payout, compute_payout, to_decimal, weighted_measure
from .periods import PERIOD_MONTHS, is_period_start, period_bounds, period_months
