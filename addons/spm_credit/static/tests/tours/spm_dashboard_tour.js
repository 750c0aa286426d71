import { registry } from "@web/core/registry";

/**
 * The dashboard follows the credit live: test_dashboard_tour.py credits the
 * salesperson from another cursor once this page is open, and the figure must
 * change without reloading the page (the marker set on the body survives).
 */
registry.category("web_tour.tours").add("spm_credit_dashboard_live", {
    url: "/odoo/action-spm_credit.spm_credit_dashboard_action",
    steps: () => [
        {
            content: "The dashboard shows the salesperson's credit of the month",
            trigger: ".o_spm_dashboard .o_spm_achieved_month[data-value='50']",
            run() {
                document.body.dataset.spmNoReload = "1";
            },
        },
        {
            content: "The gauge is drawn",
            trigger: ".o_spm_dashboard .o_spm_gauge .o_spm_attainment",
        },
        {
            content: "New credit, booked elsewhere, shows up without reloading the page",
            trigger: "body[data-spm-no-reload] .o_spm_dashboard .o_spm_achieved_month[data-value='175']",
            timeout: 30000,
        },
    ],
});
