import csv
import io
from urllib.parse import urlparse

from lxml import html

from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .http_common import SpmPortalHttpCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"


@tagged("post_install", "-at_install")
class TestUploadPartialImport(SpmPortalHttpCase):
    """A file of which some bills are refused: the dry run lists the refused rows
    with their reasons beside the accepted bills, the distributor may import the
    accepted ones only (an explicit choice), and the refused rows download as a CSV
    to correct; a bill with one refused row is refused whole."""

    def setUp(self):
        super().setUp()
        self.login(self.portal_a)
        self.Upload = self.env["spm.secondary.upload"]

    def _file(self, prefix="PI"):
        day = self.yesterday
        rows = [
            f"{prefix}-1,{day},Shop {prefix} 1,T-INS,2,100",
            f"{prefix}-1,{day},Shop {prefix} 1,T-SUN,1,10",
            # One line of an unmapped code: the whole bill is refused, its good line too.
            f"{prefix}-2,{day},Shop {prefix} 2,T-INS,1,100",
            f"{prefix}-2,{day},Shop {prefix} 2,NOT-OURS-9,1,10",
            f"{prefix}-3,{day},Shop {prefix} 3,T-SUN,4,10",
            # A row contradicting its bill's retailer: refused by the reading, with its bill.
            f"{prefix}-4,{day},Shop {prefix} 4,T-INS,1,100",
            f"{prefix}-4,{day},Another Shop,T-INS,1,100",
            # A row of no bill.
            f",{day},Shop {prefix} 5,T-INS,1,100",
        ]
        content = HEADER + "".join(f"{row}\n" for row in rows)
        return {"file": ("partial.csv", io.BytesIO(content.encode()), "text/csv")}

    def _billings(self, prefix="PI"):
        return self.Billing.search([("bill_number", "=like", f"{prefix}-%")])

    def _receive(self, prefix="PI"):
        response = self.post("/my/secondary-sales/upload", {"submit": "1"}, files=self._file(prefix))
        self.assertEqual(response.status_code, 303, "a file with accepted bills goes to its dry run")
        review = urlparse(response.headers["Location"]).path
        self.assertTrue(review.endswith("/review"))
        return self.Upload.browse(int(review.split("/")[-2])), review

    def test_accepted_bills_imported_alone_refused_rows_listed(self):
        upload, review = self._receive()
        page = self.url_open(review)
        self.assertEqual(page.status_code, 200)
        tree = html.fromstring(page.text)
        self.assertEqual(tree.xpath("string(//*[contains(@class, 'o_spm_review_bills')])"), "2")
        self.assertEqual(tree.xpath("string(//*[contains(@class, 'o_spm_review_refused_bills')])"), "2")
        self.assertFalse(
            tree.xpath(
                "//button[contains(@class, 'o_spm_upload_confirm')][not(contains(@class, 'partial'))]"
            ),
            "no all-or-nothing import of a file with refused rows",
        )
        button = tree.xpath("//button[contains(@class, 'o_spm_upload_confirm_partial')]")
        self.assertEqual(len(button), 1)
        self.assertEqual(" ".join(button[0].text_content().split()), "Import the 2 accepted bill(s)")
        listed = {
            (row.xpath("string(./td[1])").strip(), row.xpath("string(./td[3])").strip())
            for row in tree.xpath("//table[contains(@class, 'o_spm_error_table')]/tbody/tr")
        }
        self.assertIn(("5", "PI-2"), listed, "the unmapped code's row, with its bill")
        self.assertIn("8", {row for row, _bill in listed}, "the other bill's contradicting row")
        self.assertIn("9", {row for row, _bill in listed}, "the row of no bill")
        self.assertFalse(self._billings(), "the dry run creates nothing")

        # The refused rows download, as listed, to be corrected.
        download = self.url_open(f"/my/secondary-sales/upload/{upload.id}/errors.csv")
        self.assertEqual(download.status_code, 200)
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        self.assertEqual({(row[0], row[2]) for row in rows[1:]}, listed)
        self.assertTrue(any("NOT-OURS-9" in row[3] for row in rows[1:]), rows)

        # Confirming without choosing the partial import imports nothing.
        self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {})
        self.assertEqual(upload.state, "draft")
        self.assertFalse(self._billings())

        response = self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {"partial": "1"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(upload.state, "done")
        self.assertEqual(sorted(self._billings().mapped("bill_number")), ["PI-1", "PI-3"])
        self.assertEqual(len(self._billings().filtered(lambda b: b.bill_number == "PI-1").line_ids), 2)
        self.assertEqual((upload.created_count, upload.refused_count), (2, 2))
        result = html.fromstring(self.url_open(f"/my/secondary-sales/upload/{upload.id}").text)
        self.assertIn(
            "2 bill(s) of this file were refused",
            result.xpath("string(//*[contains(@class, 'o_spm_upload_refused')])"),
        )
        self.assertEqual(
            len(
                list(
                    csv.reader(
                        io.StringIO(
                            self.url_open(
                                f"/my/secondary-sales/upload/{upload.id}/errors.csv"
                            ).content.decode("utf-8-sig")
                        )
                    )
                )
            ),
            len(rows),
            "the refused rows still download once imported",
        )

    def test_partial_import_in_batches_of_the_job(self):
        # One line a batch: the accepted bills go to the background job, which refuses
        # the bill the dry run refused again, without counting or listing it twice.
        upload, _review = self._receive("PJ")
        self.env["ir.config_parameter"].set_param("spm_portal.upload_batch_lines", 1)
        errors = list(upload.errors)
        self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {"partial": "1"})
        self.assertEqual(upload.state, "queued")
        for _turn in range(10):
            if upload.state not in ("queued", "running"):
                break
            upload._spm_run_batch()
        self.assertEqual(upload.state, "done")
        self.assertEqual(sorted(self._billings("PJ").mapped("bill_number")), ["PJ-1", "PJ-3"])
        self.assertEqual((upload.created_count, upload.refused_count), (2, 2))
        self.assertEqual(upload.errors, errors, "the job lists the refused rows once")

    def test_another_distributor_cannot_confirm_the_import(self):
        upload, _review = self._receive("PX")
        self.login(self.portal_b)
        response = self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {"partial": "1"})
        self.assertEqual(response.status_code, 404, "another distributor's upload is not found")
        for method, args in (
            ("_spm_confirm", [[upload.id]]),
            ("write", [[upload.id], {"state": "queued"}]),
        ):
            with (
                self.subTest(method=method),
                mute_logger("odoo.http"),
                self.assertRaises(JsonRpcException),
            ):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {
                        "model": "spm.secondary.upload",
                        "method": method,
                        "args": args,
                        "kwargs": {"context": {"partial": True}},
                    },
                )
        self.env.invalidate_all()
        self.assertEqual(upload.state, "draft")
        self.assertFalse(self._billings("PX"), "nothing imported")

    def test_file_with_every_bill_refused_is_refused(self):
        content = HEADER + f"PK-1,{self.yesterday},Shop,NOT-OURS-9,1,10\n"
        files = {"file": ("refused.csv", io.BytesIO(content.encode()), "text/csv")}
        response = self.post("/my/secondary-sales/upload", {"submit": "1"}, files=files)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Upload.search([("filename", "=", "refused.csv")]))
