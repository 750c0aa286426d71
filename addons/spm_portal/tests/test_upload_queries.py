from odoo.tests import tagged

from ..tools import group_rows, read_rows
from .common import SpmPortalCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"


@tagged("post_install", "-at_install")
class TestUploadQueries(SpmPortalCase):
    """A batch of the upload job (check, create, submit, credit) makes a number of
    queries that does not grow with its billings, but for the one of each
    billing's reference (its sequence's next number)."""

    def _batch_queries(self, prefix, count):
        """The queries of the confirmation (one batch) of an upload of ``count`` billings of two lines."""
        # One retailer, the lines differing by their quantities: no bill is a duplicate.
        data = (
            HEADER
            + "".join(
                f"{prefix}-{n},{self.yesterday},Shop {prefix},T-INS,{n + 1},100\n"
                f"{prefix}-{n},{self.yesterday},Shop {prefix},T-INS,{n + 2},90\n"
                for n in range(count)
            )
        ).encode()
        billings, _errors = group_rows(self.env, read_rows(self.env, data)[0])
        upload = (
            self.env["spm.secondary.upload"]
            .with_user(self.portal_a)
            ._spm_create_checked(self.distributor_a, f"{prefix}.csv", data, billings, True)
        )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        # A file of one batch: the confirmation runs the job's batch method at once.
        upload._spm_confirm()
        self.env.flush_all()
        queries = self.cr.sql_log_count - before
        self.assertEqual((upload.state, upload.created_count), ("done", count))
        return queries

    def test_batch_queries_do_not_grow_with_its_billings(self):
        self.env["ir.config_parameter"].set_param("spm_portal.upload_batch_lines", 100)
        self._batch_queries("W", 1)  # caches warmed
        small = self._batch_queries("S", 3)
        large = self._batch_queries("L", 12)
        # One query a billing: the reference's sequence (ir.sequence's nextval).
        self.assertLessEqual(large - small, 12 - 3, f"{small} queries for 3 billings, {large} for 12")
