from odoo.tests import tagged

from .http_common import SpmPortalHttpCase


@tagged("post_install", "-at_install")
class TestSecondaryBillingTour(SpmPortalHttpCase):
    def test_distributor_enters_and_submits_a_billing(self):
        """In headless Chromium: the distributor logs in, enters a billing with
        two lines, submits it and sees it validated."""
        self.start_tour("/my/secondary-sales", "spm_portal_billing_tour", login=self.portal_a.login)
        billing = self.Billing.search(
            [("distributor_id", "=", self.distributor_a.id), ("bill_number", "=", "TOUR-001")]
        )
        self.assertEqual(billing.state, "validated")
        self.assertEqual(billing.source, "portal")
        self.assertEqual(billing.retailer_id.name, "Tour Pharmacy")
        self.assertEqual(billing.line_ids.mapped("price_subtotal"), [300.0, 10.0])
        self.assertEqual(
            self._credit([("secondary_billing_id", "=", billing.id)]),
            {self.sales_a: 180.0, self.sales_b: 120.0, self.sales_c: 10.0},
        )
        message = billing.with_user(self.manager_pharma).message_ids.filtered(
            lambda m: m.message_type == "comment"
        )
        self.assertEqual(message.author_id, self.portal_a.partner_id)
        self.assertEqual(message.body, "<p>Is the price of the second line right?</p>")


@tagged("post_install", "-at_install")
class TestSecondaryBillingPhoneTour(SpmPortalHttpCase):
    """The portal at a phone's size, with touch, as Odoo's own mobile tests run."""

    browser_size = "390x844"
    touch_enabled = True

    def test_distributor_on_a_phone(self):
        """The list shows status and total first, the form's line is a card:
        nothing needed is off screen at 390 x 844."""
        self._billing(number="PHONE-LIST")
        self.start_tour("/my/secondary-sales", "spm_portal_phone_tour", login=self.portal_a.login)
        billing = self.Billing.search(
            [("distributor_id", "=", self.distributor_a.id), ("bill_number", "=", "PHONE-001")]
        )
        self.assertEqual(billing.state, "validated")
        self.assertEqual(billing.line_ids.mapped("price_subtotal"), [200.0])


@tagged("post_install", "-at_install")
class TestSecondaryBillingWithdrawTour(SpmPortalHttpCase):
    def test_withdraw_asks_for_confirmation(self):
        """Withdraw asks first: kept submitted on Cancel, cancelled on Withdraw."""
        self.unit_pharma.secondary_validation = "review"
        billing = self._billing(number="WITHDRAW-1")
        self.assertEqual(billing.state, "submitted")
        self.start_tour(
            f"/my/secondary-sales/{billing.id}", "spm_portal_withdraw_tour", login=self.portal_a.login
        )
        self.assertEqual(billing.state, "cancel")
