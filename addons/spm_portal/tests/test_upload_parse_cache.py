import base64
from unittest.mock import patch

from odoo.tests import tagged

from ..tools import group_rows
from ..tools.billing_export import read_export
from ..tools.parse_cache import ParseCache, parsed_billings
from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestUploadParseCache(SpmPortalCase):
    """The upload job reads a file of several batches once, not once per call of the cron,
    and reads it again when what the reading depends on has changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Upload = cls.env["spm.secondary.upload"]
        cls.Layout = cls.env["spm.distributor.layout"]
        cls.cron = cls.env.ref("spm_portal.ir_cron_spm_secondary_upload")

    def setUp(self):
        super().setUp()
        # Two lines a batch, so that five billings of one line take three batches.
        self.env["ir.config_parameter"].set_param("spm_portal.upload_batch_lines", 2)
        parsed_billings.clear()
        self.addCleanup(parsed_billings.clear)
        self.reads = 0
        read = type(self.Upload)._spm_parse

        def counted(upload):
            self.reads += 1
            return read(upload)

        patcher = patch.object(type(self.Upload), "_spm_parse", counted)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _upload(self, header, lines, layout=None):
        """An upload of ``lines`` (rows of one line each, after ``header``) read through
        ``layout`` (else the template's columns), confirmed by distributor A's user."""
        data = (header + "\n" + "".join(f"{line}\n" for line in lines)).encode()
        layout = layout or self.Layout
        billings, _errors = group_rows(self.env, read_export(self.env, data, layouts=layout).rows)
        upload = self.Upload.with_user(self.portal_a)._spm_create_checked(
            self.distributor_a, "cache.csv", data, billings, True
        )
        upload.sudo().layout_id = layout
        upload._spm_confirm()
        return upload

    def _run_job(self):
        """One call of the job, as Odoo's cron makes it."""
        _cron, progress = self.cron._add_progress()
        self.Upload.with_context(ir_cron_progress_id=progress.id)._spm_run_job()

    def _credit_of(self, upload):
        return self._credit([("secondary_billing_id", "in", upload.billing_ids.ids)])

    def test_a_file_is_read_once_for_all_its_batches(self):
        upload = self._upload(
            "bill_number,bill_date,retailer,product,quantity,price_unit",
            [f"C-{n},{self.yesterday},Shop C-{n},T-INS,1,100" for n in range(5)],
        )
        for _call in range(3):
            self._run_job()
        self.assertEqual((upload.state, upload.progress_done, upload.created_count), ("done", 5, 5))
        self.assertEqual(self.reads, 1, "three calls of the job, one reading of the file")
        self.assertEqual(parsed_billings.hits, 2)
        # As without the cache (TestUploadJob): 5 lines of 100, split 60/40 in Pharma.
        self.assertEqual(self._credit_of(upload), {self.sales_a: 300.0, self.sales_b: 200.0})
        self.assertEqual(
            parsed_billings.get(self.env.cr.dbname, upload.id, upload._spm_parse_version()),
            None,
            "a finished import's billings are not kept",
        )

    def test_the_dry_run_reading_serves_the_import(self):
        """A file checked by the job (more than a batch) is read by its dry run, and that
        reading serves every batch of its import: the file is not read again."""
        data = (
            "bill_number,bill_date,retailer,product,quantity,price_unit\n"
            + "".join(f"D-{n},{self.yesterday},Shop D-{n},T-INS,1,100\n" for n in range(5))
        ).encode()
        upload, errors = self.Upload.with_user(self.portal_a)._spm_receive(
            self.distributor_a, "d.csv", data, True
        )
        self.assertFalse(errors)
        self.assertEqual(upload.sudo().state, "checking")
        self._run_job()
        self.assertEqual(upload.sudo().state, "draft")
        upload._spm_confirm()
        for _call in range(3):
            self._run_job()
        upload = upload.sudo()
        self.assertEqual((upload.state, upload.created_count), ("done", 5))
        self.assertEqual(self.reads, 0, "the import's batches were served the dry run's reading")
        self.assertEqual(parsed_billings.hits, 3)
        self.assertEqual(self._credit_of(upload), {self.sales_a: 300.0, self.sales_b: 200.0})

    def test_a_changed_layout_is_read_again(self):
        keys = ["invoice", "date", "outlet", "sku", "pcs", "free", "rate"]
        mapping = {
            "invoice": "bill_number",
            "date": "bill_date",
            "outlet": "retailer",
            "sku": "product",
            "pcs": "quantity",
            "rate": "price_unit",
        }
        layout = self.Layout._spm_save_for(self.distributor_a, keys, mapping)
        upload = self._upload(
            "Invoice,Date,Outlet,SKU,Pcs,Free,Rate",
            [f"L-{n},{self.yesterday},Shop L-{n},T-INS,1,2,100" for n in range(5)],
            layout=layout,
        )
        self._run_job()
        self._run_job()
        self.assertEqual((self.reads, upload.progress_done), (1, 4))
        # The distributor maps the quantity to another column: the file is read through it.
        mapping = {**{key: field for key, field in mapping.items() if key != "pcs"}, "free": "quantity"}
        self.Layout._spm_save_for(self.distributor_a, keys, mapping)
        self._run_job()
        self.assertEqual((upload.state, self.reads), ("done", 2))
        self.assertEqual(
            upload.billing_ids.sorted("bill_number").mapped("line_ids.quantity"), [1.0, 1.0, 1.0, 1.0, 2.0]
        )

    def test_another_file_of_the_same_upload_is_read_again(self):
        upload = self._upload(
            "bill_number,bill_date,retailer,product,quantity,price_unit",
            [f"F-{n},{self.yesterday},Shop F-{n},T-INS,1,100" for n in range(5)],
        )
        self._run_job()
        data = (
            "bill_number,bill_date,retailer,product,quantity,price_unit\n"
            + "".join(f"F-{n},{self.yesterday},Shop F-{n},T-INS,3,100\n" for n in range(5))
        ).encode()
        upload.sudo().write({"file": base64.b64encode(data)})
        self._run_job()
        self.assertEqual(self.reads, 2, "the file's checksum changed: read again")
        self.assertEqual(
            upload.billing_ids.sorted("bill_number").mapped("line_ids.quantity"), [1.0, 1.0, 3.0, 3.0]
        )

    def test_cache_bounds(self):
        cache = ParseCache(max_files=2, max_rows=5)
        billing = {"lines": [{}, {}]}
        cache.put("db", 1, "v", (billing,))
        cache.put("db", 2, "v", (billing,))
        self.assertEqual(cache.get("db", 1, "v"), (billing,))
        cache.put("db", 3, "v", (billing,))
        self.assertIsNone(cache.get("db", 1, "v"), "6 rows: the oldest evicted")
        self.assertEqual(cache.get("db", 3, "v"), (billing,))
        self.assertIsNone(cache.get("db", 3, "w"), "never served under another version")
        self.assertIsNone(cache.get("other", 3, "v"), "nor for another database")
        cache.put("db", 4, "v", (billing,) * 3)
        self.assertIsNone(cache.get("db", 4, "v"), "a file above the rows is not kept")
