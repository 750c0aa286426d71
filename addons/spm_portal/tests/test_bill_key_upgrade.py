from odoo.tests import tagged
from odoo.tools import SQL

from .common import SpmPortalCase

LUNATE = ["\u03f9", "\u03f2"]


@tagged("post_install", "-at_install")
class TestBillKeyUpgrade(SpmPortalCase):
    """The upgrade to 18.0.1.0.1 stores again the keys of bill numbers with a
    Greek lunate sigma (Ϲ, ϲ), stored as σ before; a key another bill of the
    distributor has already is left as it was, with a warning."""

    def _stored(self, billing, number, key):
        """Write the number and key of ``billing`` as an earlier version stored them."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE spm_secondary_billing SET bill_number = %s, bill_number_key = %s WHERE id = %s",
                number,
                key,
                billing.id,
            )
        )
        billing.invalidate_recordset(["bill_number", "bill_number_key"])
        return billing

    def _stored_the_old_way(self, number, retailer="Corner Shop"):
        billing = self._billing(number=number, retailer=retailer, submit=False)
        # NFKC alone made the lunate sigma σ.
        return self._stored(billing, number, billing.bill_number_key.replace("c", "σ", 1))

    def test_old_keys_are_computed_again(self):
        billing = self._stored_the_old_way("\u03f9X-0042")
        untouched = self._billing(number="CY-1", retailer="Shop 2", submit=False)
        self.assertEqual(billing.bill_number_key, "σx-42")
        fixed = self.Billing._spm_recompute_bill_number_keys(LUNATE)
        self.assertEqual(fixed, billing)
        self.assertEqual(billing.bill_number_key, "cx-42")
        self.assertEqual(untouched.bill_number_key, "cy-1")
        self.assertFalse(self.Billing._spm_recompute_bill_number_keys(LUNATE), "nothing left to do")

    def test_a_key_taken_meanwhile_is_left_with_a_warning(self):
        lunate = self._stored_the_old_way("\u03f2X-7")
        # Entered since, while the keys differed: the same bill to the new rule.
        latin = self._stored(self._billing(number="CW-7", retailer="Shop 2", submit=False), "CX-7", "cx-7")
        other = self._stored_the_old_way("\u03f2Z-7", retailer="Shop 3")
        with self.assertLogs("odoo.addons.spm_portal.models.spm_secondary_billing", "WARNING") as logged:
            fixed = self.Billing._spm_recompute_bill_number_keys(LUNATE)
        self.assertEqual(fixed, other)
        self.assertEqual(len(logged.output), 1)
        self.assertIn(f"billing {latin.id}", logged.output[0])
        self.assertEqual((lunate.bill_number_key, latin.bill_number_key), ("σx-7", "cx-7"))
        self.assertEqual(other.bill_number_key, "cz-7")
