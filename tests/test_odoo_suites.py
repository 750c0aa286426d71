"""The reading of Odoo's test logs by ``./spm test --odoo-suites``: which
tests ran, failed (and why) or were skipped, under Odoo's own test ids."""

from spm_tool import suites

PREFIX = "2026-12-01 09:03:47,499 86"
MODULE = "odoo.addons.suites.tests"

LOG = f"""\
{PREFIX} INFO db odoo.modules.loading: Loading module spm_suites_crediting (58/58)
{PREFIX} INFO db {MODULE}.test_sale__test_sale_flow: Starting TestSaleFlow.test_qty_delivered ...
{PREFIX} INFO db odoo.addons.spm_suites.models.spm_credit_line: spm_suites: 3 credit lines written
{PREFIX} INFO db {MODULE}.test_sale__test_sale_flow: Starting TestSaleFlow.test_refund ...
{PREFIX} INFO db odoo.addons.spm_suites.models.spm_credit_line: spm_suites: 2 credit lines written
{PREFIX} INFO db odoo.addons.spm_suites.models.spm_credit_issue: spm_suites: 1 credit issues opened
{PREFIX} INFO db {MODULE}.test_sale__test_sale_flow: ========================================
{PREFIX} ERROR db {MODULE}.test_sale__test_sale_flow: ERROR: TestSaleFlow.test_refund
Traceback (most recent call last):
  File "/odoo/addons/sale/tests/test_sale_flow.py", line 12, in test_refund
    invoice.action_post()
  File "/addons/spm_credit/models/spm_credit_line.py", line 600, in _sync_collected
    raise AccessError(message)
odoo.exceptions.AccessError: You are not allowed to access 'Sales Credit Line' (spm.credit.line) records.

This operation is allowed for the following groups:
{PREFIX} INFO db {MODULE}.test_sale_management__test_sale_order: Starting TestSaleOrder.test_lines ...
{PREFIX} ERROR db {MODULE}.test_sale_management__test_sale_order: FAIL: Subtest TestSaleOrder.test_lines (l=2)
Traceback (most recent call last):
  File "/odoo/addons/sale_management/tests/test_sale_order.py", line 40, in test_lines
    self.assertEqual(1, 2)
AssertionError: 1 != 2
{PREFIX} ERROR db {MODULE}.test_sale_management__test_sale_order: FAIL: Subtest TestSaleOrder.test_lines (l=3)
Traceback (most recent call last):
AssertionError: 1 != 3
{PREFIX} ERROR db odoo.tests.suite: ERROR: setUpClass ({MODULE}.test_account__test_account_tax.TestTax)
Traceback (most recent call last):
  File "/odoo/addons/account/tests/test_account_tax.py", line 9, in setUpClass
    super().setUpClass()
ValueError: no company
{PREFIX} INFO db {MODULE}.test_portal__test_tours: skipped TestUi.test_tour : no browser
{PREFIX} INFO db odoo.tests.stats: spm_suites_crediting: 4 tests 2.00s 300 queries
{PREFIX} ERROR db odoo.tests.result: 2 failed, 2 error(s) of 4 tests when loading database 'db'
"""


def test_tests_run_and_skipped_under_odoo_ids():
    result = suites.parse_suite_log(LOG.splitlines(keepends=True))
    assert result["tests"] == {
        "sale.test_sale_flow.TestSaleFlow.test_qty_delivered",
        "sale.test_sale_flow.TestSaleFlow.test_refund",
        "sale_management.test_sale_order.TestSaleOrder.test_lines",
    }
    assert result["skipped"] == {"portal.test_tours.TestUi.test_tour"}
    assert result["summary"] == (2, 2, 4)


def test_failures_with_the_key_line_of_their_traceback():
    result = suites.parse_suite_log(LOG.splitlines(keepends=True))
    assert result["failed"] == {
        "sale.test_sale_flow.TestSaleFlow.test_refund": (
            "odoo.exceptions.AccessError: You are not allowed to access 'Sales Credit Line' "
            "(spm.credit.line) records."
        ),
        # Failing subtests fail their test once, with the first failure's reason.
        "sale_management.test_sale_order.TestSaleOrder.test_lines": "AssertionError: 1 != 2",
        "account.test_account_tax.TestTax.setUpClass": "ValueError: no company",
    }


def test_credit_reported_by_the_suites_module():
    result = suites.parse_suite_log(LOG.splitlines(keepends=True))
    assert (result["credit_lines"], result["issues"]) == (5, 1)


def test_a_log_without_report():
    result = suites.parse_suite_log(
        [f"{PREFIX} CRITICAL db odoo.service.server: Failed to initialize database\n"]
    )
    assert result["summary"] is None
    assert not result["tests"]
