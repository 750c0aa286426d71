import csv
import io

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestQuotaImport(SpmQuotaCase):
    """The sample file documented in the README imports with Odoo's standard
    import: its column titles map to the quota's fields by themselves."""

    def test_sample_file_imports_with_standard_import(self):
        with open(file_path("spm_quota/static/samples/spm_quota_import.csv"), encoding="utf-8") as sample:
            header = next(csv.reader(sample))
        rows = [
            [self.sales_a.name, self.unit_pharma.name, "2027-01-01", "2027-12-31", "120000", self.flat.name],
            ["", self.unit_consumer.name, "2027-01-01", "2027-03-31", "3000", self.flat.name],
        ]
        content = io.StringIO()
        csv.writer(content).writerows([header, *rows])
        wizard = self.env["base_import.import"].create(
            {
                "res_model": "spm.quota",
                "file": content.getvalue().encode(),
                "file_name": "quotas.csv",
                "file_type": "text/csv",
            }
        )
        options = {"has_headers": True, "quoting": '"', "separator": ",", "date_format": "%Y-%m-%d"}
        preview = wizard.parse_preview(options)
        self.assertFalse(preview.get("error"), preview.get("error"))
        fields = [match[-1] if match else False for match in preview["matches"].values()]
        self.assertEqual(
            fields,
            ["user_id", "business_unit_id", "date_from", "date_to", "amount", "seasonality_profile_id"],
        )
        result = wizard.execute_import(fields, header, options)
        self.assertFalse(result["messages"], result["messages"])
        quotas = self.env["spm.quota"].browse(result["ids"])
        quotas.action_confirm()
        self.assertEqual(quotas.mapped("state"), ["confirmed", "confirmed"])
        self.assertEqual(len(quotas[0].line_ids), 12)
        self.assertEqual(
            [line.amount for line in quotas[1].line_ids.sorted("month")], [1000.0, 1000.0, 1000.0]
        )
