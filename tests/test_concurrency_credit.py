"""Concurrent crediting keeps every figure exact.

Several threads, each with its own database cursor and commits, confirm,
cancel, invoice, pay and unreconcile orders of the same customers and
salespersons, and validate a distributor's secondary billings, at the same
time against the real PostgreSQL. Serialization
failures are retried the way Odoo retries a request. Afterwards every
salesperson's credit and collected amount must equal a recomputation from the
source documents to the cent, no source may be credited twice, and the
monthly aggregate must equal the credit lines it sums.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import defaultdict
from datetime import date, timedelta

import pytest

WORKERS = 4
OPERATIONS_PER_WORKER = 12
MAX_TRIES = 20
SHARES = (60.0, 40.0)


@pytest.fixture(scope="module")
def registry(odoo_registry):
    # Serialization failures are expected here, and retried: not errors to log.
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    return odoo_registry


def _transaction(registry, func, stats):
    """Run ``func(env)`` in a transaction of its own, retried on serialization
    failures like an Odoo request; business refusals (UserError) are no-ops."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.exceptions import UserError  # noqa: PLC0415
    from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY  # noqa: PLC0415

    for attempt in range(1, MAX_TRIES + 1):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                result = func(env)
                env.flush_all()
            stats["committed"] += 1
            return result
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            stats["retried"] += 1
            time.sleep(random.uniform(0.0, 0.05 * 2**attempt))
        except UserError:
            stats["refused"] += 1
            return None
    raise AssertionError(f"still failing after {MAX_TRIES} tries")


def _setup(env):
    """A unit credited on invoices, one on orders, three customers split 60/40."""
    tag = f"{time.time_ns() % 10**9}"  # the test can run again on the same database
    Category = env["product.category"]
    by_invoice, by_order = (
        Category.create({"name": "Conc. invoiced"}),
        Category.create({"name": "Conc. ordered"}),
    )
    units = env["spm.business.unit"].create(
        [
            {
                "name": "Conc. invoice unit",
                "code": f"CONC-I-{tag}",
                "credit_basis": "invoice",
                "product_category_ids": [(6, 0, by_invoice.ids)],
            },
            {
                "name": "Conc. order unit",
                "code": f"CONC-O-{tag}",
                "credit_basis": "order",
                "product_category_ids": [(6, 0, by_order.ids)],
            },
        ]
    )
    users = env["res.users"].create(
        [
            {
                "name": f"Conc. salesperson {i}",
                "login": f"conc_sales_{tag}_{i}",
                "groups_id": [(4, env.ref("spm_quota.group_spm_salesperson").id)],
            }
            for i in range(2)
        ]
    )
    customers = env["res.partner"].create(
        [
            {
                "name": f"Conc. customer {i}",
                "is_company": True,
                "spm_assignment_ids": [
                    (0, 0, {"user_id": user.id, "share": share, "date_from": "2000-01-01"})
                    for user, share in zip(users, SHARES, strict=True)
                ],
            }
            for i in range(3)
        ]
    )
    products = env["product.product"].create(
        [
            {
                "name": "Conc. invoiced product",
                "categ_id": by_invoice.id,
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
            },
            {
                "name": "Conc. ordered product",
                "categ_id": by_order.id,
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
            },
        ]
    )
    distributor = env["res.partner"].create(
        {
            "name": f"Conc. distributor {tag}",
            "is_company": True,
            "is_distributor": True,
            "spm_assignment_ids": [
                (0, 0, {"user_id": user.id, "share": share, "date_from": "2000-01-01"})
                for user, share in zip(users, SHARES, strict=True)
            ],
        }
    )
    return {
        "units": units.ids,
        "users": users.ids,
        "customers": customers.ids,
        "products": products.ids,
        "distributor": distributor.id,
        "tag": tag,
    }


def _operations(data):
    def create_order(env, rng):
        order = env["sale.order"].create(
            {
                "partner_id": rng.choice(data["customers"]),
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product,
                            "product_uom_qty": rng.randint(1, 9),
                            "price_unit": 10.0 * rng.randint(1, 20),
                        },
                    )
                    for product in data["products"]
                ],
            }
        )
        order.action_confirm()

    def pick(env, rng, model, domain):
        records = env[model].search(domain)
        return records.browse(rng.choice(records.ids)) if records else None

    def cancel_order(env, rng):
        order = pick(
            env,
            rng,
            "sale.order",
            [("partner_id", "in", data["customers"]), ("state", "=", "sale"), ("invoice_ids", "=", False)],
        )
        if order:
            order._action_cancel()

    def invoice_order(env, rng):
        order = pick(
            env,
            rng,
            "sale.order",
            [
                ("partner_id", "in", data["customers"]),
                ("state", "=", "sale"),
                ("invoice_status", "=", "to invoice"),
            ],
        )
        if order:
            order._create_invoices().action_post()

    def pay_invoice(env, rng):
        invoice = pick(
            env,
            rng,
            "account.move",
            [
                ("partner_id", "in", data["customers"]),
                ("state", "=", "posted"),
                ("payment_state", "=", "not_paid"),
            ],
        )
        if invoice:
            amount = invoice.amount_total if rng.random() < 0.5 else invoice.amount_total / 2
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount})._create_payments()

    def unreconcile(env, rng):
        invoice = pick(
            env,
            rng,
            "account.move",
            [
                ("partner_id", "in", data["customers"]),
                ("payment_state", "in", ("partial", "paid", "in_payment")),
            ],
        )
        if invoice:
            invoice.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).remove_move_reconcile()

    def report_secondary_sale(env, rng):
        """The distributor reports a sale to a retailer: validated (and credited) on submission."""
        Billing = env["spm.secondary.billing"]
        products = env["product.product"].browse(data["products"])
        billing = {
            "bill_number": f"CONC-{data['tag']}-{rng.randrange(10**9)}",
            "bill_date": date.today() - timedelta(days=1),
            "retailer": f"Conc. shop {rng.randrange(3)}",
            "lines": [
                {"product": product, "quantity": rng.randint(1, 9), "price_unit": 10.0 * rng.randint(1, 20)}
                for product in products
            ],
        }
        prepared, errors = Billing._check_billings([billing], env["res.partner"].browse(data["distributor"]))
        assert not errors, errors
        Billing._create_checked(prepared, "api", submit=True)

    return [create_order] * 4 + [
        report_secondary_sale,
        report_secondary_sale,
        cancel_order,
        invoice_order,
        invoice_order,
        pay_invoice,
        pay_invoice,
        unreconcile,
    ]


