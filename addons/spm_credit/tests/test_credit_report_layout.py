from odoo.tests import tagged

from .test_credit_report_xlsx import SpmCreditReportCase


@tagged("post_install", "-at_install")
class TestCreditReportLayout(SpmCreditReportCase):
    """What an accountant pays from: the report says what it covers, and each
    figure carries its currency, state, kind, base and share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_a.partner_id.ref = "EMP-A"

    def _row(self, rows, **values):
        [row] = [row for row in rows if all(row[key] == value for key, value in values.items())]
        return row

    def test_header_block_and_print_setup(self):
        workbook, __ = self._export(self.accountant)
        for sheet in workbook:
            header_row = self._header_row(sheet)
            block = [sheet.cell(row, 1).value for row in range(1, header_row)]
            self.assertEqual(block[0], "Sales Credit Report")
            self.assertEqual(block[1], f"Companies: {self.company.name}")
            self.assertEqual(
                block[2],
                f"Period: {self.year_start:%B %Y} to {self.year_end:%B %Y}",
                "whole months, read as months",
            )
            units = ", ".join((self.unit_pharma | self.unit_consumer).mapped("display_name"))
            self.assertEqual(block[3], f"Business units: {units}")
            self.assertEqual(block[4], "Salespersons: All")
            self.assertTrue(block[5].startswith("Generated on "), block[5])
            self.assertTrue(block[5].endswith(f" by {self.accountant.name}"), block[5])
            self.assertIsNone(block[6], "an empty row before the table")

            self.assertEqual(sheet.page_setup.orientation, "landscape")
            self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
            self.assertEqual((sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight), (1, 0))
            self.assertEqual(
                sheet.print_title_rows, f"${header_row}:${header_row}", "the header on every page"
            )

    def test_detail_base_share_kind_currency(self):
        workbook, __ = self._export(self.accountant)
        header, detail, __ = self._table(workbook["Detail"])
        currency = self.company.currency_id.name
        self.assertEqual(
            header[11:19],
            ("Basis", "Kind", "State", "Currency", "Base Amount", "Share", "Amount", "Collected"),
        )
        order_rows = [row for row in detail if row["Basis"] == "Order"]
        self.assertEqual(len(order_rows), 4)
        for row in order_rows:
            self.assertEqual(row["Currency"], currency)
            self.assertEqual(row["Base Amount"], 100.0, "the order line, whoever is credited")
            self.assertAlmostEqual(row["Base Amount"] * row["Share"], row["Amount"], places=2)
            self.assertEqual(row["State"], "Provisional")
            self.assertEqual(row["Adjustment"], "No")
        split_a = self._row(order_rows, Salesperson=self.sales_a.name)
        self.assertEqual(
            (split_a["Kind"], split_a["Share"], split_a["Amount"], split_a["Salesperson Ref."]),
            ("Team split", 0.5, 50.0, "EMP-A"),
        )
        overlay = self._row(order_rows, Salesperson=self.sales_d.name)
        self.assertEqual((overlay["Kind"], overlay["Share"], overlay["Amount"]), ("Overlay", 1.0, 100.0))
        self.assertIsNone(overlay["Salesperson Ref."])

        adjustment = self._row(detail, Line=self.adjustment.id)
        self.assertEqual(
            (adjustment["Kind"], adjustment["Adjustment"], adjustment["Base Amount"], adjustment["Share"]),
            ("Manual", "Yes", None, None),
            "an adjustment is no share of anything",
        )
        sheet = workbook["Detail"]
        row = self._header_row(sheet) + 1
        self.assertEqual(sheet.cell(row, header.index("Share") + 1).number_format, "0.00%")

    def test_reversal_keeps_base_and_share(self):
        self._invoice(self.order)
        workbook, __ = self._export(self.accountant)
        __, detail, __ = self._table(workbook["Detail"])
        reversal = self._row(detail, Salesperson=self.sales_a.name, State="Reversal")
        self.assertEqual(
            (reversal["Base Amount"], reversal["Share"], reversal["Amount"]), (-100.0, 0.5, -50.0)
        )

    def test_summary_states_and_attainment(self):
        workbook, totals = self._export(self.accountant)
        sheet = workbook["Summary"]
        header, summary, total = self._table(sheet)
        self.assertEqual(
            header[4:],
            ("Currency", "Target", "Achieved", "Provisional", "Confirmed", "Collected", "Attainment", "Held"),
        )
        a_pharma = self._row(
            summary, Salesperson=self.sales_a.name, **{"Business Unit": self.unit_pharma.name}
        )
        self.assertEqual(a_pharma["Salesperson Ref."], "EMP-A")
        self.assertEqual(a_pharma["Currency"], self.company.currency_id.name)
        self.assertEqual(
            (a_pharma["Achieved"], a_pharma["Provisional"], a_pharma["Confirmed"]),
            (62.5, 50.0, 12.5),
            "the order is provisional until invoiced; the adjustment is confirmed",
        )
        self.assertAlmostEqual(a_pharma["Attainment"], 62.5 / 1200)
        row = self._header_row(sheet) + 1 + summary.index(a_pharma)
        self.assertEqual(sheet.cell(row, header.index("Attainment") + 1).number_format, "0.00%")
        # C and D have no target: no attainment, rather than 0 %.
        overlay_d = self._row(summary, Salesperson=self.sales_d.name)
        self.assertEqual((overlay_d["Target"], overlay_d["Attainment"]), (0, None))
        self.assertEqual(total["Provisional"] + total["Confirmed"], total["Achieved"])
        self.assertEqual((totals["summary"]["provisional"], totals["summary"]["confirmed"]), (200.0, 52.5))

        # Invoiced, the order's credit is confirmed: the reversal counts against provisional.
        self._invoice(self.order)
        workbook, __ = self._export(self.accountant)
        __, summary, __ = self._table(workbook["Summary"])
        a_pharma = self._row(
            summary, Salesperson=self.sales_a.name, **{"Business Unit": self.unit_pharma.name}
        )
        self.assertEqual((a_pharma["Provisional"], a_pharma["Confirmed"]), (0, 62.5))
