import io

from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook

from odoo.tests import tagged

from odoo.addons.spm_credit.tests.test_credit_engine_structure import SourceInterfaceCheck

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestCreditBoundaries(SpmPortalCase, SourceInterfaceCheck):
    """Secondary billing lines are credit sources like order and invoice lines,
    and what only secondary credit needs is the portal's."""

    def test_billing_lines_are_a_declared_source(self):
        self.assertCreditSource("spm.secondary.billing.line")
        billing = self._billing(lines=[("T-INS", 2, 100.0)])
        self.assertEqual(billing.line_ids._spm_creditable(), billing.line_ids)
        (desc,) = self.assertDescribes(billing.line_ids)
        self.assertEqual((desc.document, desc.account, desc.amount), (billing, self.distributor_a, 200.0))
        self.assertEqual(desc.links["distributor_id"], self.distributor_a.id)

    def test_distributor_and_secondary_basis_belong_to_the_portal(self):
        field = self.env["ir.model.fields"]._get("spm.credit.line", "distributor_id")
        self.assertEqual(field.modules, "spm_portal")
        secondary = self.env["ir.model.fields.selection"].search(
            [("field_id", "=", self.env["ir.model.fields"]._get("spm.credit.line", "basis").id)]
        )
        owners = {
            selection.value: self.env["ir.model.data"]
            .search([("model", "=", "ir.model.fields.selection"), ("res_id", "=", selection.id)])
            .mapped("module")
            for selection in secondary
        }
        self.assertEqual(owners["secondary"], ["spm_portal"])
        self.assertEqual(owners["order"], ["spm_credit"])
        self.assertEqual(
            [value for value, __ in self.env["spm.credit.line"]._fields["basis"].selection],
            ["order", "invoice", "secondary", "manual"],
        )

    def test_reversal_keeps_the_portal_links(self):
        billing = self._billing(lines=[("T-INS", 1, 100.0)])
        credited = self.Credit.search([("secondary_billing_id", "=", billing.id)])
        billing.with_user(self.manager_pharma).action_reject("Duplicate")
        reversals = self.Credit.search([("reversed_line_id", "in", credited.ids)])
        self.assertEqual(len(reversals), len(credited))
        for reversal in reversals:
            original = reversal.reversed_line_id
            self.assertEqual(
                (reversal.distributor_id, reversal.secondary_line_id, reversal.secondary_billing_id),
                (self.distributor_a, original.secondary_line_id, billing),
            )
            self.assertEqual((reversal.basis, reversal.amount), ("secondary", -original.amount))

    def test_credit_report_names_the_distributor(self):
        billing = self._billing(lines=[("T-INS", 1, 100.0)])
        wizard = self.env["spm.credit.report.wizard"].create(
            {
                "date_from": self.yesterday.replace(day=1),
                "date_to": self.yesterday + relativedelta(day=31),
                "business_unit_ids": [(6, 0, self.unit_pharma.ids)],
            }
        )
        # The export is a request of its own: it reads what earlier requests stored.
        self.env.flush_all()
        output = io.BytesIO()
        totals = wizard._write_xlsx(output)
        sheet = load_workbook(io.BytesIO(output.getvalue()), data_only=True)["Detail"]
        header_row = int(sheet.freeze_panes[1:]) - 1
        rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
        header = list(rows[0])
        self.assertEqual(header[header.index("Customer") + 1], "Distributor")
        by_line = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:-1]}
        for line in self.Credit.search([("secondary_billing_id", "=", billing.id)]):
            self.assertEqual(by_line[line.id]["Distributor"], self.distributor_a.complete_name)
            self.assertEqual(by_line[line.id]["Customer"], billing.retailer_id.complete_name)
        # The totals stay under the amounts, the distributor's column added before them.
        self.assertEqual(dict(zip(header, rows[-1], strict=True))["Amount"], totals["detail"]["amount"])
