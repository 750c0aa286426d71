"""What a credited document line says about itself to the credit engine."""

from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any


@dataclass(frozen=True, slots=True)
class CreditDescriptor:
    """One source line described for credit allocation: built by the source
    model's ``_spm_credit_descriptors`` (see ``spm.credit.source.mixin``), read
    by the engine, the source's targets and the credit issues.

    Records are recordsets (empty when absent); ``amount`` is signed, untaxed,
    in company currency.
    """

    # The document line credited (sale.order.line, account.move.line, ...).
    source: Any
    # Its document (order, invoice, billing): what credit issues point at.
    document: Any
    # The document's number, shown on the credit lines.
    origin: str
    company: Any
    # The partner whose assignments decide who is credited (a commercial entity).
    account: Any
    # The partner the credit lines name as customer.
    customer: Any
    product: Any
    # The sales team: the business unit's when no product category decides.
    team: Any
    date: Date
    amount: float
    # Whether the document is in a state that earns credit (else no credit issue).
    creditable: bool
    # Values of the credit lines' fields that the source sets: the links to the
    # source line and its document, and what an addon adds (the distributor).
    links: dict = field(default_factory=dict)
    # From the document's currency to the company's, for targets that convert.
    rate: float = 1.0
