{
    "name": "SPM test only: Odoo's suites, baseline",
    "summary": "Re-exports the tests of sale, sale_management, portal and account (test runs only)",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "SPM for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["sale_management", "account", "portal"],
    "installable": True,
}
