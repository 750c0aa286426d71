from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SpmPortalCase

# Who may read (r), write (w), create (c) and delete (d) one record of each
# model of the three addons. The records belong to salesperson A in the Pharma
# unit (the secondary billing to distributor A, whose Pharma credit A shares).
#   sales_a   salesperson A           sales_d    another salesperson
#   mgr_u1    manager of Pharma       mgr_u2     manager of another unit
#   acct      SPM accountant          admin      SPM administrator
#   dist_a    distributor A (portal)  dist_b     another distributor (portal)
#   public    a visitor who is not logged in
MATRIX = """
model                          sales_a sales_d mgr_u1 mgr_u2 acct  admin dist_a dist_b public
spm.business.unit              r       r       r      r      r     rwcd  -      -      -
spm.assignment                 r       -       rwcd   r      -     rwcd  -      -      -
spm.seasonality.profile        r       r       rwc    rwc    -     rwcd  -      -      -
spm.quota                      r       -       rwcd   r      -     rwcd  -      -      -
spm.quota.line                 r       -       rwcd   r      r     rwcd  -      -      -
spm.credit.line                r       -       rc     -      r     rc    -      -      -
spm.credit.monthly             r       -       r      -      r     r     -      -      -
spm.credit.issue               -       -       r      -      r     r     -      -      -
spm.credit.dispute             rc      c       rwc    c      -     rwc   -      -      -
spm.achievement.report         r       -       r      -      r     r     -      -      -
spm.achievement.figure         r       -       r      -      r     r     -      -      -
spm.secondary.billing          r       -       rwcd   r      r     rwcd  r      -      -
spm.secondary.billing.line     r       -       rwcd   r      r     rwcd  r      -      -
"""
DENIED = (AccessError, UserError, ValidationError)


