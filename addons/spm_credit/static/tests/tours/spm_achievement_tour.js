import { registry } from "@web/core/registry";

/**
 * The achievement analysis as a manager reads it: months down the rows, named
 * as months; no target reads "—", not 0 %; target against achieved as a graph.
 */
registry.category("web_tour.tours").add("spm_credit_achievement_views", {
    url: "/odoo/action-spm_credit.spm_achievement_report_action",
    steps: () => {
        const month = luxon.DateTime.now().setLocale("en-US").toFormat("MMMM yyyy");
        return [
            {
                content: "The pivot has the months on its rows, as months",
                trigger: `.o_pivot table tbody th:contains(${month})`,
            },
            {
                content: "Switch to the list",
                trigger: ".o_switch_view.o_list",
                run: "click",
            },
            {
                content: "The list names the month too",
                trigger: `.o_list_view td[name=month_label]:contains(${month})`,
            },
            {
                content: "A salesperson without target: no attainment, not 0 %",
                trigger: ".o_list_view .o_data_row td[name=attainment_label]:contains(—)",
            },
            {
                content: "A salesperson with a target: a progress bar",
                trigger: ".o_list_view .o_data_row td[name=attainment] .o_progressbar",
            },
        ];
    },
});

registry.category("web_tour.tours").add("spm_credit_target_against_achieved", {
    url: "/odoo/action-spm_credit.spm_achievement_figure_action",
    steps: () => [
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "Two series: the target and the achieved",
            trigger: ".o_pivot thead th:contains(Target) ~ th:contains(Achieved), .o_pivot thead th:contains(Achieved) ~ th:contains(Target)",
        },
    ],
});