def _expected(env, data):
    """Credit and collected per salesperson, recomputed from the documents."""
    shares = dict(zip(data["users"], SHARES, strict=True))
    invoice_product, order_product = data["products"]
    achieved, collected = defaultdict(float), defaultdict(float)
    for move in env["account.move"].search(
        [("partner_id", "in", data["customers"]), ("state", "=", "posted")]
    ):
        paid = 1.0 - move.amount_residual / move.amount_total
        for line in move.invoice_line_ids.filtered(lambda line: line.product_id.id == invoice_product):
            for user, share in shares.items():
                achieved[user] += line.price_subtotal * share / 100
                collected[user] += line.price_subtotal * share / 100 * paid
    order_lines = env["sale.order.line"].search(
        [
            ("order_id.partner_id", "in", data["customers"]),
            ("order_id.state", "=", "sale"),
            ("product_id", "=", order_product),
        ]
    )
    for line in order_lines:
        posted = line.invoice_lines.filtered(lambda inv: inv.parent_state == "posted")
        for user, share in shares.items():
            achieved[user] += line.price_subtotal * share / 100
            for inv_line in posted:
                move = inv_line.move_id
                collected[user] += (
                    inv_line.price_subtotal * share / 100 * (1.0 - move.amount_residual / move.amount_total)
                )
    billings = env["spm.secondary.billing"].search(
        [
            ("distributor_id", "=", data["distributor"]),
            ("state", "=", "validated"),
        ]
    )
    for line in billings.line_ids:
        for user, share in shares.items():
            achieved[user] += line.price_subtotal * share / 100
    return ({u: round(v, 2) for u, v in achieved.items()}, {u: round(v, 2) for u, v in collected.items()})


def test_concurrent_orders_invoices_and_payments_credit_exactly(registry):
    stats = defaultdict(int)
    data = _transaction(registry, _setup, stats)
    operations = _operations(data)
    errors = []

    def worker(seed):
        rng = random.Random(seed)
        try:
            for _ in range(OPERATIONS_PER_WORKER):
                operation = rng.choice(operations)
                _transaction(registry, lambda env, op=operation: op(env, rng), stats)
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors
    print(
        f"\n{WORKERS} connections, {stats['committed']} transactions committed, "
        f"{stats['retried']} serialization failures retried, {stats['refused']} refused"
    )

    def check(env):
        Credit = env["spm.credit.line"]
        lines = Credit.search([("user_id", "in", data["users"])])
        achieved = defaultdict(float)
        collected = defaultdict(float)
        for line in lines:
            achieved[line.user_id.id] += line.amount
            collected[line.user_id.id] += line.amount_collected
        expected_achieved, expected_collected = _expected(env, data)
        assert {u: round(v, 2) for u, v in achieved.items()} == expected_achieved
        assert {u: round(v, 2) for u, v in collected.items()} == expected_collected

        # No source is credited twice: one active line per salesperson and state.
        sale_lines = env["sale.order.line"].search([("order_id.partner_id", "in", data["customers"])])
        billing_lines = env["spm.secondary.billing.line"].search(
            [("billing_id.distributor_id", "=", data["distributor"])]
        )
        move_lines = env["account.move.line"].search(
            [("move_id.partner_id", "in", data["customers"]), ("display_type", "=", "product")]
        )
        for sources in (sale_lines, move_lines, billing_lines):
            for source, active in env["spm.credit.engine"]._active_lines(sources).items():
                keys = [(line.user_id.id, line.state) for line in active]
                assert len(keys) == len(set(keys)), f"{source} is credited twice: {keys}"

        # The monthly aggregate equals the lines it sums, everywhere (held
        # credit, of billings held as possible duplicates, apart).
        env.cr.execute("""
            SELECT l.user_id, l.business_unit_id, l.month,
                   COALESCE(SUM(l.amount) FILTER (WHERE NOT COALESCE(l.is_held, FALSE)), 0),
                   COALESCE(SUM(l.amount) FILTER (WHERE l.is_held), 0), SUM(l.amount_collected)
              FROM spm_credit_line l GROUP BY 1, 2, 3
            EXCEPT
            SELECT user_id, business_unit_id, month, COALESCE(SUM(amount), 0),
                   COALESCE(SUM(held_amount), 0), SUM(amount_collected)
              FROM spm_credit_monthly GROUP BY 1, 2, 3
        """)
        assert env.cr.fetchall() == []
        return len(lines)

    line_count = _transaction(registry, check, stats)
    assert line_count > 0
    assert stats["committed"] > WORKERS * OPERATIONS_PER_WORKER / 2
