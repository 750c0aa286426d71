import csv
import io
from urllib.parse import urlparse

from lxml import html

from odoo.tests import tagged

from .http_common import SpmPortalHttpCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"


@tagged("post_install", "-at_install")
class TestUploadImportRefused(SpmPortalHttpCase):
    """The job checks the bills again when it imports them: a bill the dry run accepted
    and the import refused (the same bill number reported meanwhile through another
    channel) ends the upload as ``done_refused``, saying how many and why, on its page
    and in the JSON it polls, the refused rows in its CSV; the others are imported."""

    def setUp(self):
        super().setUp()
        self.login(self.portal_a)

    def _receive(self, prefix, rows):
        content = HEADER + "".join(f"{row}\n" for row in rows)
        files = {"file": (f"{prefix}.csv", io.BytesIO(content.encode()), "text/csv")}
        response = self.post("/my/secondary-sales/upload", {"submit": "1"}, files=files)
        self.assertEqual(response.status_code, 303, response.text[:2000])
        review = urlparse(response.headers["Location"]).path
        self.assertTrue(review.endswith("/review"))
        # Then one line a batch: the confirmed bills go to the background job.
        self.env["ir.config_parameter"].set_param("spm_portal.upload_batch_lines", 1)
        return self.env["spm.secondary.upload"].browse(int(review.split("/")[-2]))

    def _run(self, upload):
        for _turn in range(10):
            if upload.state not in ("queued", "running"):
                break
            upload._spm_run_batch()

    def test_bill_refused_at_import_ends_saying_it(self):
        day = self.yesterday
        upload = self._receive(
            "IR",
            [
                f"IR-1,{day},Shop IR 1,T-INS,1,100",
                f"IR-2,{day},Shop IR 2,T-INS,2,100",
                f"IR-3,{day},Shop IR 3,T-INS,3,100",
                # Refused by the dry run: the distributor imports the others only.
                f"IR-4,{day},Shop IR 4,NOT-OURS-9,1,10",
            ],
        )
        self.assertEqual((upload.preview["bills"], upload.preview["refused"]), (3, 1))
        # Before the job runs, IR-2 is reported with another content through the portal's form.
        other = self._billing(
            number="IR-2", retailer="Shop IR 2", lines=[("T-INS", 7, 100.0)], source="portal"
        )
        self.assertEqual(other.state, "validated")
        self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {"partial": "1"})
        self.assertEqual(upload.state, "queued")
        self._run(upload)

        self.assertEqual(upload.state, "done_refused")
        self.assertEqual((upload.created_count, upload.import_refused_count, upload.refused_count), (2, 1, 2))
        imported = upload.billing_ids
        self.assertEqual(sorted(imported.mapped("bill_number")), ["IR-1", "IR-3"])
        self.assertEqual(set(imported.mapped("state")), {"validated"})
        self.assertEqual(
            self._credit([("secondary_billing_id", "in", imported.ids)]),
            {self.sales_a: 240.0, self.sales_b: 160.0},
            "the others are credited: 400, split 60/40",
        )

        url = f"/my/secondary-sales/upload/{upload.id}"
        progress = self.url_open(url + "/progress").json()
        self.assertEqual(
            (progress["state"], progress["finished"], progress["refused"], progress["refused_at_import"]),
            ("done_refused", True, 2, 1),
        )
        page = html.fromstring(self.url_open(url).text)
        alert = page.xpath("//*[contains(@class, 'o_spm_upload_import_refused')]")
        self.assertEqual(len(alert), 1, "the page says the import refused bills")
        self.assertEqual(alert[0].xpath("string(.//*[contains(@class, 'o_spm_import_refused_count')])"), "1")
        reasons = {
            row.xpath("string(./td[3])").strip(): row.xpath("string(./td[4])").strip()
            for row in alert[0].xpath(".//table[contains(@class, 'o_spm_error_table')]/tbody/tr")
        }
        self.assertIn("IR-2", reasons, "the bill refused at import, with its reason")
        self.assertIn("IR-2", reasons["IR-2"])
        self.assertIn("IR-4", reasons, "and the one the dry run refused")
        self.assertFalse(page.xpath("//*[contains(@class, 'o_spm_upload_refused')]"))

        download = self.url_open(url + "/errors.csv")
        self.assertEqual(download.status_code, 200)
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        self.assertIn("IR-2", [row[2] for row in rows[1:]], "the refused row downloads")
        self.assertEqual(
            next(row[3] for row in rows[1:] if row[2] == "IR-2"), reasons["IR-2"], "with its reason"
        )
        # The distributor's recent uploads name the end.
        recent = html.fromstring(self.url_open("/my/secondary-sales/upload").text)
        self.assertIn(
            "Done, Bills Refused",
            recent.xpath("string(//*[contains(@class, 'o_spm_recent_uploads')]//tbody/tr[1]/td[3])"),
        )

    def test_upload_with_no_refusal_ends_done(self):
        day = self.yesterday
        upload = self._receive(
            "ID", [f"ID-1,{day},Shop ID 1,T-INS,1,100", f"ID-2,{day},Shop ID 2,T-INS,2,100"]
        )
        self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {})
        self._run(upload)
        self.assertEqual((upload.state, upload.created_count, upload.import_refused_count), ("done", 2, 0))
        progress = self.url_open(f"/my/secondary-sales/upload/{upload.id}/progress").json()
        self.assertEqual((progress["state"], progress["refused_at_import"]), ("done", 0))
        page = self.url_open(f"/my/secondary-sales/upload/{upload.id}").text
        self.assertIn("2 billing(s) imported", page)
        self.assertNotIn("o_spm_upload_import_refused", page)
