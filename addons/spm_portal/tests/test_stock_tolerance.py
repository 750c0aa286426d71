from odoo.exceptions import ValidationError
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
