{
    "name": "SPM test only: Odoo's suites with crediting active",
    "summary": "Runs the tests of sale, sale_management, portal and account with every line credited",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "SPM for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["spm_suites"],
    "data": ["data/spm_suites_crediting_data.xml"],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
