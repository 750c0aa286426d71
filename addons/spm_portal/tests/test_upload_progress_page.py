import io
import re

from odoo.tests import tagged

from .http_common import SpmPortalHttpCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"


@tagged("post_install", "-at_install")
class TestUploadProgressPage(SpmPortalHttpCase):
    """A file larger than one batch: the request checks it, queues it and sends
    the distributor to its page, which shows the job's progress, then the result."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param("spm_portal.upload_batch_lines", 2)
        self.login(self.portal_a)

    def _post(self, count=5, prefix="Q"):
        content = HEADER + "".join(
            f"{prefix}-{n},{self.yesterday},Corner Shop,T-INS,1,100\n" for n in range(count)
        )
        files = {"file": ("big.csv", io.BytesIO(content.encode()), "text/csv")}
        return self.confirm_dry_run(self.post("/my/secondary-sales/upload", {"submit": "1"}, files=files))

    def test_queued_upload_progress_and_result(self):
        response = self._post()
        self.assertEqual(response.status_code, 303, response.text[:2000])
        upload = self.env["spm.secondary.upload"].search([("distributor_id", "=", self.distributor_a.id)])
        self.assertEqual(len(upload), 1)
        url = f"/my/secondary-sales/upload/{upload.id}"
        self.assertTrue(response.headers["Location"].endswith(url))
        self.assertEqual(upload.state, "queued")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_spm_upload_running", page.text)
        self.assertIn("data-polling", page.text)
        self.assertEqual(
            self.url_open(url + "/progress").json(),
            {
                "state": "queued",
                "done": 0,
                "total": 5,
                "percent": 0,
                "created": 0,
                "existing": 0,
                "errors": 0,
                "refused": 0,
                "refused_at_import": 0,
                "finished": False,
            },
        )
        upload._spm_run_batch()
        progress = self.url_open(url + "/progress").json()
        self.assertEqual((progress["done"], progress["percent"], progress["finished"]), (2, 40, False))
        while upload.state != "done":
            upload._spm_run_batch()
        progress = self.url_open(url + "/progress").json()
        self.assertEqual((progress["created"], progress["finished"]), (5, True))
        page = self.url_open(url)
        self.assertIn("5 billing(s) imported", page.text)
        self.assertNotIn("data-polling", page.text)
        self.assertEqual(len(re.findall(r'href="/my/secondary-sales/\d+"', page.text)), 5)
        # The upload form lists it among the recent uploads.
        self.assertIn(f'href="{url}"', self.url_open("/my/secondary-sales/upload").text)
        # The credit equals the lines: 5 × 100, split 60/40.
        billings = upload.billing_ids
        self.assertEqual(
            self._credit([("secondary_billing_id", "in", billings.ids)]),
            {self.sales_a: 300.0, self.sales_b: 200.0},
        )

    def test_failed_upload_shows_its_errors(self):
        self._post()
        upload = self.env["spm.secondary.upload"].search([("distributor_id", "=", self.distributor_a.id)])
        upload._spm_run_batch()
        self._billing(number="Q-2", lines=[("T-INS", 9, 100.0)])
        upload._spm_run_batch()
        self.assertEqual(upload.state, "failed")
        page = self.url_open(f"/my/secondary-sales/upload/{upload.id}")
        self.assertIn("o_spm_upload_failed", page.text)
        self.assertIn("Q-2", page.text)
        csv_file = self.url_open(f"/my/secondary-sales/upload/{upload.id}/errors.csv")
        self.assertEqual(csv_file.status_code, 200)
        self.assertIn("Q-2", csv_file.content.decode("utf-8-sig"))

    def test_another_distributor_gets_404(self):
        self._post()
        upload = self.env["spm.secondary.upload"].search([("distributor_id", "=", self.distributor_a.id)])
        self.login(self.portal_b)
        for suffix in ("", "/progress", "/errors.csv"):
            response = self.url_open(f"/my/secondary-sales/upload/{upload.id}{suffix}")
            self.assertEqual(response.status_code, 404, suffix)
            self.assertNotIn("big.csv", response.text)
        # Nor an upload that does not exist, nor an id out of range.
        for upload_id in (upload.id + 1000, 2**40):
            self.assertEqual(
                self.url_open(f"/my/secondary-sales/upload/{upload_id}/progress").status_code, 404
            )
        self.login(self.sales_a)
        self.assertEqual(self.url_open(f"/my/secondary-sales/upload/{upload.id}").status_code, 404)

    def test_rpc_cannot_write_nor_confirm(self):
        self._post()
        upload = self.env["spm.secondary.upload"].search([("distributor_id", "=", self.distributor_a.id)])
        for method, args in (
            ("write", [[upload.id], {"state": "done", "progress_done": 5}]),
            ("create", [{"distributor_id": self.distributor_a.id, "state": "queued"}]),
            ("_spm_confirm", [[upload.id]]),
            ("_spm_run_batch", [[upload.id]]),
        ):
            with self.assertRaises(Exception, msg=method) as caught:
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {"model": "spm.secondary.upload", "method": method, "args": args, "kwargs": {}},
                )
            self.assertNotIn("done", str(upload.read(["state"])[0]["state"]))
            self.assertTrue(caught.exception)
        self.assertEqual((upload.state, upload.progress_done), ("queued", 0))