@tagged("post_install", "-at_install")
class TestAccessMatrix(SpmPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, "t_matrix_accountant", groups="spm_credit.group_spm_accountant"
        )
        cls.users = {
            "sales_a": cls.sales_a,
            "sales_d": cls.sales_d,
            "mgr_u1": cls.manager_pharma,
            "mgr_u2": cls.manager_consumer,
            "acct": cls.accountant,
            "admin": cls.admin,
            "dist_a": cls.portal_a,
            "dist_b": cls.portal_b,
            "public": cls.env.ref("base.public_user"),
        }
        order = cls._order([(cls.product_pharma, 1, 100.0)])
        credit = cls.env["spm.credit.line"].search(
            [("order_id", "=", order.id), ("user_id", "=", cls.sales_a.id)]
        )
        quota = cls.env["spm.quota"].create(
            {
                "user_id": cls.sales_a.id,
                "business_unit_id": cls.unit_pharma.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
                "amount": 1200.0,
            }
        )
        cls._order([(cls.product_pharma, 1, 10.0)], partner=cls.customer_2)  # nobody's: an issue
        billing = cls._billing(submit=False)
        cls.records = {
            # A unit of its own: the database refuses to delete a unit that has quotas.
            "spm.business.unit": (
                cls.env["spm.business.unit"].create({"name": "Empty unit", "code": "MTX-E"}),
                {"sequence": 5},
                {"name": "Matrix unit", "code": "MTX"},
            ),
            "spm.assignment": (
                cls._assign(cls.customer_2, cls.sales_a, unit=cls.unit_pharma, kind="overlay"),
                {"date_to": "2099-12-31"},
                {
                    "partner_id": cls.customer_2.id,
                    "user_id": cls.sales_b.id,
                    "kind": "overlay",
                    "business_unit_id": cls.unit_pharma.id,
                    "date_from": "2026-01-01",
                },
            ),
            "spm.seasonality.profile": (
                cls.env["spm.seasonality.profile"].create({"name": "Unused profile"}),
                {"weight_01": 2.0},
                {"name": "Matrix profile"},
            ),
            "spm.quota": (
                quota,
                {"amount": 2400.0},
                {
                    "user_id": cls.sales_a.id,
                    "business_unit_id": cls.unit_pharma.id,
                    "date_from": "2027-01-01",
                    "date_to": "2027-12-31",
                    "amount": 1.0,
                },
            ),
            "spm.quota.line": (
                quota.line_ids[0],
                {"amount": 50.0},
                {"quota_id": quota.id, "month": "2028-01-01", "amount": 1.0},
            ),
            "spm.credit.line": (
                credit,
                {"reason": "edited"},
                {
                    "user_id": cls.sales_a.id,
                    "business_unit_id": cls.unit_pharma.id,
                    "amount": 1.0,
                    "reason": "Matrix adjustment",
                },
            ),
            "spm.credit.monthly": (
                cls.env["spm.credit.monthly"].search(
                    [("user_id", "=", cls.sales_a.id), ("business_unit_id", "=", cls.unit_pharma.id)]
                ),
                {"amount": 1.0},
                {
                    "user_id": cls.sales_a.id,
                    "business_unit_id": cls.unit_pharma.id,
                    "company_id": cls.company.id,
                    "month": "2030-01-01",
                },
            ),
            "spm.credit.issue": (
                cls.env["spm.credit.issue"].search([("partner_id", "=", cls.customer_2.id)]),
                {"state": "resolved"},
                {"source_ref": "sale.order.line,0", "reason": "no_unit", "company_id": cls.company.id},
            ),
            "spm.credit.dispute": (
                cls.env["spm.credit.dispute"]
                .with_user(cls.sales_a)
                .create(
                    {
                        "business_unit_id": cls.unit_pharma.id,
                        "credit_line_id": credit.id,
                        "description": "Matrix dispute",
                    }
                )
                .sudo(),
                {"resolution": "Matrix resolution"},
                {"business_unit_id": cls.unit_pharma.id, "description": "Another dispute"},
            ),
            "spm.achievement.report": (
                cls.env["spm.achievement.report"].search(
                    [("user_id", "=", cls.sales_a.id), ("business_unit_id", "=", cls.unit_pharma.id)], limit=1
                ),
                {"target": 1.0},
                {"target": 1.0},
            ),
            "spm.achievement.figure": (
                cls.env["spm.achievement.figure"].search(
                    [("user_id", "=", cls.sales_a.id), ("business_unit_id", "=", cls.unit_pharma.id)], limit=1
                ),
                {"amount": 1.0},
                {"amount": 1.0},
            ),
            "spm.secondary.billing": (
                billing,
                {"bill_number": "B-MATRIX"},
                {
                    "distributor_id": cls.distributor_a.id,
                    "retailer_id": billing.retailer_id.id,
                    "bill_number": "B-NEW",
                    "bill_date": cls.yesterday,
                    "line_ids": [
                        Command.create(
                            {"product_id": cls.product_pharma.id, "quantity": 1.0, "price_unit": 1.0}
                        )
                    ],
                },
            ),
            "spm.secondary.billing.line": (
                billing.line_ids[0],
                {"quantity": 2.0},
                {
                    "billing_id": billing.id,
                    "product_id": cls.product_pharma.id,
                    "quantity": 1.0,
                    "price_unit": 1.0,
                },
            ),
        }
        # The same records read through other rights later: drop what the superuser cached.
        cls.env.invalidate_all()

    def _allowed(self, role, model, operation):
        """Try the operation as the role; always undo it, so every cell starts
        from the same records."""
        record, write_vals, create_vals = self.records[model]
        target = record.with_user(self.users[role])
        savepoint = self.env.cr.savepoint()
        try:
            with mute_logger("odoo.models", "odoo.addons.base.models.ir_model", "odoo.sql_db"):
                if operation == "r":
                    target.read(["display_name"])
                elif operation == "w":
                    target.write(write_vals)
                elif operation == "c":
                    target.browse().create(create_vals)
                else:
                    target.unlink()
                target.env.flush_all()
            return True
        except DENIED:
            return False
        except Exception as exc:  # writing a SQL view is refused by the database itself
            if not type(exc).__module__.startswith("psycopg2"):
                raise
            return False
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def test_access_matrix(self):
        rows = [line.split() for line in MATRIX.strip().splitlines()]
        roles = rows[0][1:]
        checked, mismatches = 0, []
        for model, *cells in rows[1:]:
            self.assertTrue(self.records[model][0], f"no {model} record to check")
            for role, expected in zip(roles, cells, strict=True):
                for operation in "rwcd":
                    checked += 1
                    allowed = self._allowed(role, model, operation)
                    if allowed != (operation in expected):
                        mismatches.append(f"{model} {role} {operation}: {'allowed' if allowed else 'denied'}")
        self.assertEqual(checked, (len(rows) - 1) * len(roles) * 4)
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_multi_company_separation(self):
        other = self.env["res.company"].create({"name": "Matrix Other Co"})
        self.admin.company_ids |= other
        unit = self.env["spm.business.unit"].create(
            {"name": "Elsewhere", "code": "MTX-O", "company_id": other.id}
        )
        line = self.env["spm.credit.line"].create(
            {
                "user_id": self.sales_a.id,
                "business_unit_id": unit.id,
                "amount": 5.0,
                "reason": "Other company",
            }
        )
        self.assertEqual(line.company_id, other)
        # Working in the main company only, even an administrator sees nothing of the other one.
        Credit = (
            self.env["spm.credit.line"]
            .with_user(self.admin)
            .with_context(allowed_company_ids=self.company.ids)
        )
        self.assertFalse(Credit.search([("id", "=", line.id)]))
        with self.assertRaises(AccessError):
            line.with_user(self.admin).with_context(allowed_company_ids=self.company.ids).read(["amount"])
        self.assertTrue(
            Credit.with_context(allowed_company_ids=[self.company.id, other.id]).search(
                [("id", "=", line.id)]
            )
        )
        self.assertFalse(
            self.env["spm.secondary.billing"].with_user(self.portal_a).search([("company_id", "=", other.id)])
        )


