from odoo.tests import tagged

from .http_common import SpmPortalHttpCase


class ApiKeyTourMixin:
    """The distributor creates an API key on the portal, in Chromium, and
    pushes a billing with it; the billing is the API's and credits as one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("portal.allow_api_keys", True)

    def _create_a_key_and_push_with_it(self):
        self.start_tour("/my/secondary-sales", "spm_portal_api_key_tour", login=self.portal_a.login)
        key = (
            self.env["res.users.apikeys"]
            .sudo()
            .search([("user_id", "=", self.portal_a.id), ("name", "=", "Tour ERP")])
        )
        self.assertEqual(key.name, "Tour ERP")
        billing = self.Billing.search(
            [("distributor_id", "=", self.distributor_a.id), ("bill_number", "=", "TOUR-KEY-1")]
        )
        self.assertEqual((billing.source, billing.state), ("api", "validated"))
        self.assertEqual(billing.submitted_by_id, self.portal_a)
        self.assertEqual(
            self._credit([("secondary_billing_id", "=", billing.id)]),
            {self.sales_a: 180.0, self.sales_b: 120.0},
        )


@tagged("post_install", "-at_install")
class TestApiKeyTour(ApiKeyTourMixin, SpmPortalHttpCase):
    def test_create_a_key_and_push_with_it(self):
        self._create_a_key_and_push_with_it()


@tagged("post_install", "-at_install")
class TestApiKeyPhoneTour(ApiKeyTourMixin, SpmPortalHttpCase):
    """The same at a phone's size, with touch."""

    browser_size = "390x844"
    touch_enabled = True

    def test_create_a_key_and_push_with_it(self):
        self._create_a_key_and_push_with_it()
