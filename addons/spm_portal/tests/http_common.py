import json
import re
from urllib.parse import urlparse

from odoo.tests import HttpCase

from .common import SpmPortalCase

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
UPLOAD_PAGE = re.compile(r"/my/secondary-sales/upload/(\d+)")


class SpmPortalHttpCase(SpmPortalCase, HttpCase):
    """Portal and API requests of the two distributors' users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Keys = cls.env["res.users.apikeys"]
        cls.key_a = Keys.with_user(cls.portal_a).sudo()._generate(None, "ERP of A", None)
        cls.key_b = Keys.with_user(cls.portal_b).sudo()._generate(None, "ERP of B", None)
        cls.key_internal = Keys.with_user(cls.sales_a).sudo()._generate(None, "internal", None)

    # ------------------------------------------------------------ portal

    def login(self, user):
        self.authenticate(user.login, user.login)

    def csrf(self, url="/my/secondary-sales/new"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, response.text[:500])
        match = CSRF.search(response.text)
        self.assertTrue(match, "the page has a CSRF token")
        return match.group(1)

    def post(self, url, data, files=None, csrf=True, allow_redirects=False):
        data = dict(data)
        if csrf:
            data["csrf_token"] = self.csrf()
        return self.opener.post(
            self.base_url() + url, data=data, files=files, allow_redirects=allow_redirects, timeout=30
        )

    def confirm_dry_run(self, response):
        """Confirm the dry run an upload's answer leads to, as a distributor does: the
        answer of the confirmation (a redirection to the upload's page), or ``response``
        when it leads to no dry run (a refused file, columns to map)."""
        location = urlparse(response.headers.get("Location", "") if response.status_code == 303 else "").path
        checking = UPLOAD_PAGE.fullmatch(location)
        if checking:
            # A file of more than one batch: the background job makes its dry run (run here).
            upload = self.env["spm.secondary.upload"].browse(int(checking.group(1)))
            self.assertEqual(upload.state, "checking")
            upload._spm_run_batch()
            location += "/review"
        if not location.endswith("/review"):
            return response
        return self.post(location.removesuffix("/review") + "/confirm", {})

    def upload_file(self, files, submit=True):
        """Upload a file and confirm its dry run: the page of the confirmed upload, or the
        answer refusing the file (or asking for its columns)."""
        response = self.post("/my/secondary-sales/upload", {"submit": "1"} if submit else {}, files=files)
        response = self.confirm_dry_run(response)
        if response.status_code == 303:
            return self.url_open(urlparse(response.headers["Location"]).path)
        return response

    def form_data(
        self, number="P-1", lines=(("T-INS", "2", "100"), ("T-SUN", "3", "10")), action="submit", **values
    ):
        data = {
            "bill_number": number,
            "bill_date": self.yesterday.isoformat(),
            "retailer": "Corner Shop",
            "type": "sale",
            "currency": self.company.currency_id.name,
            "action": action,
            "line_product": [line[0] for line in lines],
            "line_quantity": [line[1] for line in lines],
            "line_price_unit": [line[2] for line in lines],
        }
        data.update(values)
        # The distributor confirms the retailer when it is new (as the form asks).
        data.setdefault("retailer_choice", data["retailer"])
        return data

    # ------------------------------------------------------------ API

    def api(self, method, path="", payload=None, key=None, headers=None, raw=None):
        headers = dict(headers or {})
        if key:
            headers["Authorization"] = f"Bearer {key}"
        url = self.base_url() + "/api/spm/v1/secondary-billings" + path
        if method == "GET":
            return self.opener.get(url, headers=headers, timeout=30)
        headers.setdefault("Content-Type", "application/json")
        body = raw if raw is not None else json.dumps(payload)
        return self.opener.post(url, data=body, headers=headers, timeout=30)

    def api_billing(self, number="API-1", lines=(("T-INS", 2, 100.0),), **values):
        billing = {
            "bill_number": number,
            "bill_date": self.yesterday.isoformat(),
            "retailer": "Corner Shop",
            "type": "sale",
            "lines": [{"product": p, "quantity": q, "price_unit": u} for p, q, u in lines],
        }
        billing.update(values)
        return billing
