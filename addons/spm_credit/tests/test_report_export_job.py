from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_credit_report_xlsx import SpmCreditReportCase


@tagged("post_install", "-at_install")
class TestReportExportJob(SpmCreditReportCase):
    """A credit report of many lines: built by the background job with the rights of
    the user who asked for it, then offered through an activity linking to the file."""

    def setUp(self):
        super().setUp()
        # Every report of more than one line goes to the background.
        self.env["ir.config_parameter"].set_param("spm_credit.report_background_lines", 1)
        self.Export = self.env["spm.credit.report.export"]

    def test_large_report_is_built_by_the_job(self):
        wizard = self._wizard(self.accountant)
        action = wizard.action_export()
        self.assertEqual(action["tag"], "display_notification")
        export = self.Export.search([("user_id", "=", self.accountant.id)])
        self.assertEqual((len(export), export.state), (1, "queued"))
        self.assertGreater(export.line_count, 1)
        cron = self.env.ref("spm_credit.ir_cron_spm_credit_report_export")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the job is triggered"
        )
        cron, progress = cron._add_progress()
        self.Export.with_context(ir_cron_progress_id=progress.id)._spm_run_job()
        self.assertEqual(export.state, "done")
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        # The same workbook as the download: the accountant's lines, the same totals.
        workbook = self._load(export.attachment_id.raw)
        expected, totals = self._export(self.accountant)
        self.assertEqual(workbook.sheetnames, expected.sheetnames)
        __, data, __ = self._table(workbook[workbook.sheetnames[1]])
        self.assertEqual(len(data), totals["detail"]["rows"])
        activity = export.activity_ids
        self.assertEqual(activity.user_id, self.accountant)
        self.assertIn(f"/web/content/{export.attachment_id.id}?download=true", activity.note)
        # The accountant reads the file; another user does not even see the export.
        self.assertTrue(export.attachment_id.with_user(self.accountant).raw)
        self.assertFalse(self.Export.with_user(self.manager_pharma).search([]))
        with self.assertRaises(AccessError):
            export.attachment_id.with_user(self.manager_pharma).read(["raw"])

    def test_built_with_the_rights_of_the_user(self):
        self._wizard(self.manager_pharma).action_export()
        export = self.Export.search([("user_id", "=", self.manager_pharma.id)])
        self.Export._spm_run_job()
        workbook = self._load(export.attachment_id.raw)
        expected, __ = self._export(self.manager_pharma)
        detail = workbook.sheetnames[1]
        self.assertEqual(self._table(workbook[detail])[1], self._table(expected[detail])[1])

    def test_small_report_downloads_at_once(self):
        self.env["ir.config_parameter"].set_param("spm_credit.report_background_lines", 100_000)
        action = self._wizard(self.accountant).action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertFalse(self.Export.search([("user_id", "=", self.accountant.id)]))

    def test_written_by_the_workflow_only(self):
        self._wizard(self.accountant).action_export()
        export = self.Export.search([("user_id", "=", self.accountant.id)])
        for vals in ({"state": "done"}, {"user_id": self.manager_pharma.id}):
            with self.assertRaises(AccessError):
                export.with_user(self.accountant).write(vals)
        with self.assertRaises(AccessError):
            self.Export.with_user(self.accountant).create({"user_id": self.accountant.id})
