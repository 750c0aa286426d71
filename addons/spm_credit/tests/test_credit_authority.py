from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SpmCreditCase

# Every refusal the hostile actors below meet.
REFUSED = (AccessError, UserError, ValidationError)
# Context keys of the addons' own code paths, forged by a client in every call below.
FORGED = {
    "spm_credit_engine": True,
    "spm_credit_disabled": True,
    "spm_defer_share_check": True,
    "spm_quota_syncing": True,
    "spm_quota_workflow": True,
    "spm_credit_dispute_workflow": True,
    "spm_billing_force_write": True,
}


@tagged("post_install", "-at_install")
class TestCreditAuthority(SpmCreditCase):
    """Hostile users of the back office, calling the ORM with their own rights
    and forged contexts (as XML-RPC and JSON-RPC let them): each forbidden
    operation is refused and changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_of_nothing = new_test_user(cls.env, "t_mgr_nothing", groups="spm_quota.group_spm_manager")
        cls.accountant = new_test_user(cls.env, "t_spm_accountant", groups="spm_credit.group_spm_accountant")
        cls.accountant_2 = new_test_user(
            cls.env, "t_spm_accountant_2", groups="spm_credit.group_spm_accountant"
        )
        cls.order = cls._order([(cls.product_pharma, 1, 100.0)])

    def _as(self, user, model):
        return self.env[model].with_user(user).with_context(**FORGED)

    def _snapshot(self):
        """What an administrator reads back: every credit line, assignment, quota and dispute."""
        return {
            model: self.env[model].with_context(active_test=False).search([]).read(fields)
            for model, fields in (
                (
                    "spm.credit.line",
                    ["user_id", "business_unit_id", "amount", "basis", "state", "is_adjustment"],
                ),
                ("spm.assignment", ["user_id", "business_unit_id", "share", "kind", "active", "date_to"]),
                ("spm.quota", ["business_unit_id", "amount", "state"]),
                ("spm.quota.line", ["amount"]),
                ("spm.credit.dispute", ["state", "resolution", "business_unit_id", "user_id"]),
            )
        }

    def assertRefused(self, func, *args, **kwargs):
        """``func`` is refused with a clear error and leaves every record as it was."""
        before = self._snapshot()
        try:
            with self.env.cr.savepoint():
                func(*args, **kwargs)
        except REFUSED as exc:
            self.assertTrue(str(exc), "the error says why")
        else:
            self.fail(f"{func.__name__}{args} is not refused")
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(), before)

    def _adjustment(self, **vals):
        return {
            "user_id": self.sales_a.id,
            "business_unit_id": self.unit_pharma.id,
            "amount": 25.0,
            "reason": "Trade fair bonus",
            **vals,
        }

    # ------------------------------------------------------------ adjustments

    def test_adjustments_only_by_the_units_manager(self):
        Credit = self._as(self.manager_of_nothing, "spm.credit.line")
        for vals in (
            self._adjustment(user_id=self.manager_of_nothing.id),
            self._adjustment(user_id=self.manager_of_nothing.id, basis="secondary", reason=False),
        ):
            self.assertRefused(Credit.create, vals)
        self.assertRefused(
            self._as(self.manager_consumer, "spm.credit.line").create,
            self._adjustment(user_id=self.manager_consumer.id),
        )
        self.assertRefused(self._as(self.sales_a, "spm.credit.line").create, self._adjustment())
        self.assertRefused(self._as(self.accountant, "spm.credit.line").create, self._adjustment())

    def test_adjustment_basis_state_and_links_are_not_the_clients(self):
        Credit = self._as(self.manager_pharma, "spm.credit.line")
        sale_line = self.order.order_line
        for vals in (
            self._adjustment(basis="secondary"),
            self._adjustment(basis="order"),
            self._adjustment(state="provisional"),
            self._adjustment(kind="split"),
            self._adjustment(is_adjustment=False),
            self._adjustment(sale_line_id=sale_line.id),
            self._adjustment(order_id=self.order.id),
            self._adjustment(reversed_line_id=self.Credit.search([], limit=1).id),
            self._adjustment(amount_collected=25.0),
            self._adjustment(original_date="2020-01-01"),
            self._adjustment(reason="   "),
            self._adjustment(company_id=self.env["res.company"].create({"name": "Other Co"}).id),
            self._adjustment(user_id=self.env.ref("base.public_user").id),
            self._adjustment(business_unit_id="pharma"),
        ):
            with self.subTest(vals=vals):
                self.assertRefused(Credit.create, vals)

        line = Credit.create(self._adjustment())
        self.assertRecordValues(
            line.sudo(),
            [
                {
                    "basis": "manual",
                    "kind": "manual",
                    "state": "confirmed",
                    "is_adjustment": True,
                    "amount": 25.0,
                }
            ],
        )
        adjustments = self.Credit.search(["|", ("basis", "=", "manual"), ("is_adjustment", "=", True)])
        self.assertIn(line, adjustments, "on the report's Adjustments sheet")

    def test_credit_lines_are_never_written_even_with_forged_context(self):
        line = self.Credit.search([("order_id", "=", self.order.id)], limit=1)
        for env_line in (line.with_context(**FORGED), line.sudo().with_context(**FORGED)):
            self.assertRefused(env_line.write, {"amount": 1000.0})
            self.assertRefused(env_line.unlink)
        self.assertRefused(self._as(self.manager_pharma, "spm.credit.engine")._create_engine_lines, [{}])

    # ------------------------------------------------------------ recompute

    def test_recompute_only_by_the_managers_of_the_units(self):
        for user in (self.sales_a, self.manager_consumer, self.manager_of_nothing, self.accountant):
            with self.subTest(user=user.login):
                self.assertRefused(
                    self.order.with_user(user).with_context(**FORGED).action_spm_recompute_credit
                )
        self.order.with_user(self.manager_pharma).action_spm_recompute_credit()
        self.order.with_user(self.admin).action_spm_recompute_credit()

    # ------------------------------------------------------------ assignments and quotas

    def test_manager_cannot_move_records_out_of_his_units(self):
        Assignment = self._as(self.manager_pharma, "spm.assignment")
        overlay = Assignment.create(
            {
                "partner_id": self.customer_2.id,
                "user_id": self.manager_pharma.id,
                "business_unit_id": self.unit_pharma.id,
                "kind": "overlay",
                "share": 100.0,
            }
        )
        for unit in (self.unit_consumer, self.env["spm.business.unit"]):
            self.assertRefused(overlay.write, {"business_unit_id": unit.id})
        self.assertRefused(overlay.write, {"company_id": self.env["res.company"].create({"name": "Co 2"}).id})
        overlay.write({"date_to": "2030-12-31"})  # within his unit: allowed

        quota = self._as(self.manager_pharma, "spm.quota").create(
            {
                "user_id": self.sales_a.id,
                "business_unit_id": self.unit_pharma.id,
                "date_from": "2027-01-01",
                "date_to": "2027-03-31",
                "amount": 3000.0,
            }
        )
        self.assertRefused(quota.write, {"business_unit_id": self.unit_consumer.id})

    def test_manager_of_no_unit_manages_nothing(self):
        self.assertRefused(
            self._as(self.manager_of_nothing, "spm.assignment").create,
            {
                "partner_id": self.customer_2.id,
                "user_id": self.manager_of_nothing.id,
                "business_unit_id": self.unit_pharma.id,
                "kind": "overlay",
            },
        )
        self.assertRefused(
            self._as(self.manager_of_nothing, "spm.quota").create,
            {
                "business_unit_id": self.unit_pharma.id,
                "date_from": "2027-01-01",
                "date_to": "2027-01-31",
                "amount": 1,
            },
        )

    def test_forged_share_check_and_quota_flags(self):
        # Half a team split, alone: the share check is not the client's to defer.
        self.assertRefused(
            self._as(self.manager_pharma, "spm.assignment").create,
            {
                "partner_id": self.customer_2.id,
                "user_id": self.sales_a.id,
                "business_unit_id": self.unit_pharma.id,
                "share": 50.0,
            },
        )
        quota = self.env["spm.quota"].create(
            {
                "user_id": self.sales_a.id,
                "business_unit_id": self.unit_pharma.id,
                "date_from": "2027-01-01",
                "date_to": "2027-03-31",
                "amount": 3000.0,
            }
        )
        quota.action_confirm()
        as_manager = quota.with_user(self.manager_pharma).with_context(**FORGED)
        self.assertRefused(as_manager.write, {"amount": 9000.0})
        self.assertRefused(as_manager.line_ids[0].write, {"amount": 9000.0})
        self.assertRefused(as_manager.write, {"state": "draft", "amount": 9000.0})
        draft = self.env["spm.quota"].create(
            {
                "business_unit_id": self.unit_pharma.id,
                "date_from": "2027-04-01",
                "date_to": "2027-04-30",
                "amount": 10,
            }
        )
        self.assertRefused(
            draft.with_user(self.manager_pharma).with_context(**FORGED).write, {"state": "confirmed"}
        )
        as_manager.action_draft()
        self.assertEqual(quota.state, "draft")

    # ------------------------------------------------------------ disputes

    def _line_of(self, user):
        return self.Credit.search([("order_id", "=", self.order.id), ("user_id", "=", user.id)])

    def test_disputes_are_raised_open_on_own_credit(self):
        Dispute = self._as(self.sales_a, "spm.credit.dispute")
        own = self._line_of(self.sales_a)
        others = self._line_of(self.sales_b)
        for vals, context in (
            ({"credit_line_id": own.id, "description": "x", "state": "resolved"}, {}),
            ({"credit_line_id": own.id, "description": "x", "resolution": "Granted"}, {}),
            ({"credit_line_id": own.id, "description": "x", "user_id": self.sales_b.id}, {}),
            ({"credit_line_id": others.id, "description": "Show me B's line"}, {}),
            ({"description": "Show me B's line"}, {"default_credit_line_id": others.id}),
            (
                {"document_ref": "res.users,1", "description": "x", "business_unit_id": self.unit_pharma.id},
                {},
            ),
        ):
            with self.subTest(vals=vals, context=context):
                self.assertRefused(Dispute.with_context(**context).create, vals)
        # Defaults of the context are no way around it either.
        dispute = Dispute.with_context(
            default_state="resolved", default_resolution="Granted", default_user_id=self.sales_b.id
        ).create({"credit_line_id": own.id, "description": "My share should be 60 %"})
        self.assertRecordValues(
            dispute.sudo(),
            [
                {
                    "state": "open",
                    "user_id": self.sales_a.id,
                    "business_unit_id": self.unit_pharma.id,
                    "resolution": False,
                }
            ],
        )

    def test_dispute_state_and_resolution_are_the_managers(self):
        dispute = self._as(self.sales_a, "spm.credit.dispute").create(
            {"credit_line_id": self._line_of(self.sales_a).id, "description": "My share should be 60 %"}
        )
        # The raiser changes nothing but his description, and the other unit's manager nothing at all.
        self.assertRefused(dispute.write, {"state": "resolved"})
        self.assertRefused(dispute.write, {"resolution": "Granted"})
        consumer_view = dispute.with_user(self.manager_consumer).with_context(**FORGED)
        self.assertRefused(consumer_view.write, {"resolution": "Granted"})
        self.assertRefused(consumer_view.action_resolve)
        manager_view = dispute.with_user(self.manager_pharma).with_context(**FORGED)
        self.assertRefused(manager_view.write, {"state": "resolved"})
        self.assertRefused(manager_view.write, {"business_unit_id": self.unit_consumer.id})
        manager_view.resolution = "Split corrected from next month"
        manager_view.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self.assertRefused(manager_view.action_reject)

    def test_manager_answers_no_dispute_of_his_own_in_another_unit(self):
        """A manager is a salesperson too: his own dispute in another unit is not his to answer."""
        self._assign(self.customer_2, self.manager_pharma, unit=self.unit_consumer, date_from="2020-01-01")
        self._invoice(self._order([(self.product_consumer, 1, 10.0)], partner=self.customer_2))
        line = self.Credit.search(
            [("partner_id", "=", self.customer_2.id), ("user_id", "=", self.manager_pharma.id)]
        )
        self.assertTrue(line)
        dispute = self._as(self.manager_pharma, "spm.credit.dispute").create(
            {"credit_line_id": line[0].id, "description": "Missing"}
        )
        self.assertEqual(dispute.business_unit_id, self.unit_consumer)
        self.assertRefused(dispute.write, {"resolution": "Granted to myself"})

    # ------------------------------------------------------------ report wizard

    def test_credit_report_is_its_creators(self):
        wizard = self.env["spm.credit.report.wizard"].with_user(self.accountant).create({})
        other = self.env["spm.credit.report.wizard"].with_user(self.accountant_2)
        self.assertFalse(other.search([("id", "=", wizard.id)]))
        self.assertRefused(other.browse(wizard.id).read, ["date_from"])
        self.assertRefused(other.browse(wizard.id).write, {"date_from": "2020-01-01"})
