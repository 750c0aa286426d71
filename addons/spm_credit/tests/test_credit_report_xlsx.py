import io
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..wizards import spm_credit_report_wizard
from .test_achievement_report import SpmAchievementCase


class SpmCreditReportCase(SpmAchievementCase):
    """Besides the Pharma order: an adjustment for A whose customer's name and
    reason look like formulas, and a Consumer adjustment for B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.formula_customer = cls.env["res.partner"].create({"name": "=1+2", "is_company": True})
        cls.adjustment = cls._adjust(
            cls.sales_a, 12.5, partner_id=cls.formula_customer.id, reason="@SUM(A1:A9) bonus"
        )
        # A document name typed by someone else (a distributor's bill number): only the engine sets it.
        cls.env.cr.execute(
            "UPDATE spm_credit_line SET origin = %s WHERE id = %s", ["-cmd|' /C calc'!A0", cls.adjustment.id]
        )
        cls.adjustment.invalidate_recordset(["origin"])
        cls.consumer_adjustment = cls._adjust(
            cls.sales_b, 40.0, unit=cls.unit_consumer, reason="Consumer fair"
        )

    def _wizard(self, user, **vals):
        # The test units only: demo data may credit other units.
        return (
            self.env["spm.credit.report.wizard"]
            .with_user(user)
            .create(
                {
                    "date_from": self.year_start,
                    "date_to": self.year_end,
                    "business_unit_ids": [(6, 0, (self.unit_pharma | self.unit_consumer).ids)],
                    **vals,
                }
            )
        )

    @staticmethod
    def _load(content):
        from openpyxl import load_workbook

        # data_only: the cached values of the total formulas, as Excel shows them.
        return load_workbook(io.BytesIO(content), data_only=True)

    def _export(self, user, **vals):
        output = io.BytesIO()
        wizard = self._wizard(user, **vals)
        totals = wizard._write_xlsx(output)
        return self._load(output.getvalue()), totals

    @staticmethod
    def _header_row(sheet):
        """The table's header row: the last frozen one, under the report's header block."""
        return int(sheet.freeze_panes[1:]) - 1

    @classmethod
    def _table(cls, sheet):
        """Header, data rows (as dicts) and the totals row of a sheet."""
        rows = list(sheet.iter_rows(min_row=cls._header_row(sheet), values_only=True))
        header, data, total = rows[0], rows[1:-1], rows[-1]
        data = [dict(zip(header, row, strict=True)) for row in data]
        return header, data, dict(zip(header, total, strict=True))


@tagged("post_install", "-at_install")
class TestCreditReportXlsx(SpmCreditReportCase):
    def test_totals_equal_credit_lines(self):
        workbook, totals = self._export(self.accountant)
        self.assertEqual(workbook.sheetnames, ["Summary", "Detail", "Adjustments"])
        lines = self.env["spm.credit.line"].search(
            [
                ("date", ">=", self.year_start),
                ("date", "<=", self.year_end),
                ("business_unit_id", "in", (self.unit_pharma | self.unit_consumer).ids),
            ]
        )
        expected = round(sum(lines.mapped("amount")), 2)
        self.assertEqual(expected, 252.5, "100 + 100 overlay + 12.5 + 40")

        __, detail, detail_total = self._table(workbook["Detail"])
        self.assertEqual(sorted(row["Line"] for row in detail), sorted(lines.ids), "every line, once")
        self.assertAlmostEqual(sum(row["Amount"] for row in detail), expected)
        self.assertAlmostEqual(detail_total["Amount"], expected)
        self.assertAlmostEqual(detail_total["Collected"], sum(lines.mapped("amount_collected")))
        self.assertEqual(detail_total["Line"], "Total")

        __, summary, summary_total = self._table(workbook["Summary"])
        self.assertAlmostEqual(
            summary_total["Achieved"], expected, msg="the monthly aggregate adds up to the lines"
        )
        self.assertAlmostEqual(summary_total["Target"], 1440.0)
        self.assertAlmostEqual(summary_total["Attainment"], expected / 1440)
        by_key = {(row["Salesperson"], row["Business Unit"]): row for row in summary}
        a_pharma = by_key[self.sales_a.name, self.unit_pharma.name]
        self.assertAlmostEqual(a_pharma["Achieved"], 62.5)
        self.assertAlmostEqual(a_pharma["Target"], 1200.0)
        self.assertAlmostEqual(a_pharma["Attainment"], 62.5 / 1200)
        self.assertAlmostEqual(by_key[self.sales_b.name, self.unit_consumer.name]["Achieved"], 40.0)
        self.assertEqual(totals["detail"]["rows"], len(lines))

        __, adjustments, adjustments_total = self._table(workbook["Adjustments"])
        self.assertEqual(
            {row["Line"] for row in adjustments}, {self.adjustment.id, self.consumer_adjustment.id}
        )
        self.assertAlmostEqual(adjustments_total["Amount"], 52.5)

        sheet = workbook["Detail"]
        header_row = self._header_row(sheet)
        self.assertEqual(sheet.cell(header_row, 1).value, "Line")
        self.assertTrue(sheet.auto_filter.ref.startswith(f"A{header_row}:"))

    def test_formula_like_text_is_stored_as_text(self):
        workbook, __ = self._export(self.accountant)
        sheet = workbook["Detail"]
        header_row = self._header_row(sheet)
        header = [cell.value for cell in sheet[header_row]]
        cells = next(
            row for row in sheet.iter_rows(min_row=header_row + 1) if row[0].value == self.adjustment.id
        )
        by_name = dict(zip(header, cells, strict=True))
        for column, text in (
            ("Customer", "=1+2"),
            ("Reason", "@SUM(A1:A9) bonus"),
            ("Document", "-cmd|' /C calc'!A0"),
        ):
            self.assertEqual(by_name[column].value, text)
            self.assertEqual(by_name[column].data_type, "s", f"{column} must be a text, not a formula")
        self.assertTrue(by_name["Date"].is_date)
        self.assertEqual(by_name["Date"].number_format, "yyyy-mm-dd")
        self.assertEqual(by_name["Basis"].value, "Adjustment")

    def test_filters(self):
        workbook, __ = self._export(
            self.accountant,
            user_ids=[(6, 0, self.sales_b.ids)],
            business_unit_ids=[(6, 0, self.unit_consumer.ids)],
        )
        __, detail, __ = self._table(workbook["Detail"])
        self.assertEqual([row["Line"] for row in detail], self.consumer_adjustment.ids)

    def test_manager_exports_their_units_only(self):
        workbook, __ = self._export(self.manager_pharma)
        __, detail, __ = self._table(workbook["Detail"])
        self.assertEqual({row["Business Unit"] for row in detail}, {self.unit_pharma.name})
        self.assertNotIn(self.consumer_adjustment.id, [row["Line"] for row in detail])
        __, summary, __ = self._table(workbook["Summary"])
        self.assertEqual({row["Business Unit"] for row in summary}, {self.unit_pharma.name})

    def test_salesperson_cannot_export_others_lines(self):
        with self.assertRaises(AccessError):
            self._wizard(self.sales_a)
        # Even if the export ran for them, the record rules leave only their own lines.
        wizard = self._wizard(self.accountant)
        chunks = wizard.with_user(self.sales_a)._fetch_line_rows(wizard._line_domain())
        salespersons = {row[4] for rows in chunks for row in rows}
        self.assertEqual(salespersons, {self.sales_a.name})
        # And nobody downloads a report someone else prepared.
        with self.assertRaises(AccessError):
            wizard.with_user(self.manager_pharma)._write_xlsx(io.BytesIO())

    def test_lines_are_read_in_chunks(self):
        with patch.object(spm_credit_report_wizard, "CHUNK_SIZE", 2):
            workbook, totals = self._export(self.accountant)
        self.assertEqual(totals["detail"]["rows"], 6)
        __, detail, total = self._table(workbook["Detail"])
        self.assertEqual([row["Line"] for row in detail], sorted(row["Line"] for row in detail))
        self.assertAlmostEqual(total["Amount"], 252.5)

    def test_empty_report(self):
        workbook, totals = self._export(self.accountant, user_ids=[(6, 0, self.manager_consumer.ids)])
        self.assertEqual(totals["detail"]["rows"], 0)
        __, detail, total = self._table(workbook["Detail"])
        self.assertEqual(detail, [], "the header and a total of 0")
        self.assertEqual(total["Amount"], 0)


@tagged("post_install", "-at_install")
class TestCreditReportDownload(HttpCase, SpmCreditReportCase):
    def test_download(self):
        wizard = self._wizard(self.accountant)
        action = wizard.action_export()
        self.assertEqual(action["url"], f"/spm_credit/report/{wizard.id}")
        self.authenticate("t_spm_accountant", "t_spm_accountant")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn("attachment", response.headers["Content-Disposition"])
        __, detail, __ = self._table(self._load(response.content)["Detail"])
        self.assertEqual(len(detail), 6)

        # Someone else's report: refused.
        self.authenticate("t_mgr_pharma", "t_mgr_pharma")
        self.assertEqual(self.url_open(action["url"]).status_code, 403)
