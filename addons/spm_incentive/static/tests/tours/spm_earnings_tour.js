import { registry } from "@web/core/registry";

/**
 * My earnings follow the credit live: test_earnings_tour.py credits the
 * salesperson from another cursor once this page is open, and the earned
 * figure must change without reloading the page (the marker set on the body
 * survives); then the what-if entry shows the earnings for a typed amount,
 * and a wrong amount a message.
 */
registry.category("web_tour.tours").add("spm_incentive_earnings_live", {
    url: "/odoo/action-spm_incentive.spm_incentive_earnings_action",
    steps: () => [
        {
            content: "My earnings show what the running quarter earned so far",
            trigger: ".o_spm_earnings .o_spm_earned[data-value='1']",
            run() {
                document.body.dataset.spmNoReload = "1";
            },
        },
        {
            content: "The next tier is said in words",
            trigger: ".o_spm_earnings .o_spm_next_tier:contains(instead of 2 %)",
        },
        {
            content: "New credit, booked elsewhere, shows up without reloading the page",
            trigger: "body[data-spm-no-reload] .o_spm_earnings .o_spm_earned[data-value='3.5']",
            timeout: 30000,
        },
        {
            content: "A wrong amount",
            trigger: ".o_spm_what_if_input",
            run: "edit 12abc",
        },
        {
            trigger: ".o_spm_what_if_apply",
            run: "click",
        },
        {
            content: "is refused with a message, nothing computed",
            trigger: ".o_spm_what_if_error:contains(Type an amount)",
        },
        {
            content: "The salesperson types an amount more",
            trigger: ".o_spm_what_if_input",
            run: "edit 3000",
        },
        {
            trigger: ".o_spm_what_if_apply",
            run: "click",
        },
        {
            content: "and reads what it would earn",
            trigger:
                "body[data-spm-no-reload] .o_spm_earnings .o_spm_what_if_earned[data-value='68.75']",
        },
        {
            content: "while what he earned so far stays",
            trigger: ".o_spm_earnings .o_spm_earned[data-value='3.5']",
        },
    ],
});
