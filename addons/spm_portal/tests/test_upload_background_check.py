import io
from urllib.parse import urlparse

from odoo.tests import tagged

from .http_common import SpmPortalHttpCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"


@tagged("post_install", "-at_install")
class TestUploadBackgroundCheck(SpmPortalHttpCase):
    """A file of more than one batch is only read in the request (size, rows, header,
    values); its full check, the dry run, is made by the upload's background job with
    its progress, and the review page appears when it is done."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param("spm_portal.upload_batch_lines", 2)
        self.login(self.portal_a)
        self.cron = self.env.ref("spm_portal.ir_cron_spm_secondary_upload")

    def _post(self, rows):
        content = HEADER + "".join(f"{row}\n" for row in rows)
        files = {"file": ("big.csv", io.BytesIO(content.encode()), "text/csv")}
        return self.post("/my/secondary-sales/upload", {"submit": "1"}, files=files)

    def test_dry_run_by_the_job_then_reviewed_and_imported(self):
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])
        rows = [f"BG-{n},{self.yesterday},Shop BG {n},T-INS,1,100" for n in range(4)]
        rows.append(f"BG-9,{self.yesterday},Shop BG 9,NOT-OURS-9,1,100")
        response = self._post(rows)
        self.assertEqual(response.status_code, 303, response.text[:2000])
        url = urlparse(response.headers["Location"]).path
        upload = self.env["spm.secondary.upload"].search([("distributor_id", "=", self.distributor_a.id)])
        self.assertEqual(url, f"/my/secondary-sales/upload/{upload.id}", "the upload's page, not the review")
        self.assertEqual((upload.state, upload.line_count), ("checking", 5))
        self.assertFalse(upload.preview, "not checked in the request")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)]),
            triggers + 1,
            "the request triggers the job",
        )
        self.assertFalse(self.url_open(url + "/progress").json()["finished"])
        self.assertIn("o_spm_upload_checking", self.url_open(url).text)
        review = self.url_open(url + "/review", allow_redirects=False)
        self.assertEqual(urlparse(review.headers["Location"]).path, url, "no review before the check")
        # The job, as Odoo's cron calls it: the whole check, nothing created.
        self.env["spm.secondary.upload"]._spm_run_job()
        self.assertEqual(upload.state, "draft")
        self.assertEqual((upload.preview["bills"], upload.preview["refused"]), (4, 1))
        self.assertFalse(self.Billing.search([("bill_number", "=like", "BG-%")]))
        self.assertTrue(self.url_open(url + "/progress").json()["finished"])
        page = self.url_open(url, allow_redirects=False)
        self.assertEqual(urlparse(page.headers["Location"]).path, url + "/review")
        self.assertIn("o_spm_upload_confirm_partial", self.url_open(url + "/review").text)
        self.post(url + "/confirm", {"partial": "1"})
        self.assertEqual(upload.state, "queued")
        while upload.state != "done":
            self.env["spm.secondary.upload"]._spm_run_job()
        self.assertEqual(len(self.Billing.search([("bill_number", "=like", "BG-%")])), 4)
        self.assertEqual((upload.created_count, upload.refused_count), (4, 1))

    def test_fast_checks_stay_in_the_request(self):
        # A value that cannot be read (a formula): refused at once, the file not kept.
        content = HEADER + f"BF-1,{self.yesterday},Shop,T-INS,1,100\n" * 4 + "BF-2,=1+1,Shop,T-INS,1,100\n"
        files = {"file": ("bad.csv", io.BytesIO(content.encode()), "text/csv")}
        response = self.post("/my/secondary-sales/upload", {"submit": "1"}, files=files)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Formulas are not accepted", response.text)
        self.assertFalse(self.env["spm.secondary.upload"].search([("filename", "=", "bad.csv")]))
