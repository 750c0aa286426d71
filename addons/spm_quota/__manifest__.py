{
    "name": "SPM: Assignments and Quotas",
    "summary": "Salesperson-to-account mapping per business unit, team splits and overlays, "
    "quotas spread over months by seasonality",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "SPM for Odoo contributors",
    "license": "LGPL-3",
    "depends": ["sale_management"],
    "data": [
        "security/spm_quota_security.xml",
        "security/ir.model.access.csv",
        "data/spm_seasonality_profile_data.xml",
        "views/spm_business_unit_views.xml",
        "views/spm_assignment_views.xml",
        "views/spm_seasonality_profile_views.xml",
        "views/spm_quota_views.xml",
        "views/spm_quota_line_views.xml",
        "views/res_partner_views.xml",
        "wizards/spm_assignment_reassign_views.xml",
        "wizards/spm_assignment_split_views.xml",
        "wizards/spm_quota_split_views.xml",
        "views/spm_quota_menus.xml",
    ],
    "demo": [
        "demo/spm_quota_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "spm_quota/static/tests/tours/*",
        ],
    },
    "application": True,
}
