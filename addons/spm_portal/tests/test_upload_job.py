from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools import group_rows, read_rows
from .common import SpmPortalCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"


@tagged("post_install", "-at_install")
class TestUploadJob(SpmPortalCase):
    """The upload's background job: batches created, submitted and credited
    from where the last committed batch ended, nothing twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Upload = cls.env["spm.secondary.upload"]
        cls.cron = cls.env.ref("spm_portal.ir_cron_spm_secondary_upload")

    def setUp(self):
        super().setUp()
        # Two lines a batch, so that five billings of one line take three batches.
        self.env["ir.config_parameter"].set_param("spm_portal.upload_batch_lines", 2)

    def _upload(self, prefix="J", count=5, user=None, distributor=None, quantity=1):
        """An upload checked as the request checks it, confirmed by its distributor's user."""
        user = user or self.portal_a
        distributor = distributor or self.distributor_a
        data = (
            HEADER
            + "".join(
                # A retailer each: the same sale reported again would be held as a duplicate.
                f"{prefix}-{n},{self.yesterday},Shop {prefix}-{n},T-INS,{quantity},100\n"
                for n in range(count)
            )
        ).encode()
        rows, _errors = read_rows(self.env, data)
        billings, _errors = group_rows(self.env, rows)
        upload = self.Upload.with_user(user)._spm_create_checked(
            distributor, f"{prefix}.csv", data, billings, True
        )
        self.assertEqual(upload._spm_parse(), (billings, []), "the stored file reads as the request read it")
        upload._spm_confirm()
        return upload

    def _billings(self, prefix="J"):
        return self.Billing.search([("bill_number", "=like", f"{prefix}-%")])

    def test_billings_inserted_with_their_upload(self):
        """The job gives the billings their upload at creation: no billing is updated for it
        after, and a context's default_ keys (a client sets any) give no workflow value,
        even on the job's trusted path."""
        upload = self._upload(count=3)
        self.assertEqual(upload.state, "queued", "a file of two batches")
        updated = []
        execute = self.env.cr.execute

        def spied(query, params=None, log_exceptions=True):
            code = getattr(query, "code", query)
            if isinstance(code, str) and code.lstrip().startswith('UPDATE "spm_secondary_billing"'):
                updated.append(code)
            return execute(query, params, log_exceptions)

        forged = {
            "default_upload_id": upload.id + 1,
            "default_state": "held",
            "default_review_required": True,
        }
        with patch.object(self.env.cr, "execute", spied):
            while upload.with_context(**forged)._spm_run_batch():
                self.env.flush_all()
        self.assertEqual(upload.state, "done")
        billings = self._billings()
        self.assertEqual(len(billings), 3)
        self.assertEqual(billings.upload_id, upload)
        self.assertEqual(set(billings.mapped("state")), {"validated"})
        self.assertFalse(any(billings.mapped("review_required")))
        self.assertFalse(
            [code for code in updated if '"upload_id"' in code], "the upload is not written again"
        )

    def test_batches_create_submit_and_credit(self):
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])
        upload = self._upload()
        self.assertEqual(upload.state, "queued")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)]),
            triggers + 1,
            "the request triggers the job",
        )
        self.assertFalse(self._billings(), "nothing created before the job runs")
        self.assertEqual(upload._spm_run_batch(), 2)
        self.assertEqual((upload.state, upload.progress_done, upload.created_count), ("running", 2, 2))
        self.assertEqual(upload._spm_progress()["percent"], 40)
        self.assertEqual(upload._spm_run_batch(), 2)
        self.assertEqual(upload._spm_run_batch(), 1)
        self.assertEqual((upload.state, upload.progress_done, upload.created_count), ("done", 5, 5))
        self.assertEqual(upload._spm_run_batch(), 0, "a finished upload does nothing more")
        billings = self._billings()
        self.assertEqual(len(billings), 5)
        self.assertEqual(billings.upload_id, upload)
        self.assertEqual(set(billings.mapped("state")), {"validated"})
        self.assertEqual(billings.submitted_by_id, self.portal_a, "submitted as the distributor's user")
        self.assertEqual(set(billings.mapped("source")), {"upload"})
        # 5 lines of 100, split 60/40 in Pharma.
        self.assertEqual(
            self._credit([("secondary_billing_id", "in", billings.ids)]),
            {self.sales_a: 300.0, self.sales_b: 200.0},
        )

    def test_rerun_after_a_lost_progress_creates_nothing_twice(self):
        upload = self._upload()
        upload._spm_run_batch()
        credit_lines = self.Credit.search_count([("secondary_billing_id", "in", self._billings().ids)])
        # The worker killed after its batch's billings were written but before its progress:
        # the next run starts that batch again.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE spm_secondary_upload SET progress_done = 0, created_count = 0 WHERE id = %s", [upload.id]
        )
        upload.invalidate_recordset()
        while upload.state != "done":
            upload._spm_run_batch()
        billings = self._billings()
        self.assertEqual(len(billings), 5)
        self.assertEqual((upload.created_count, upload.existing_count), (3, 2))
        self.assertEqual(sorted(upload.existing_numbers), ["J-0", "J-1"])
        self.assertEqual(
            self.Credit.search_count([("secondary_billing_id", "in", billings[-2:].ids)]),
            credit_lines,
            "the first batch's billings keep their credit, not credited again",
        )
        self.assertEqual(
            self._credit([("secondary_billing_id", "in", billings.ids)]),
            {self.sales_a: 300.0, self.sales_b: 200.0},
        )

    def test_a_batch_refused_stops_the_upload(self):
        upload = self._upload()
        upload._spm_run_batch()
        # Meanwhile the distributor reported J-3 with another content from the form.
        self._billing(number="J-3", lines=[("T-INS", 7, 100.0)])
        upload._spm_run_batch()
        self.assertEqual(upload.state, "failed")
        self.assertEqual(
            (upload.progress_done, upload.created_count), (2, 2), "the refused batch left nothing"
        )
        self.assertEqual(upload.error_count, 1)
        self.assertEqual(upload.errors[0]["bill_number"], "J-3")
        self.assertIn("J-3", upload._spm_errors_rows()[0][2])
        self.assertEqual(len(self._billings()), 3, "J-0, J-1 of the upload and the form's J-3")
        self.assertEqual(upload._spm_run_batch(), 0)

    def test_job_one_upload_per_distributor_taking_turns(self):
        first = self._upload("A1")
        second = self._upload("A2")
        other = self._upload("B1", user=self.portal_b, distributor=self.distributor_b)
        self.assertEqual(self.Upload._spm_next_upload(), first, "the oldest of distributor A first")
        cron, progress = self.cron._add_progress()
        self.Upload.with_context(ir_cron_progress_id=progress.id)._spm_run_job()
        self.assertEqual(first.progress_done, 2)
        self.assertEqual((progress.done, progress.remaining), (2, 13), "the cron knows what is left")
        self.assertEqual(self.Upload._spm_next_upload(), other, "distributor B's turn; A's second waits")
        for _i in range(20):
            cron, progress = cron._add_progress()
            self.Upload.with_context(ir_cron_progress_id=progress.id)._spm_run_job()
        self.assertEqual({first.state, second.state, other.state}, {"done"})
        self.assertEqual((progress.done, progress.remaining), (0, 0))
        self.assertEqual(len(self._billings("B1")), 5)
        self.assertEqual(self._billings("B1").distributor_id, self.distributor_b)

    def test_each_batch_refreshes_the_statistics_of_the_tables_it_fills(self):
        self._upload()
        with patch(
            "odoo.addons.spm_portal.models.spm_secondary_upload.refresh_statistics", return_value=[]
        ) as refresh:
            self.Upload._spm_run_job()
        refresh.assert_called_once_with(self.env.cr, ("spm_secondary_billing", "spm_secondary_billing_line"))

    def test_unexpected_error_fails_the_upload_without_retrying_forever(self):
        upload = self._upload()

        def broken(*args, **kwargs):
            raise ValueError("broken")

        with (
            patch.object(type(self.Billing), "_create_checked", broken),
            self.assertLogs("odoo.addons.spm_portal.models.spm_secondary_upload", "ERROR"),
        ):
            self.Upload._spm_run_job()
        self.assertEqual(upload.state, "failed")
        self.assertIn("unexpected error", upload.errors[0]["message"])
        self.assertFalse(self._billings())


