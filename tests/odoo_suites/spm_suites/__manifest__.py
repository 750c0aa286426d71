{
    "name": "SPM test only: Odoo's suites with the addons",
    "summary": "Runs the tests of sale, sale_management, portal and account with the SPM addons loaded",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "SPM for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["spm_portal", "spm_incentive", "spm_suites_baseline"],
    "installable": True,
}
