import { registry } from "@web/core/registry";

/**
 * An accountant opens Sales from the apps menu and lands on the reports he
 * pays incentives from, not on an empty "My performance".
 */
registry.category("web_tour.tours").add("spm_credit_accountant_landing", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Sales",
            trigger: ".o-dropdown-item[data-menu-xmlid='sale.sale_menu_root']",
            run: "click",
        },
        {
            content: "The accountant's landing, not a salesperson's dashboard",
            trigger: "body:not(:has(.o_spm_dashboard)) .o_spm_accountant_overview .o_spm_overview_credit_report",
        },
        {
            content: "What the report would miss: the credit issues",
            trigger: ".o_spm_overview_issues button:contains(Review Credit Issues)",
        },
        {
            content: "Export the credit report",
            trigger: ".o_spm_overview_credit_report button:contains(Export Credit Report)",
            run: "click",
        },
        {
            content: "The credit report's wizard asks for the period",
            trigger: ".modal .o_form_view div[name='date_from']",
        },
        {
            content: "Close it",
            trigger: ".modal-footer button:contains(Cancel)",
            run: "click",
        },
        {
            content: "Open the achievement analysis",
            trigger: "body:not(:has(.modal)) .o_spm_overview_achievement button",
            run: "click",
        },
        {
            content: "The achievement analysis opens",
            trigger: ".o_pivot_view",
        },
    ],
});
