import io
import json
import time
import zipfile
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.spm_portal.controllers import api as api_module
from odoo.addons.spm_portal.controllers.portal import BLANK_FORM_LINES, MAX_LINES_PER_BILLING
from odoo.addons.spm_portal.tools import billing_file, limits, read_rows, to_number, xlsx_reader

from .http_common import SpmPortalHttpCase
from .test_billing_file import xlsx

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook(sheet_data, shared_strings=None, doctype=""):
    """An XLSX archive written by hand, with the sheet's ``<sheetData>`` content as given."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        rels = f'<Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        if shared_strings is not None:
            rels += f'<Relationship Id="rId2" Type="{OFFICE_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            archive.writestr(
                "xl/sharedStrings.xml",
                f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{s}</t></si>" for s in shared_strings) + "</sst>",
            )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{rels}</Relationships>'
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'{doctype}<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>',
        )
    return output.getvalue()


def inline_row(number, values):
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'


@tagged("post_install", "-at_install")
class TestHostileFiles(TransactionCase):
    """Uploaded files are refused at the first bound they break, with one clear
    error, before the work that grows with them; error lists are bounded."""

    def assertRefused(self, data, text, max_seconds=5, **kwargs):
        start = time.monotonic()
        rows, errors = read_rows(self.env, data, **kwargs)
        self.assertLess(time.monotonic() - start, max_seconds, "refused early")
        self.assertEqual(rows, [])
        self.assertEqual(len(errors), 1, errors[:3])
        self.assertIn(text, errors[0]["message"])
        return errors[0]

    def test_xlsx_with_very_wide_rows(self):
        """The hostile tester's 115 KB workbook of wide rows cost 1.5 GB: the
        first row of more than MAX_XLSX_CELLS_PER_ROW cells stops the reading."""
        row = "<c/>" * 500_000
        data = workbook(f"<row>{row}</row>" * 20)
        self.assertLess(len(data), 200_000)
        error = self.assertRefused(data, "more than 1024 cells")
        self.assertEqual(error["row"], 1)

    def test_xlsx_value_beyond_the_columns(self):
        header = inline_row(1, HEADER.strip().split(","))
        data = workbook(header + '<row r="2"><c r="BZ2"><v>1</v></c></row>')
        error = self.assertRefused(data, "more than 64 columns")
        self.assertEqual(error["row"], 2)

    def test_xlsx_row_number_beyond_a_spreadsheet(self):
        """openpyxl made a billion empty rows of ``<row r="999999999">``."""
        header = inline_row(1, HEADER.strip().split(","))
        self.assertRefused(workbook(header + '<row r="999999999"><c><v>1</v></c></row>'), "cannot be read")

    def test_xlsx_entity_expansion(self):
        doctype = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        self.assertRefused(workbook(inline_row(1, ["&b;"]), doctype=doctype), "cannot be read")

    def test_xlsx_too_many_shared_strings(self):
        data = workbook(inline_row(1, ["x"]), shared_strings=[f"s{i}" for i in range(50)])
        with patch.object(limits, "MAX_XLSX_STRINGS", 10):
            self.assertRefused(data, "too many different texts")

    def test_xlsx_sheet_too_large_once_unpacked(self):
        data = workbook(inline_row(1, HEADER.strip().split(",")) + "<row/>" * 50_000)
        with patch.object(limits, "MAX_XLSX_SHEET_SIZE", 100_000):
            self.assertRefused(data, "too large once unpacked")

    def test_xlsx_values_as_openpyxl_reads_them(self):
        import datetime

        data = xlsx(
            [
                ["bill_number", "bill_date", "retailer", "product", "quantity", "price_unit", "type"],
                ["A-1", datetime.datetime(2026, 1, 5), "Shop", "T-INS", 2, 3.5, True],
                [None, None, None, None, None, None, None],
                [123456789012345, datetime.date(2026, 2, 1), "Shop", "T-SUN", -1, 1e-3, "sale"],
            ]
        )
        rows, errors = read_rows(self.env, data)
        self.assertFalse(errors)
        self.assertEqual([r["row"] for r in rows], [2, 4])
        self.assertEqual(
            {k: rows[0][k] for k in ("bill_date", "quantity", "price_unit", "type")},
            {"bill_date": datetime.date(2026, 1, 5), "quantity": 2, "price_unit": 3.5, "type": "True"},
        )
        self.assertEqual((rows[1]["bill_number"], rows[1]["price_unit"]), (123456789012345, 0.001))

    def test_csv_header_of_a_million_columns(self):
        """It built a million "unknown column" errors."""
        data = ("bill_number," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n").encode()
        self.assertLess(len(data), limits.MAX_FILE_SIZE)
        error = self.assertRefused(data, "is too long")
        self.assertEqual(error["row"], 1)
        data = (HEADER.strip() + "," * 100 + ",x\nA,2026-01-01,S,P,1,1\n").encode()
        self.assertRefused(data, "more than 64 columns")

    def test_csv_trailing_empty_columns_are_no_columns(self):
        data = (HEADER.strip() + "," * 200 + "\nA,2026-01-01,S,P,1,1" + "," * 200 + "\n").encode()
        rows, errors = read_rows(self.env, data)
        self.assertFalse(errors)
        self.assertEqual(len(rows), 1)

    def test_blank_rows_do_not_count_as_rows(self):
        """Blank lines counted towards the bound: the rows after them were dropped without a word."""
        data = (HEADER + "\n\n\n" + "A,2026-01-01,S,P,1,1\n" * 5).encode()
        rows, errors = read_rows(self.env, data, max_rows=5)
        self.assertFalse(errors)
        self.assertEqual(len(rows), 5)
        self.assertRefused(
            (HEADER + "\n\n\n" + "A,2026-01-01,S,P,1,1\n" * 6).encode(), "more than 5", max_rows=5
        )

    def test_errors_are_bounded(self):
        data = (HEADER.strip() + ",\n" + "A,2026-01-01,S,P,1,1,stray\n" * 5000).encode()
        rows, errors = read_rows(self.env, data)
        self.assertEqual(rows, [])
        self.assertEqual(len(errors), limits.MAX_ERRORS + 1)
        self.assertIn("column without a title", errors[0]["message"])
        self.assertEqual(errors[-1]["more"], 5000 - limits.MAX_ERRORS)
        self.assertIn("4,900 more problems", errors[-1]["message"])

    def test_numbers_beyond_floats(self):
        for value in (10**400, -(10**400), "1" * 400, 1e308 * 10):
            self.assertIsNone(to_number(value))
        data = (HEADER + f"A,2026-01-01,S,P,{'9' * 400},1\n").encode()
        rows, errors = read_rows(self.env, data)
        self.assertFalse(errors, "the validator says the quantity is not a number")
        self.assertIsNone(to_number(rows[0]["quantity"]))

    def test_limits_are_those_of_the_module(self):
        """The readers use the named bounds of tools/limits.py, none of their own."""
        self.assertIs(billing_file.MAX_COLUMNS, limits.MAX_COLUMNS)
        self.assertEqual(xlsx_reader.limits, limits)
        self.assertIs(api_module.MAX_BODY, limits.MAX_BODY)


@tagged("post_install", "-at_install")
class TestHostileApiBodies(SpmPortalHttpCase):
    """API bodies are refused before the work that grows with them; malformed
    values get a 4xx with a clear message, never a 500; nothing is saved."""

    def post_raw(self, body, **headers):
        before = self.Billing.search_count([])
        response = self.api("POST", raw=body, key=self.key_a, headers=headers)
        self.assertEqual(self.Billing.search_count([]), before, "a refused request saves nothing")
        return response

    def assertAnswer(self, response, status, text):
        self.assertEqual(response.status_code, status, response.text[:500])
        self.assertIn(text, json.dumps(response.json(), ensure_ascii=False))

    def test_a_million_billings_of_one(self):
        """A 9 MB body of [1,1,...] built five million errors and ended in a MemoryError."""
        body = '{"billings": [' + ",".join(["1"] * 100_000) + "]}"
        self.assertAnswer(self.post_raw(body), 413, "at most 1000 billings")
        with patch.object(api_module, "MAX_JSON_VALUES", 1000):
            self.assertAnswer(self.post_raw(body), 413, "more than 1,000 JSON values")

    def test_lines_are_counted_before_they_are_read(self):
        with patch.object(api_module, "MAX_LINES", 10):
            billing = self.api_billing(lines=[("T-INS", 1, 1.0)] * 11)
            self.assertAnswer(self.post_raw(json.dumps({"billings": [billing]})), 413, "10 lines")

    def test_numbers_beyond_floats(self):
        for number, text in (("1e400", "out of range"), ("-1e400", "out of range"), ("1" * 400, "too large")):
            body = json.dumps({"billings": [self.api_billing()]}).replace(
                '"quantity": 2', f'"quantity": {number}'
            )
            self.assertIn(number[:10], body)
            self.assertAnswer(self.post_raw(body), 400, text)
        body = json.dumps({"billings": [self.api_billing(lines=[("T-INS", float("nan"), 1.0)])]})
        self.assertAnswer(self.post_raw(body), 400, "NaN is not a number")

    def test_lone_surrogate(self):
        body = json.dumps({"billings": [self.api_billing(retailer="Shop \ud800")]})
        self.assertIn("\\ud800", body)
        self.assertAnswer(self.post_raw(body), 400, "half of a surrogate pair")
        # A whole pair is a character like any other.
        body = json.dumps({"billings": [self.api_billing(retailer="Shop \U0001f600")]})
        self.assertEqual(self.api("POST", raw=body, key=self.key_a).status_code, 201)

    def test_body_without_a_length(self):
        def chunks():
            yield json.dumps({"billings": [self.api_billing()]}).encode()

        self.assertAnswer(self.post_raw(chunks()), 411, "Content-Length")

    def test_overlong_text(self):
        body = json.dumps({"billings": [self.api_billing(retailer="x" * 5000)]})
        self.assertAnswer(self.post_raw(body), 400, "At most 1000 characters")

    def test_validator_errors_are_bounded(self):
        billings = [self.api_billing(number=f"E-{i}", lines=[("NO-SUCH", 1, 1.0)] * 3) for i in range(100)]
        response = self.post_raw(json.dumps({"billings": billings}))
        self.assertEqual(response.status_code, 400, response.text[:500])
        data = response.json()
        self.assertEqual(len(data["errors"]), limits.MAX_ERRORS + 1)
        self.assertEqual(data["error_count"], 300)
        self.assertEqual(data["errors"][-1]["more"], 200)
        self.assertIn("200 more problems", data["errors"][-1]["message"])

    def test_malformed_shape_errors_are_bounded(self):
        body = json.dumps({"billings": [{"lines": [1] * 500}]})
        data = self.post_raw(body).json()
        self.assertEqual((len(data["errors"]), data["error_count"]), (limits.MAX_ERRORS + 1, 500))


@tagged("post_install", "-at_install")
class TestHostilePortalInput(SpmPortalHttpCase):
    """Odd values of the portal's routes get an answer, never a server error."""

    def test_product_search_with_odd_limits_and_terms(self):
        self.login(self.portal_a)
        for limit in ("abc", None, [], {"a": 1}, 10**30, -5, "1e400"):
            result = self.make_jsonrpc_request(
                "/my/secondary-sales/products", {"term": "Test", "limit": limit}
            )
            self.assertLessEqual(len(result), limits.MAX_PRODUCT_RESULTS, limit)
        result = self.make_jsonrpc_request("/my/secondary-sales/products", {"term": "Test Sun\x00\ud800"})
        self.assertEqual([p["code"] for p in result], ["T-SUN"])

    def test_list_search_and_ids_out_of_range(self):
        self.login(self.portal_a)
        response = self.url_open("/my/secondary-sales?search=%00abc&search_in=bill_number")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.url_open("/my/secondary-sales/99999999999999").status_code, 404)
        response = self.post("/my/secondary-sales/save", self.form_data(billing_id="9" * 30))
        self.assertEqual(response.status_code, 404)

    def test_form_lines_are_bounded(self):
        """The form's lines are read up to one more than a billing may have: the
        validator refuses them, and the form shown again does not grow with them."""
        self.login(self.portal_a)
        count = MAX_LINES_PER_BILLING + 50
        response = self.post(
            "/my/secondary-sales/save", self.form_data(lines=[("T-INS", "1", "1")] * count, action="save")
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("more than 10000 lines", response.text.replace(",", ""))
        self.assertLessEqual(
            response.text.count('name="line_product"'), MAX_LINES_PER_BILLING + 1 + BLANK_FORM_LINES
        )

    def test_upload_errors_are_bounded(self):
        self.login(self.portal_a)
        data = (HEADER + "A,2026-01-01,S,P,1,1,stray\n" * 3000).encode()
        token = self.csrf("/my/secondary-sales/upload")
        response = self.opener.post(
            self.base_url() + "/my/secondary-sales/upload",
            data={"csrf_token": token},
            files={"file": ("b.csv", data, "text/csv")},
            timeout=60,
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("3000 problems were found (the first 100 are listed)", " ".join(response.text.split()))
        self.assertEqual(response.text.count("o_spm_error_message"), limits.MAX_ERRORS)
