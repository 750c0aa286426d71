from odoo.tests import HttpCase, tagged

from .test_dispute_answer import SpmDisputeAnswerCase


@tagged("post_install", "-at_install")
class TestDisputeAnswerPhoneTour(HttpCase, SpmDisputeAnswerCase):
    """The salesperson finds his closed dispute and its answer on a phone
    (390 x 844, touch), as on the desktop."""

    browser_size = "390x844"
    touch_enabled = True

    def test_salesperson_finds_his_closed_dispute_on_a_phone(self):
        self._resolve()
        adjustment = self._adjust(self.sales_a, 10.0)
        self.env["spm.credit.dispute"].with_user(self.sales_a).create(
            {"credit_line_id": adjustment.id, "description": "The bonus was 20"}
        )
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dispute_action",
            "spm_credit_dispute_answer_phone",
            login="t_sales_a",
            timeout=90,
        )
