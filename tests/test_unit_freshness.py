"""A new business unit is used by the very next transaction that credits.

Three connections of one Odoo process (its threads share the registry and
its caches, as the threaded server's requests do) against the real
PostgreSQL: a long request starts first; a manager creates a business unit
and commits; the long request, whose snapshot predates the unit, then
resolves units (a process-wide cache of units would be filled again here,
without the new unit); right after, a salesperson confirms an order of the
new unit's product in a third connection. Its credit must be in the new unit.
"""

from __future__ import annotations

import time


def test_new_unit_used_while_a_long_request_runs(odoo_registry):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = odoo_registry

    tag = f"{time.time_ns() % 10**9}"
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        category = env["product.category"].create({"name": f"Fresh category {tag}"})
        product = env["product.product"].create(
            {"name": f"Fresh product {tag}", "categ_id": category.id, "taxes_id": [(5, 0, 0)]}
        )
        salesperson = env["res.users"].create(
            {
                "name": f"Fresh salesperson {tag}",
                "login": f"fresh_{tag}",
                "groups_id": [(4, env.ref("spm_quota.group_spm_salesperson").id)],
            }
        )
        customer = env["res.partner"].create(
            {
                "name": f"Fresh customer {tag}",
                "is_company": True,
                "spm_assignment_ids": [(0, 0, {"user_id": salesperson.id, "date_from": "2000-01-01"})],
            }
        )
        ids = {
            "category": category.id,
            "product": product.id,
            "customer": customer.id,
            "user": salesperson.id,
        }

    long_request = registry.cursor()
    try:
        long_env = api.Environment(long_request, SUPERUSER_ID, {})
        # The long request's snapshot starts here, before the unit exists.
        long_env["spm.business.unit"].search_count([])

        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            unit = env["spm.business.unit"].create(
                {
                    "name": f"Fresh unit {tag}",
                    "code": f"FRESH-{tag}",
                    "credit_basis": "order",
                    "product_category_ids": [(6, 0, [ids["category"]])],
                }
            )
            ids["unit"] = unit.id

        # Still in the old snapshot: the long request resolves the product to no unit.
        Unit = long_env["spm.business.unit"]
        product = long_env["product.product"].browse(ids["product"])
        [resolved] = Unit._resolve_business_units(product, [long_env["crm.team"]], [long_env.company])
        assert not resolved, "the long request's snapshot predates the unit"

        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].create(
                {
                    "partner_id": ids["customer"],
                    "order_line": [
                        (0, 0, {"product_id": ids["product"], "product_uom_qty": 2, "price_unit": 50.0})
                    ],
                }
            )
            order.action_confirm()
            credit = env["spm.credit.line"].search([("order_id", "=", order.id)])
            issues = env["spm.credit.issue"].search([("document_ref", "=", f"sale.order,{order.id}")])
            assert credit.business_unit_id.ids == [ids["unit"]], (
                credit.business_unit_id,
                issues.mapped("reason"),
            )
            assert credit.user_id.ids == [ids["user"]]
            assert sum(credit.mapped("amount")) == 100.0
    finally:
        long_request.rollback()
        long_request.close()