# Who may make each change, with these values, to distributor A's secondary
# billings in Pharma (a draft one and a validated one), every cell tried with a
# context that forges the bypass flags: "x" allowed, "-" refused.
#   mgr_none  in the manager group, manager of no unit
VALUES_MATRIX = """
change                      sales_a sales_d mgr_u1 mgr_u2 mgr_none acct admin dist_a dist_b
draft.bill_number           -       -       x      -      -        -    x     -      -
draft.line_quantity         -       -       x      -      -        -    x     -      -
draft.add_consumer_line     -       -       -      -      -        -    x     -      -
draft.line_to_consumer      -       -       -      -      -        -    x     -      -
draft.other_company         -       -       -      -      -        -    -     -      -
draft.line_to_validated     -       -       -      -      -        -    -     -      -
draft.line_amount           -       -       -      -      -        -    -     -      -
draft.create_line_amount    -       -       -      -      -        -    -     -      -
draft.state_validated       -       -       -      -      -        -    -     -      -
draft.reviewer              -       -       -      -      -        -    -     -      -
draft.unlink                -       -       x      -      -        -    x     -      -
validated.line_quantity     -       -       -      -      -        -    -     -      -
validated.bill_number       -       -       -      -      -        -    -     -      -
validated.state_draft       -       -       -      -      -        -    -     -      -
validated.line_state        -       -       -      -      -        -    -     -      -
validated.unlink            -       -       -      -      -        -    -     -      -
validated.recompute         -       -       x      -      -        -    x     -      -
validated.reject            -       -       x      -      -        -    x     -      -
validated.cancel            -       -       x      -      -        -    x     -      -
create.pharma               -       -       x      -      -        -    x     -      -
create.consumer             -       -       -      x      -        -    x     -      -
create.mixed                -       -       -      -      -        -    x     -      -
create.no_line              -       -       -      -      -        -    x     -      -
create.validated            -       -       -      -      -        -    -     -      -
"""
FORGED_CONTEXT = {
    "spm_billing_force_write": True,
    "spm_billing_workflow": True,
    "spm_trusted_flags": ["spm_billing_force_write", "spm_billing_workflow"],
    "default_state": "validated",
    "default_review_required": False,
}


def _line(product, quantity=1.0, price=10.0):
    return Command.create({"product_id": product.id, "quantity": quantity, "price_unit": price})


