import { registry } from "@web/core/registry";

function assertRows(count) {
    const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
    if (rows !== count) {
        throw new Error(`Expected ${count} rows, got ${rows}`);
    }
}

/**
 * A held secondary billing's credit shows next to the achievement, never in
 * it (test_held_credit_tour.py: A achieved 600 on one bill, 600 held on the
 * same bill reported again), and opens the held credit lines.
 */
registry.category("web_tour.tours").add("spm_held_credit_dashboard", {
    url: "/odoo/action-spm_credit.spm_credit_dashboard_action",
    steps: () => [
        {
            content: "The month's achievement leaves the held bill out",
            trigger: ".o_spm_dashboard .o_spm_achieved_month[data-value='600']",
        },
        {
            content: "The held credit is shown apart, and says why",
            trigger:
                ".o_spm_dashboard .o_spm_held_month.text-warning[data-value='600'][title*='waiting for the review of the secondary billing']",
            run: "click",
        },
        {
            content: "It opens the held credit line",
            trigger: ".o_list_view .o_data_row",
            run() {
                assertRows(1);
            },
        },
    ],
});

/** The manager's board shows each salesperson's held credit apart. */
registry.category("web_tour.tours").add("spm_held_credit_board", {
    url: "/odoo/action-spm_credit.spm_credit_dashboard_action",
    steps: () => [
        {
            content: "A's achievement and held credit, apart",
            trigger:
                ".o_spm_team_member:has(.o_spm_member_achieved[data-value='600']) .o_spm_member_held[data-value='600']",
        },
        {
            content: "B's",
            trigger:
                ".o_spm_team_member:has(.o_spm_member_achieved[data-value='400']) .o_spm_member_held[data-value='400']",
        },
        {
            content: "The unit's total held",
            trigger: ".o_spm_team_table .o_spm_total_held[data-value='1000']",
        },
    ],
});
