import datetime
import io
import zipfile

from odoo.tests import BaseCase, tagged

from ..tools import Formula, XlsxStreamWriter, column_letter


@tagged("post_install", "-at_install")
class TestXlsxStream(BaseCase):
    """The streaming writer behind the credit report makes files that
    spreadsheets read back as written (openpyxl stands for Excel here)."""

    STYLES = {
        "header": {"bold": True, "bg_color": "#E9ECEF", "bottom": True, "text_wrap": True, "valign": "top"},
        "date": {"num_format": "yyyy-mm-dd"},
        "money": {"num_format": "#,##0.00"},
        "total": {"bold": True, "top": True, "num_format": "#,##0.000"},
    }

    def _write(self, rows, title="Sheet", widths=(10, 12, 14), styles=()):
        output = io.BytesIO()
        with XlsxStreamWriter(output, self.STYLES) as workbook:
            sheet = workbook.add_sheet(title, list(widths))
            for row in rows:
                sheet.append(row, styles)
            sheet.set_autofilter(len(widths) - 1)
            workbook.add_sheet("Second", [8]).append(["other sheet"])
        return output.getvalue()

    @staticmethod
    def _load(content, data_only=True):
        from openpyxl import load_workbook

        return load_workbook(io.BytesIO(content), data_only=data_only)

    def test_values_read_back_with_their_types(self):
        day = datetime.date(2026, 2, 28)
        content = self._write(
            [
                ["Name", "Amount", "When"],
                ["=1+2", 12.5, day],
                ['a < b & c > "d"', 7, datetime.datetime(2026, 3, 1, 12, 0)],
                ["  spaced  ", True, None],
                ["bell\x07 and nul\x00 gone", False, "@SUM(A1)"],
            ],
            styles=(None, "money", "date"),
        )
        sheet = self._load(content)["Sheet"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0], ("Name", "Amount", "When"))
        self.assertEqual(rows[1], ("=1+2", 12.5, datetime.datetime(2026, 2, 28)))
        self.assertEqual(sheet["A2"].data_type, "s", "a text that looks like a formula stays a text")
        self.assertEqual(rows[2], ('a < b & c > "d"', 7, datetime.datetime(2026, 3, 1, 12, 0)))
        self.assertEqual(rows[3], ("  spaced  ", True, None))
        self.assertEqual(rows[4], ("bell and nul gone", False, "@SUM(A1)"))
        self.assertEqual(sheet["C2"].number_format, "yyyy-mm-dd")
        self.assertEqual(sheet["B2"].number_format, "#,##0.00")

    def test_formulas_keep_text_and_cached_value(self):
        content = self._write(
            [["Total", 1.5, None], [None, 2.5, None], ["Sum", Formula("SUBTOTAL(9,B1:B2)", 4.0), None]],
            styles=(None, "total"),
        )
        self.assertEqual(self._load(content)["Sheet"]["B3"].value, 4.0)
        formulas = self._load(content, data_only=False)["Sheet"]
        self.assertEqual(formulas["B3"].value, "=SUBTOTAL(9,B1:B2)")
        self.assertTrue(formulas["B3"].font.b)
        self.assertEqual(formulas["B3"].number_format, "#,##0.000")

    def test_sheet_layout(self):
        content = self._write(
            [["A", "B", "C"], [1, 2, 3]],
            title="Owner's very long sheet title, cut at 31",
            styles=["header"] * 3,
        )
        workbook = self._load(content)
        self.assertEqual(workbook.sheetnames, ["Owner's very long sheet title, ", "Second"])
        sheet = workbook.worksheets[0]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:C2")
        self.assertEqual(sheet["A1"].fill.fgColor.rgb, "FFE9ECEF")
        self.assertTrue(sheet["A1"].alignment.wrap_text)
        self.assertEqual(sheet["A1"].border.bottom.style, "thin")
        self.assertAlmostEqual(sheet.column_dimensions["B"].width, 12.7109375)
        self.assertEqual(workbook["Second"]["A1"].value, "other sheet")
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.assertIn('localSheetId="0"', archive.read("xl/workbook.xml").decode())

    def test_block_above_header_and_print_setup(self):
        output = io.BytesIO()
        with XlsxStreamWriter(output, self.STYLES) as workbook:
            sheet = workbook.add_sheet(
                "Report",
                [10, 12],
                header_row=3,
                print_setup={"landscape": True, "fit_to_width": True, "repeat_header": True},
            )
            sheet.append(["Title: what the table covers"])
            sheet.append([])
            sheet.append(["Name", "Ratio"], ["header"] * 2)
            sheet.append(["a", 0.5])
            sheet.append(["Total", Formula('IF(B4=0,"",B4)', "")])
            sheet.set_autofilter(1)
            workbook.add_sheet("Plain", [8]).append(["no print setup"])
        workbook = self._load(output.getvalue())
        sheet = workbook["Report"]
        self.assertEqual(sheet["A1"].value, "Title: what the table covers")
        self.assertEqual(sheet.freeze_panes, "A4", "frozen under the header, not under the block")
        self.assertEqual(sheet.auto_filter.ref, "A3:B5")
        self.assertEqual(sheet.page_setup.orientation, "landscape")
        self.assertEqual((sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight), (1, 0))
        self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
        self.assertTrue(sheet.print_options.gridLines)
        self.assertEqual(sheet.print_title_rows, "$3:$3")
        self.assertIn(sheet["B5"].value, ("", None), "a formula showing a text, here nothing")
        plain = workbook["Plain"]
        self.assertIsNone(plain.print_title_rows)
        self.assertNotEqual(plain.page_setup.orientation, "landscape")

    def test_empty_cells_without_style_are_left_out(self):
        content = self._write([["x", None, None]])
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>', sheet_xml)

    def test_column_letters(self):
        self.assertEqual(
            [column_letter(c) for c in (0, 25, 26, 51, 52, 701, 702)],
            ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"],
        )
