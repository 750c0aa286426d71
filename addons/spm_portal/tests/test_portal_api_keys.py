import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .http_common import SpmPortalHttpCase

NEW_KEY = re.compile(r"<code [^>]*o_spm_new_api_key[^>]*>([0-9a-f]+)</code>")


@tagged("post_install", "-at_install")
class TestPortalApiKeys(SpmPortalHttpCase):
    """A distributor creates and revokes its API keys on the secondary sales pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("portal.allow_api_keys", True)
        cls.company.spm_portal_api_key_days = 30

    def _keys(self, user):
        return self.env["res.users.apikeys"].sudo().search([("user_id", "=", user.id)])

    def _create_key(self, name="Our ERP", password=None):
        return self.post(
            "/my/secondary-sales/api-keys/new",
            {"name": name, "password": self.portal_a.login if password is None else password},
        )

    def test_create_push_revoke(self):
        self.login(self.portal_a)
        page = self.url_open("/my/secondary-sales")
        self.assertIn('href="/my/secondary-sales/api-keys"', page.text)
        before = self._keys(self.portal_a)

        response = self._create_key()
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        key = NEW_KEY.search(response.text).group(1)
        new = self._keys(self.portal_a) - before
        self.assertEqual(new.name, "Our ERP")
        # The company's duration, not the portal group's single day.
        self.assertAlmostEqual(
            new.expiration_date, fields.Datetime.now() + timedelta(days=30), delta=timedelta(minutes=5)
        )
        # Shown once: the list shows the key's name, never the key.
        listed = self.url_open("/my/secondary-sales/api-keys")
        self.assertIn("Our ERP", listed.text)
        self.assertNotIn(key, listed.text)

        pushed = self.api("POST", payload={"billings": [self.api_billing("KEY-1")]}, key=key)
        self.assertEqual(pushed.status_code, 201, pushed.text)

        # Another distributor cannot revoke it, even with its own password.
        self.login(self.portal_b)
        csrf = self.csrf()
        with mute_logger("odoo.http"):
            refused = self.opener.post(
                self.base_url() + f"/my/secondary-sales/api-keys/{new.id}/revoke",
                data={"password": self.portal_b.login, "csrf_token": csrf},
                allow_redirects=False,
                timeout=30,
            )
        self.assertEqual(refused.status_code, 404)
        self.assertTrue(new.exists())

        self.login(self.portal_a)
        wrong = self.post(f"/my/secondary-sales/api-keys/{new.id}/revoke", {"password": "wrong"})
        self.assertEqual(wrong.status_code, 400)
        self.assertTrue(new.exists())
        revoked = self.post(
            f"/my/secondary-sales/api-keys/{new.id}/revoke", {"password": self.portal_a.login}
        )
        self.assertEqual(revoked.status_code, 303)
        self.assertFalse(new.exists())

        refused = self.api("POST", payload={"billings": [self.api_billing("KEY-2")]}, key=key)
        self.assertEqual(refused.status_code, 401)
        self.assertFalse(self.Billing.search([("bill_number", "=", "KEY-2")]))

    def test_password_checked_and_csrf_required(self):
        self.login(self.portal_a)
        before = self._keys(self.portal_a)
        response = self._create_key(password=self.portal_b.login)
        self.assertEqual(response.status_code, 400)
        self.assertIn("The password is wrong", response.text)
        self.assertIsNone(NEW_KEY.search(response.text))
        with mute_logger("odoo.http"):
            forged = self.post(
                "/my/secondary-sales/api-keys/new",
                {"name": "Forged", "password": self.portal_a.login},
                csrf=False,
            )
        self.assertEqual(forged.status_code, 400)
        self.assertEqual(self._keys(self.portal_a), before)

    def test_not_allowed_without_the_portal_setting(self):
        self.env["ir.config_parameter"].sudo().set_param("portal.allow_api_keys", False)
        self.login(self.portal_a)
        before = self._keys(self.portal_a)
        response = self._create_key()
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._keys(self.portal_a), before)

    def test_internal_user_has_no_page(self):
        self.authenticate(self.sales_a.login, self.sales_a.login)
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open("/my/secondary-sales/api-keys").status_code, 404)

    def test_duration_bounds(self):
        for days in (0, 366, -1):
            with self.subTest(days=days), self.assertRaises(ValidationError):
                self.company.spm_portal_api_key_days = days
        self.company.spm_portal_api_key_days = 365
        self.assertEqual(self.company.spm_portal_api_key_days, 365)
