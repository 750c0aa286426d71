{
    "name": "SPM: Incentives",
    "summary": "Incentive plans on sales credit: versioned tiered plans, SPIFs, statements "
    "approved by managers and finance, clawbacks",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "SPM for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["spm_credit"],
    "data": [
        "security/spm_incentive_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/spm_incentive_plan_views.xml",
        "views/spm_incentive_plan_version_views.xml",
        "views/spm_incentive_plan_assignment_views.xml",
        "views/spm_incentive_spif_views.xml",
        "views/spm_incentive_statement_views.xml",
        "views/spm_incentive_statement_line_views.xml",
        "views/spm_incentive_earnings_views.xml",
        "wizards/spm_incentive_generate_views.xml",
        "wizards/spm_incentive_payroll_export_views.xml",
        "report/spm_incentive_statement_report.xml",
        "data/mail_template_data.xml",
        "views/spm_incentive_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "spm_incentive/static/src/earnings/*",
        ],
        "web.assets_tests": [
            "spm_incentive/static/tests/tours/*",
        ],
    },
    "demo": [
        "demo/spm_incentive_demo.xml",
    ],
}
