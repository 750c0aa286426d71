import json

from odoo import fields
from odoo.models import regex_private
from odoo.tests import tagged

from odoo.addons.spm_quota.tools import trusted

from ..models.spm_credit_engine import ENGINE_FLAG, SpmCreditEngine
from ..tools import CreditDescriptor
from .common import SpmCreditCase

# The methods a credit source declares through spm.credit.source.mixin and
# must implement itself (the mixin's own raise NotImplementedError).
SOURCE_METHODS = ("_spm_credit_link_field", "_spm_credit_descriptors", "_spm_credit_targets")


class SourceInterfaceCheck:
    """Checks of the declared source interface, shared with the addons that add sources."""

    def assertCreditSource(self, model_name):
        Mixin = self.env.registry["spm.credit.source.mixin"]
        self.assertIn(model_name, Mixin._inherit_children, f"{model_name} inherits spm.credit.source.mixin")
        model = self.env[model_name]
        for name in ("_spm_creditable", *SOURCE_METHODS):
            self.assertTrue(callable(getattr(model, name, None)), f"{model_name}.{name}")
        for name in SOURCE_METHODS:
            self.assertIsNot(
                getattr(type(model), name), getattr(Mixin, name), f"{model_name} implements {name}"
            )
        link = model._spm_credit_link_field()
        field = self.env["spm.credit.line"]._fields[link]
        self.assertEqual((field.type, field.comodel_name), ("many2one", model_name))

    def assertDescribes(self, sources):
        descriptors = sources._spm_credit_descriptors()
        self.assertEqual(len(descriptors), len(sources))
        for source, desc in zip(sources, descriptors, strict=True):
            self.assertIsInstance(desc, CreditDescriptor)
            self.assertEqual(desc.source, source)
            self.assertEqual(desc.links[source._spm_credit_link_field()], source.id)
        return descriptors


@tagged("post_install", "-at_install")
class TestCreditEngineStructure(SpmCreditCase, SourceInterfaceCheck):
    def test_order_and_invoice_lines_are_declared_sources(self):
        for model_name in ("sale.order.line", "account.move.line"):
            with self.subTest(model=model_name):
                self.assertCreditSource(model_name)
        order = self._order([(self.product_pharma, 2, 10.0)])
        (desc,) = self.assertDescribes(order.order_line)
        self.assertEqual((desc.document, desc.account, desc.amount), (order, self.customer, 20.0))
        invoice = self._invoice(order)
        (desc,) = self.assertDescribes(invoice.invoice_line_ids._spm_creditable())
        self.assertEqual((desc.document, desc.amount), (invoice, 20.0))

    def test_no_engine_method_is_callable_over_rpc(self):
        methods = [name for name, value in vars(SpmCreditEngine).items() if callable(value)]
        self.assertIn("_sync_credit", methods)
        self.assertEqual([name for name in methods if not regex_private.match(name)], [])

    def test_descriptors_are_immutable(self):
        order = self._order([(self.product_pharma, 1, 10.0)])
        (desc,) = order.order_line._spm_credit_descriptors()
        with self.assertRaises(AttributeError):
            desc.amount = 0.0

    # ------------------------------------------------------------ side effects

    def _monthly(self, user, unit):
        [(amount, count)] = self.env["spm.credit.monthly"]._read_group(
            [("user_id", "=", user.id), ("business_unit_id", "=", unit.id)],
            [],
            ["amount:sum", "line_count:sum"],
        )
        return amount, count

    def _credit_notifications(self):
        """The spm_credit_updated payloads of this transaction: those already
        written to the bus (a savepoint runs the pre-commit hooks) and those
        the commit will write."""
        sent = self.env["bus.bus"].sudo().search([("message", "like", "spm_credit_updated")], order="id")
        messages = [json.loads(message) for message in sent.mapped("message")] + [
            json.loads(values["message"]) for values in self.env.cr.precommit.data.get("bus.bus.values", [])
        ]
        return [message["payload"] for message in messages if message["type"] == "spm_credit_updated"]

    def _assert_side_effects(self, create, amount):
        """``create()`` makes one line of ``amount`` for sales_a in Pharma: it is in
        the monthly aggregate and the dashboards of sales_a and of the unit's
        manager are told, whichever way the line was created."""
        before_amount, before_count = self._monthly(self.sales_a, self.unit_pharma)
        before_notifications = len(self._credit_notifications())
        line = create()
        self.assertEqual(
            self._monthly(self.sales_a, self.unit_pharma), (before_amount + amount, before_count + 1)
        )
        notifications = self._credit_notifications()[before_notifications:]
        self.assertEqual(len(notifications), 1)
        self.assertEqual(notifications[0]["user_ids"], sorted((self.sales_a | self.manager_pharma).ids))
        self.assertEqual(notifications[0]["company_ids"], self.company.ids)
        return line

    def test_side_effects_of_orm_and_engine_lines_alike(self):
        Credit = self.env["spm.credit.line"]
        adjustment = self._assert_side_effects(
            lambda: Credit.create(
                {
                    "user_id": self.sales_a.id,
                    "business_unit_id": self.unit_pharma.id,
                    "amount": 12.5,
                    "reason": "Test bonus",
                }
            ),
            12.5,
        )
        self.assertIn("Test bonus", adjustment.message_ids[:1].body, "an adjustment's reason in its chatter")

        def engine_line():
            with trusted(self.env, ENGINE_FLAG):
                return self.env["spm.credit.engine"]._create_engine_lines(
                    [
                        {
                            "user_id": self.sales_a.id,
                            "business_unit_id": self.unit_pharma.id,
                            "company_id": self.company.id,
                            "date": fields.Date.today(),
                            "original_date": False,
                            "is_adjustment": False,
                            "amount": 7.25,
                            "share": 100.0,
                            "kind": "split",
                            "basis": "invoice",
                            "state": "confirmed",
                            "origin": "TEST/1",
                        }
                    ]
                )

        line = self._assert_side_effects(engine_line, 7.25)
        self.assertEqual((line.amount, line.month), (7.25, fields.Date.today().replace(day=1)))
        self.assertFalse(line.message_ids, "the engine's lines post nothing")
