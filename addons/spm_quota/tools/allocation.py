"""Exact allocation of an amount over weights: the one rule every caller uses.

Quota distribution over months and credit allocation over team splits both
need parts that are rounded to the currency and still add up to the whole
amount to the cent. The largest remainder method does that: every part gets
the floor of its exact value in currency units, and the units left over go,
one each, to the parts with the largest fractional remainders (earlier parts
first on ties, so the result is deterministic).
"""

from decimal import ROUND_HALF_UP, Decimal


def allocate_amount(amount, weights, rounding=0.01):
    """Split ``amount`` in proportion to ``weights``, rounded to ``rounding``.

    :param float amount: the amount to split (may be negative)
    :param list weights: non-negative numbers, at least one of them positive
    :param float rounding: the currency's rounding (0.01 for cents)
    :return: a list of floats, one per weight, whose sum is exactly ``amount``
             rounded to ``rounding``
    """
    weights = [Decimal(str(w)) for w in weights]
    total_weight = sum(weights)
    if not weights or total_weight <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative with a positive sum")
    step = Decimal(str(rounding))
    units = (Decimal(str(amount)) / step).to_integral_value(ROUND_HALF_UP)
    sign = -1 if units < 0 else 1
    units = abs(units)
    exact = [units * w / total_weight for w in weights]
    parts = [int(e) for e in exact]
    left = int(units) - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return [float(sign * p * step) for p in parts]