CHANGES = {
    "draft.bill_number": lambda case, d, v: d.write({"bill_number": "B-VALUES"}),
    "draft.line_quantity": lambda case, d, v: d.line_ids.write({"quantity": 3.0}),
    "draft.add_consumer_line": lambda case, d, v: d.write({"line_ids": [_line(case.product_consumer)]}),
    "draft.line_to_consumer": lambda case, d, v: d.line_ids.write({"product_id": case.product_consumer.id}),
    "draft.other_company": lambda case, d, v: d.write({"company_id": case.other_company.id}),
    "draft.line_to_validated": lambda case, d, v: d.line_ids.write({"billing_id": v.id}),
    "draft.line_amount": lambda case, d, v: d.line_ids.write({"amount_company": 1e9, "price_subtotal": 1e9}),
    "draft.create_line_amount": lambda case, d, v: d.line_ids.create(
        {"billing_id": d.id, "product_id": case.product_pharma.id, "quantity": 1, "amount_company": 1e9}
    ),
    "draft.state_validated": lambda case, d, v: d.write({"state": "validated"}),
    "draft.reviewer": lambda case, d, v: d.write({"validated_by_id": case.admin.id, "reject_reason": "x"}),
    "draft.unlink": lambda case, d, v: d.unlink(),
    "validated.line_quantity": lambda case, d, v: v.line_ids.write({"quantity": 999.0}),
    "validated.bill_number": lambda case, d, v: v.write({"bill_number": "B-VALUES"}),
    "validated.state_draft": lambda case, d, v: v.write({"state": "draft"}),
    "validated.line_state": lambda case, d, v: v.line_ids.write({"state": "draft"}),
    "validated.unlink": lambda case, d, v: v.unlink(),
    "validated.recompute": lambda case, d, v: v.action_spm_recompute_credit(),
    "validated.reject": lambda case, d, v: v.action_reject("Values matrix"),
    "validated.cancel": lambda case, d, v: v.action_cancel(),
    "create.pharma": lambda case, d, v: case._create_as(d, [_line(case.product_pharma)]),
    "create.consumer": lambda case, d, v: case._create_as(d, [_line(case.product_consumer)]),
    "create.mixed": lambda case, d, v: case._create_as(
        d, [_line(case.product_pharma), _line(case.product_consumer)]
    ),
    "create.no_line": lambda case, d, v: case._create_as(d, []),
    "create.validated": lambda case, d, v: case._create_as(
        d, [_line(case.product_pharma)], state="validated"
    ),
}


@tagged("post_install", "-at_install")
class TestBillingValuesMatrix(SpmPortalCase):
    """Not only who may write a billing, but what values: record rules see a
    billing before the write, the model checks what it becomes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "sales_a": cls.sales_a,
            "sales_d": cls.sales_d,
            "mgr_u1": cls.manager_pharma,
            "mgr_u2": cls.manager_consumer,
            "mgr_none": new_test_user(cls.env, "t_values_mgr_none", groups="spm_quota.group_spm_manager"),
            "acct": new_test_user(cls.env, "t_values_accountant", groups="spm_credit.group_spm_accountant"),
            "admin": cls.admin,
            "dist_a": cls.portal_a,
            "dist_b": cls.portal_b,
        }
        cls.other_company = cls.env["res.company"].create({"name": "Values Other Co"})
        cls.draft = cls._billing(number="VM-DRAFT", submit=False)
        cls.validated = cls._billing(number="VM-VALID")
        cls.env.invalidate_all()

    def _create_as(self, model, lines, **values):
        return model.browse().create(
            {
                "distributor_id": self.distributor_a.id,
                "retailer_id": self.draft.sudo().retailer_id.id,
                "bill_number": "VM-NEW",
                "bill_date": self.yesterday,
                "line_ids": lines,
                **values,
            }
        )

    def _allowed(self, role, change):
        env = self.env(user=self.users[role], context=dict(self.env.context, **FORGED_CONTEXT))
        savepoint = self.env.cr.savepoint()
        try:
            with mute_logger("odoo.models", "odoo.addons.base.models.ir_model"):
                CHANGES[change](self, self.draft.with_env(env), self.validated.with_env(env))
                env.flush_all()
            return True
        except DENIED as exc:
            self.assertTrue(str(exc.args[0]).strip(), f"{change} {role}: refused without a message")
            return False
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def test_values_matrix(self):
        rows = [line.split() for line in VALUES_MATRIX.strip().splitlines()]
        roles = rows[0][1:]
        self.assertEqual(set(roles), set(self.users))
        self.assertEqual({row[0] for row in rows[1:]}, set(CHANGES))
        mismatches = []
        for change, *cells in rows[1:]:
            for role, expected in zip(roles, cells, strict=True):
                allowed = self._allowed(role, change)
                if allowed != (expected == "x"):
                    mismatches.append(f"{change} {role}: {'allowed' if allowed else 'refused'}")
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))
