from odoo.tests import tagged

from odoo.addons.base.models.ir_autovacuum import is_autovacuum

from .common import SpmPortalCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"


@tagged("post_install", "-at_install")
class TestUploadDraftCleanup(SpmPortalCase):
    """Uploads left unconfirmed (dry runs never confirmed) are removed with their files
    a week after they were received, by Odoo's daily autovacuum; confirmed ones stay."""

    def _receive(self, number):
        data = (HEADER + f"{number},{self.yesterday},Shop {number},T-INS,1,100\n").encode()
        upload, errors = (
            self.env["spm.secondary.upload"]
            .with_user(self.portal_a)
            ._spm_receive(self.distributor_a, f"{number}.csv", data, True)
        )
        self.assertFalse(errors)
        return upload.sudo()

    def _age(self, upload, days):
        self.env.cr.execute(
            "UPDATE spm_secondary_upload SET create_date = create_date - make_interval(days => %s)"
            " WHERE id = %s",
            (days, upload.id),
        )
        upload.invalidate_recordset(["create_date"])

    def _files(self, uploads):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "spm.secondary.upload"),
                    ("res_field", "=", "file"),
                    ("res_id", "in", uploads.ids),
                ]
            )
        )

    def test_old_drafts_removed_with_their_files(self):
        Upload = self.env["spm.secondary.upload"]
        self.assertTrue(is_autovacuum(type(Upload)._gc_draft_uploads), "run by Odoo's autovacuum")
        old, recent, confirmed = self._receive("DC-1"), self._receive("DC-2"), self._receive("DC-3")
        confirmed.with_user(self.portal_a)._spm_confirm()
        self.assertEqual(confirmed.state, "done")
        self._age(old, 8)
        self._age(recent, 6)
        self._age(confirmed, 30)
        self.assertEqual(len(self._files(old | recent | confirmed)), 3)
        Upload._gc_draft_uploads()
        self.assertFalse(old.exists())
        self.assertFalse(self._files(old), "its file too")
        self.assertEqual((recent | confirmed).exists(), recent | confirmed)
        self.assertEqual(len(self._files(recent | confirmed)), 2)
        self.assertEqual(len(self.Billing.search([("bill_number", "=", "DC-3")])), 1)
