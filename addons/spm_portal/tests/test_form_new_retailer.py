from odoo.tests import tagged

from .http_common import SpmPortalHttpCase

QUESTION = "in your retailers: create it?"


@tagged("post_install", "-at_install")
class TestFormNewRetailer(SpmPortalHttpCase):
    """The billing form creates a retailer whose name matches none of the distributor's
    only once the distributor confirms it, and offers its near retailers instead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.corner = cls._retailer(cls.distributor_a, "Corner Shop", city="Pune")
        cls.others = cls._retailer(cls.distributor_b, "Corner Shoppe")

    def setUp(self):
        super().setUp()
        self.login(self.portal_a)

    def _retailers_named(self, name):
        return self.env["res.partner"].search([("name", "=", name), ("spm_is_retailer", "=", True)])

    def test_new_name_is_asked_then_created_on_confirmation(self):
        response = self.post(
            "/my/secondary-sales/save", self.form_data(retailer="Corner Shopp", retailer_choice="")
        )
        self.assertEqual(response.status_code, 200, response.text[:2000])
        self.assertIn("No retailer 'Corner Shopp' " + QUESTION, response.text)
        # The likely one of the distributor's retailers is offered, not another distributor's.
        self.assertIn(f'id="spm_retailer_near_{self.corner.id}"', response.text)
        self.assertIn("it is my retailer 'Corner Shop'", response.text)
        self.assertIn("(Pune)", response.text)
        self.assertNotIn("Corner Shoppe", response.text)
        self.assertFalse(self.Billing.search([("bill_number", "=", "P-1")]), "nothing saved")
        self.assertFalse(self._retailers_named("Corner Shopp"), "no retailer created")
        # The form keeps what was typed.
        self.assertIn('value="T-SUN"', response.text)

        response = self.post("/my/secondary-sales/save", self.form_data(retailer="Corner Shopp"))
        self.assertEqual(response.status_code, 303, response.text[:2000])
        billing = self.Billing.search([("bill_number", "=", "P-1")])
        retailer = self._retailers_named("Corner Shopp")
        self.assertEqual(len(retailer), 1)
        self.assertEqual(billing.retailer_id, retailer)
        self.assertIn(retailer, self.distributor_a._spm_retailers())
        self.assertEqual(billing.state, "validated")

    def test_near_retailer_chosen_instead(self):
        data = self.form_data(retailer="Corner Shopp", retailer_choice="Corner Shop")
        response = self.post("/my/secondary-sales/save", data)
        self.assertEqual(response.status_code, 303, response.text[:2000])
        billing = self.Billing.search([("bill_number", "=", "P-1")])
        self.assertEqual(billing.retailer_id, self.corner)
        self.assertFalse(self._retailers_named("Corner Shopp"))

    def test_a_chosen_name_that_is_new_is_asked_about(self):
        data = self.form_data(retailer="Corner Shopp", retailer_choice="Brand New Store")
        response = self.post("/my/secondary-sales/save", data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("No retailer 'Brand New Store' " + QUESTION, response.text)
        self.assertFalse(self._retailers_named("Brand New Store"))
        self.assertFalse(self.Billing.search([("bill_number", "=", "P-1")]))

    def test_existing_retailer_is_not_asked_about(self):
        response = self.post(
            "/my/secondary-sales/save", self.form_data(retailer=" corner  SHOP ", retailer_choice="")
        )
        self.assertEqual(response.status_code, 303, response.text[:2000])
        self.assertEqual(self.Billing.search([("bill_number", "=", "P-1")]).retailer_id, self.corner)

    def test_draft_edit_asks_too_and_the_name_is_text(self):
        response = self.post(
            "/my/secondary-sales/save", self.form_data(action="save", retailer="Corner Shop")
        )
        billing = self.Billing.search([("bill_number", "=", "P-1")])
        data = self.form_data(
            action="save", billing_id=billing.id, retailer="<b>Shop</b> & co", retailer_choice=""
        )
        response = self.post("/my/secondary-sales/save", data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("No retailer '&lt;b&gt;Shop&lt;/b&gt; &amp; co' " + QUESTION, response.text)
        self.assertNotIn("<b>Shop</b>", response.text)
        self.assertEqual(billing.retailer_id, self.corner, "the draft is unchanged")