@tagged("post_install", "-at_install")
class TestUploadAccess(SpmPortalCase):
    """Uploads: read by their distributor and the managers; written by the workflow only."""

    def test_access(self):
        Upload = self.env["spm.secondary.upload"]
        upload = Upload.with_user(self.portal_a)._spm_create_checked(
            self.distributor_a, "a.csv", b"bill_number\n", [], True
        )
        self.assertEqual(upload.with_user(self.portal_a).filename, "a.csv")
        self.assertFalse(Upload.with_user(self.portal_b).search([]), "another distributor sees nothing")
        with self.assertRaises(AccessError):
            upload.with_user(self.portal_b).read(["filename"])
        self.assertEqual(upload.with_user(self.manager_pharma).filename, "a.csv", "a manager reads")
        for user in (self.portal_a, self.manager_pharma):
            with self.assertRaises(AccessError):
                upload.with_user(user).write({"state": "done"})
            with self.assertRaises(AccessError):
                upload.with_user(user).write({"created_count": 1000})
            with self.assertRaises(AccessError):
                Upload.with_user(user).create({"distributor_id": self.distributor_a.id})
            with self.assertRaises(AccessError):
                upload.with_user(user).unlink()
        # A billing's upload is the job's to set, not a manager's.
        billing = self._billing(number="UP-LINK-1")
        with self.assertRaises(AccessError):
            billing.with_user(self.manager_pharma).write({"upload_id": upload.id})
        self.assertFalse(billing.upload_id)
        # Another distributor's user cannot confirm it.
        with self.assertRaises(AccessError):
            upload.with_user(self.portal_b)._spm_confirm()
