"""The payout rules of a plan version as plain values.

A version's rules (measure, weights, payout table and options) are read once
for all the versions a computation pays by (``spm.incentive.plan.version``'s
``_rules``), then applied here to every assignment and month without a query:
the earnings of a salesperson, of every salesperson of a company and the
clawbacks of statements all weigh and pay credit through these methods.
"""

from dataclasses import dataclass

from .payout import compute_payout


@dataclass(frozen=True)
class PlanRules:
    """The rules of one version.

    ``tiers``: ``[(lower bound %, rate %)]``; ``unit_weights``: {business unit
    id: weight %}; ``categ_weights``: ``[(category id, category parent_path,
    weight %)]``; the other fields are the version's (floats as the ORM reads
    them), ``rounding`` its currency's.
    """

    measure: str
    collected_weight: float
    credit_source: str
    default_weight: float
    mode: str
    basis: str
    threshold: float
    cap_attainment: float
    cap_amount: float
    rounding: float
    tiers: tuple
    unit_weights: dict
    categ_weights: tuple

    def needs_lines(self):
        """Whether the measure needs the credit lines (weights by product
        category, or one source of sales), not only the monthly aggregate."""
        return self.credit_source != "all" or bool(self.categ_weights)

    def source_matches_credit(self, secondary):
        """Whether credit on secondary sales (``secondary``) or primary counts in the measure."""
        return self.credit_source == "all" or (self.credit_source == "secondary") == bool(secondary)

    def weight(self, unit_id, categ_path=None):
        """The weight (%) of credit in ``unit_id`` on a product whose category's
        ``parent_path`` is ``categ_path``: the most specific category's weight,
        else the unit's, else the default."""
        if categ_path:
            best = None
            for categ_id, path, weight in self.categ_weights:
                if f"/{categ_id}/" in f"/{categ_path}" and (best is None or len(path) > len(best[0])):
                    best = (path, weight)
            if best:
                return best[1]
        return self.unit_weights.get(unit_id, self.default_weight)

    def measure_of(self, achieved, collected):
        """The measure of ``achieved`` and ``collected`` credit (decimals)."""
        if self.measure == "achieved":
            return achieved
        if self.measure == "collected":
            return collected
        share = type(achieved)(str(self.collected_weight))
        return (achieved * (100 - share) + collected * share) / 100

    def payout(self, measure, target, target_incentive):
        """The :func:`compute_payout` of ``measure`` against ``target`` by these rules."""
        return compute_payout(
            measure,
            target,
            self.tiers,
            target_incentive=target_incentive,
            mode=self.mode,
            basis=self.basis,
            threshold=self.threshold,
            cap_attainment=self.cap_attainment or None,
            cap_amount=self.cap_amount or None,
            rounding=self.rounding,
        )
