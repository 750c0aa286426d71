"""The payout arithmetic of incentive plans, in one pure function.

No ORM here: the function takes numbers and returns numbers, so that every
figure of a statement, of the dashboard and of a what-if is the same
computation, tested to the cent. Everything is ``Decimal``; the only rounding
is the currency's, once, at the end.

Tiers are ``(lower_bound, rate)``: the lower bound is an attainment
percentage, the rate a percentage. A tier runs from its lower bound to the
next tier's; the last one has no upper bound. Measure below the first tier's
lower bound earns nothing.

- ``basis="measure"``: the rate is a percentage of the measure;
  ``basis="target_incentive"``: a percentage of the target incentive amount
  per 100 % of attainment (100 % attainment at a rate of 100 % pays the whole
  target incentive amount).
- ``mode="marginal"``: each tier's rate applies to the part of the measure
  (or of the attainment) inside that tier; ``mode="retroactive"``: the
  reached tier's rate applies to all of it.
- ``threshold``: below this attainment nothing is paid.
- ``cap_attainment``: attainment counts up to this percentage (the measure
  above it earns nothing); ``cap_amount``: the pay never exceeds it.
"""

from collections import namedtuple
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)

Payout = namedtuple(
    "Payout",
    "amount attainment tier_index tier_rate next_tier_gap next_tier_rate capped",
    defaults=(None,) * 7,
)
Payout.__doc__ = """The result of :func:`compute_payout`.

amount: the pay, rounded to the currency; attainment: the measure over the
target in percent (unrounded, ``None`` without a target); tier_index: the index
of the tier reached (``None`` below the first); tier_rate: its rate;
next_tier_gap: how much more measure reaches the next tier (``None`` on the
last tier); next_tier_rate: that tier's rate; capped: whether a cap cut the pay.
"""


def to_decimal(value):
    """``value`` as an exact ``Decimal`` (floats through their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value or 0))


def weighted_measure(parts):
    """The measure of ``parts`` [(amount, weight %)]: the sum of each amount
    times its weight, exact."""
    return sum((to_decimal(amount) * to_decimal(weight) / HUNDRED for amount, weight in parts), Decimal(0))


def compute_payout(
    measure,
    target,
    tiers,
    *,
    mode="marginal",
    basis="measure",
    target_incentive=0,
    threshold=0,
    cap_attainment=None,
    cap_amount=None,
    rounding="0.01",
):
    """Pay for ``measure`` against ``target`` on the payout table ``tiers``.

    :param measure: the period's (weighted) measure
    :param target: the period's target; without one (zero) nothing is paid
    :param tiers: ``[(lower_bound %, rate %)]``, any order, bounds distinct
    :param mode: ``"marginal"`` or ``"retroactive"``
    :param basis: ``"measure"`` or ``"target_incentive"``
    :param target_incentive: the target incentive amount (``target_incentive`` basis)
    :param threshold: attainment % below which nothing is paid
    :param cap_attainment: attainment % counted at most (falsy: no cap)
    :param cap_amount: the most paid (falsy: no cap)
    :param rounding: the currency's rounding step
    :rtype: Payout
    """
    if mode not in ("marginal", "retroactive") or basis not in ("measure", "target_incentive"):
        raise ValueError("unknown mode or basis")
    measure, target = to_decimal(measure), to_decimal(target)
    tiers = sorted((to_decimal(lower), to_decimal(rate)) for lower, rate in tiers)
    step = to_decimal(rounding)
    zero = Decimal(0).quantize(step)
    if target <= 0:
        return Payout(zero, None)
    attainment = measure * HUNDRED / target
    reached = [i for i, (lower, _rate) in enumerate(tiers) if attainment >= lower]
    tier_index = reached[-1] if reached else None
    following = tiers[tier_index + 1] if tier_index is not None and tier_index + 1 < len(tiers) else None
    if tier_index is None and tiers:
        following = tiers[0]
    next_gap = (
        max(following[0] * target / HUNDRED - measure, Decimal(0)).quantize(step) if following else None
    )
    result = {
        "attainment": attainment,
        "tier_index": tier_index,
        "tier_rate": tiers[tier_index][1] if tier_index is not None else None,
        "next_tier_gap": next_gap,
        "next_tier_rate": following[1] if following else None,
    }
    if tier_index is None or measure <= 0 or attainment < to_decimal(threshold):
        return Payout(zero, capped=False, **result)
    counted = min(attainment, to_decimal(cap_attainment)) if cap_attainment else attainment
    capped = counted < attainment
    # What a rate multiplies per percentage point of attainment.
    per_point = target / HUNDRED if basis == "measure" else to_decimal(target_incentive) / HUNDRED
    if mode == "retroactive":
        pay = counted * per_point * tiers[tier_index][1] / HUNDRED
    else:
        pay = Decimal(0)
        for i, (lower, rate) in enumerate(tiers):
            upper = tiers[i + 1][0] if i + 1 < len(tiers) else None
            top = counted if upper is None else min(counted, upper)
            if top > lower:
                pay += (top - lower) * per_point * rate / HUNDRED
    if cap_amount and pay > to_decimal(cap_amount):
        pay, capped = to_decimal(cap_amount), True
    return Payout(pay.quantize(step, rounding=ROUND_HALF_UP), capped=capped, **result)
