from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditPreview(SpmCreditCase):
    """A quotation shows who will be credited before it is confirmed: the
    credit engine's own answer for its lines."""

    def _rows(self, order):
        rows, uncredited = order._spm_credit_preview()
        return {(unit, user, kind, share) for unit, user, kind, share in rows}, dict(uncredited)

    def test_quotation_shows_splits_and_overlays_the_engine_credits(self):
        quotation = self._order(
            [(self.product_pharma, 1, 100.0), (self.product_orphan, 1, 10.0)], confirm=False
        )
        rows, uncredited = self._rows(quotation)
        pharma = self.unit_pharma
        self.assertEqual(
            rows,
            {
                (pharma, self.sales_a.id, "split", 50.0),
                (pharma, self.sales_b.id, "split", 30.0),
                (pharma, self.sales_c.id, "split", 20.0),
                (pharma, self.sales_d.id, "overlay", 100.0),
            },
        )
        self.assertEqual(uncredited, {"no_unit": 1}, "the line of no unit is said, not dropped")
        self.assertFalse(self.Credit.search([("order_id", "=", quotation.id)]), "previewing credits nothing")
        quotation.action_confirm()
        credited = self.Credit.search([("order_id", "=", quotation.id)])
        self.assertEqual(
            {(line.business_unit_id, line.user_id.id, line.kind, line.share) for line in credited},
            rows,
            "the preview is what confirming credits",
        )

    def test_preview_follows_the_form_and_escapes_names(self):
        self.sales_a.name = "<i>Ann</i>"
        form = Form(self.env["sale.order"].with_user(self.manager_pharma))
        form.partner_id = self.customer
        self.assertFalse(form.spm_credit_preview, "no line, nobody to credit")
        with form.order_line.new() as line:
            line.product_id = self.product_pharma
        html = str(form.spm_credit_preview)
        self.assertIn("&lt;i&gt;Ann&lt;/i&gt;", html)
        self.assertNotIn("<i>Ann", html)
        self.assertIn("Overlay", html)
        self.assertIn("50 %", html)

    def test_preview_for_spm_users_only(self):
        quotation = self._order([(self.product_pharma, 1, 100.0)], confirm=False)
        clerk = new_test_user(self.env, "t_sale_clerk", groups="sales_team.group_sale_salesman_all_leads")
        with self.assertRaises(AccessError):
            quotation.with_user(clerk).read(["spm_credit_preview"])
        self.assertIn("o_spm_credit_preview", quotation.with_user(self.manager_pharma).spm_credit_preview)
        arch = self.env["sale.order"].with_user(clerk).get_view(view_type="form")["arch"]
        self.assertNotIn("spm_credit_preview", arch)

    def test_credit_lines_list_shows_kind(self):
        arch = self.env["spm.credit.line"].get_view(view_type="list")["arch"]
        self.assertRegex(arch, r'<field name="kind" optional="show"')
