{
    "name": "SPM: Real-time Sales Credit",
    "summary": "Credit salespersons in the same transaction as orders, invoices and payments; "
    "period lock, adjustments, live dashboard and XLSX credit report",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "SPM for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["spm_quota", "account"],
    "data": [
        "security/spm_credit_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/spm_credit_line_views.xml",
        "views/spm_credit_issue_views.xml",
        "views/spm_credit_dispute_views.xml",
        "views/spm_business_unit_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "report/spm_achievement_report_views.xml",
        "security/spm_achievement_security.xml",
        "views/spm_credit_dashboard_views.xml",
        "wizards/spm_credit_report_wizard_views.xml",
        "views/spm_credit_menus.xml",
        "views/spm_credit_monthly_views.xml",
    ],
    "demo": [
        "demo/spm_credit_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "spm_credit/static/src/credit_updates/*",
            "spm_credit/static/src/dashboard/*",
            "spm_credit/static/src/accountant/*",
        ],
        "web.assets_tests": [
            "spm_credit/static/tests/tours/*",
        ],
    },
    "uninstall_hook": "uninstall_hook",
}
