from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .stock_common import SpmStockCase

BOUNDS = "The stock tolerance is from 0 to 1,000,000,000, in the product's unit."


@tagged("post_install", "-at_install")
class TestStockTolerance(SpmStockCase):
    """A distributor's or a business unit's stock tolerance is from 0 to a
    billion, in the product's unit: outside, refused with a message, nothing changed."""

    def _assert_refused(self, record, form_view=None):
        for value in (-1, 1_000_000_000.5):
            with self.subTest(record=record, value=value, by="write"):
                with self.assertRaises(ValidationError) as refused:
                    record.spm_stock_tolerance = value
                self.assertEqual(refused.exception.args[0], BOUNDS)
            with self.subTest(record=record, value=value, by="form"):
                form = Form(record, view=form_view)
                form.spm_stock_tolerance = value
                with self.assertRaises(ValidationError) as refused:
                    form.save()
                self.assertEqual(refused.exception.args[0], BOUNDS)
            record.invalidate_recordset(["spm_stock_tolerance"])
            self.assertEqual(record.spm_stock_tolerance, 0.0, "nothing changed")
        for value in (0, 1_000_000_000):
            record.spm_stock_tolerance = value
            self.assertEqual(record.spm_stock_tolerance, value)

    def test_distributor_tolerance_is_bounded(self):
        self._assert_refused(self.distributor_a)

    def test_business_unit_tolerance_is_bounded(self):
        self._assert_refused(self.unit_pharma)

    def test_only_managers_change_a_distributors_tolerance(self):
        """A salesperson who may edit contacts (Odoo's default for new users) cannot lift
        the tolerance of a distributor whose sales credit him, by write or on a new
        contact, whatever the context; he still saves a contact with it unchanged."""
        contacts = self.env.ref("base.group_partner_manager")
        (self.sales_a | self.manager_pharma).groups_id = [(4, contacts.id)]
        distributor = self.distributor_a.with_user(self.sales_a).with_context(spm_manager=True, su=True)
        with self.assertRaises(AccessError):
            distributor.write({"spm_stock_tolerance": 1_000_000})
        Partner = self.env["res.partner"].with_user(self.sales_a)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Lifted", "spm_stock_tolerance": 50})
        self.distributor_a.invalidate_recordset(["spm_stock_tolerance"])
        self.assertEqual(self.distributor_a.spm_stock_tolerance, 0.0)
        distributor.write({"phone": "123", "spm_stock_tolerance": 0})
        self.assertTrue(Partner.create({"name": "Shop", "spm_stock_tolerance": 0}))
        self.distributor_a.with_user(self.manager_pharma).spm_stock_tolerance = 5
        self.assertEqual(self.distributor_a.spm_stock_tolerance, 5)

    def test_only_managers_change_a_distributors_products(self):
        """Nor can he widen the products a distributor may report (its billing checks refuse
        the others), by write, command or on a new contact; the same products in another
        order are no change."""
        contacts = self.env.ref("base.group_partner_manager")
        (self.sales_a | self.manager_pharma).groups_id = [(4, contacts.id)]
        self.distributor_a.spm_allowed_product_ids = self.product_pharma
        distributor = self.distributor_a.with_user(self.sales_a).with_context(spm_manager=True)
        for value in ([(4, self.product_consumer.id)], [(6, 0, [self.product_consumer.id])], [(5, 0, 0)]):
            with self.subTest(value=value), self.assertRaises(AccessError):
                distributor.write({"spm_allowed_product_ids": value})
        Partner = self.env["res.partner"].with_user(self.sales_a)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Widened", "spm_allowed_product_ids": [(6, 0, [self.product_pharma.id])]})
        self.distributor_a.invalidate_recordset(["spm_allowed_product_ids"])
        self.assertEqual(self.distributor_a.spm_allowed_product_ids, self.product_pharma)
        distributor.write({"phone": "123", "spm_allowed_product_ids": [(6, 0, [self.product_pharma.id])]})
        self.assertTrue(Partner.create({"name": "Shop", "spm_allowed_product_ids": [(6, 0, [])]}))
        self.distributor_a.with_user(self.manager_pharma).spm_allowed_product_ids = [
            (4, self.product_consumer.id)
        ]
        self.assertEqual(
            self.distributor_a.spm_allowed_product_ids, self.product_pharma | self.product_consumer
        )
