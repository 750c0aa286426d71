{
    "name": "SPM: Distributor Portal and Secondary Sales",
    "summary": "Distributors report their sales to retailers on the portal, by file upload or through a "
    "JSON API; validated secondary billings credit the distributor's salespersons",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "SPM for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["spm_credit", "portal"],
    "external_dependencies": {"python": ["openpyxl"]},
    "data": [
        "security/spm_portal_security.xml",
        "security/ir.model.access.csv",
        "security/spm_secondary_upload_security.xml",
        "security/spm_distributor_layout_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/spm_distributor_layout_data.xml",
        "data/ir_cron_data.xml",
        "views/spm_secondary_billing_views.xml",
        "views/spm_secondary_billing_line_views.xml",
        "views/res_partner_views.xml",
        "views/spm_business_unit_views.xml",
        "views/spm_credit_line_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/spm_secondary_billing_reject_views.xml",
        "views/spm_portal_templates.xml",
        "views/spm_portal_menus.xml",
        "views/spm_distributor_layout_views.xml",
    ],
    "demo": [
        "demo/spm_portal_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "spm_portal/static/src/js/*",
            "spm_portal/static/src/scss/*",
        ],
        "web.assets_tests": [
            "spm_portal/static/tests/tours/*",
        ],
    },
}
