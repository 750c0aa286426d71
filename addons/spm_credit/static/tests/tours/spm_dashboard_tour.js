import { registry } from "@web/core/registry";

function assertRows(count) {
    const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
    if (rows !== count) {
        throw new Error(`Expected ${count} rows, got ${rows}`);
    }
}

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
        {
            content: "The figure that changed is briefly highlighted",
            trigger: ".o_spm_dashboard .o_spm_achieved_month.o_spm_flash[data-value='175']",
        },
        {
            content: "The highlight fades",
            trigger: ".o_spm_dashboard .o_spm_achieved_month:not(.o_spm_flash)[data-value='175']",
        },
        {
            content: "The month's achievement opens the credit lines behind it",
            trigger: ".o_spm_dashboard .o_spm_achieved_month[data-value='175']",
            run: "click",
        },
        {
            content: "The list shows the month's two credit lines, those of both orders",
            trigger: ".o_list_view .o_data_row",
            run() {
                assertRows(2);
            },
        },
    ],
});

/**
 * The manager's board: salespersons without target have no attainment and
 * rank last; a salesperson's figures show the pace expected by today; a
 * member's achievement opens their lines (test_dashboard_drilldown_tour.py).
 */
registry.category("web_tour.tours").add("spm_credit_dashboard_drilldown", {
    url: "/odoo/action-spm_credit.spm_credit_dashboard_action",
    steps: () => [
        {
            content: "B leads at 150 %",
            trigger: ".o_spm_team_member:nth-child(1) .o_spm_member_attainment[data-value='150']",
        },
        {
            content: "C, without target, shows no percentage and ranks last, after A at 50 %",
            trigger: ".o_spm_team_member:nth-child(4) .o_spm_member_attainment:contains(—)",
            run() {
                const shown = [...document.querySelectorAll(".o_spm_team_member .o_spm_member_attainment")].map(
                    (cell) => cell.textContent.trim()
                );
                if (shown.join("|") !== "150.0 %|50.0 %|—|—") {
                    throw new Error(`Unexpected attainments: ${shown.join(", ")}`);
                }
            },
        },
        {
            content: "Open A's performance",
            trigger: ".o_spm_team_member:nth-child(2) td:nth-child(2)",
            run: "click",
        },
        {
            content: "A's gauge says how far ahead of the pace expected by today",
            trigger: ".o_spm_dashboard:has(.o_spm_dashboard_me) .o_spm_pace:contains(expected by today)",
        },
        {
            content: "Back to the board",
            trigger: ".o_spm_dashboard_me",
            run: "click",
        },
        {
            content: "B's achievement opens B's credit lines in the unit",
            trigger: ".o_spm_team_member:nth-child(1) .o_spm_member_achieved[data-value='30']",
            run: "click",
        },
        {
            content: "The list shows B's one credit line",
            trigger: ".o_list_view .o_data_row",
            run() {
                assertRows(1);
            },
        },
    ],
});

/**
 * A salesperson's rank among the unit's salespersons
 * (test_dashboard_drilldown_tour.py).
 */
registry.category("web_tour.tours").add("spm_credit_dashboard_leaderboard", {
    url: "/odoo/action-spm_credit.spm_credit_dashboard_action",
    steps: () => [
        {
            content: "A ranks second of four in Pharma, after B at 150 %",
            trigger: ".o_spm_leaderboard .o_spm_leaderboard_me .o_spm_rank:contains(2)",
            run() {
                const rows = [...document.querySelectorAll(".o_spm_leaderboard .o_spm_leaderboard_row")];
                const shown = rows.map((row) => row.querySelector(".o_spm_leaderboard_attainment").textContent.trim());
                if (shown.join("|") !== "150.0 %|50.0 %|—|—") {
                    throw new Error(`Unexpected leaderboard: ${shown.join(", ")}`);
                }
            },
        },
        {
            content: "The salesperson's own performance is still the page's",
            trigger: ".o_spm_dashboard .o_spm_achieved_month[data-value='50']",
        },
    ],
});
