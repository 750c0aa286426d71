import { registry } from "@web/core/registry";

/**
 * A salesperson whose dispute was resolved finds it among his Disputes (the
 * search panel shows the open ones first, and the others one click away),
 * reads the answer, and sees the dispute's state on his credit line.
 */
registry.category("web_tour.tours").add("spm_credit_dispute_answer", {
    steps: () => [
        {
            content: "Open disputes by default",
            trigger: ".o_search_panel .o_search_panel_category_value header.active:contains(Open)",
        },
        {
            content: "Only the open one is listed",
            trigger: ".o_list_view:not(:has(.badge:contains(Resolved))) .o_data_row .badge:contains(Open)",
        },
        {
            content: "Show the resolved ones",
            trigger: ".o_search_panel .o_search_panel_category_value:contains(Resolved) header",
            run: "click",
        },
        {
            content: "Open his resolved dispute",
            trigger: ".o_list_view .o_data_row:has(.badge:contains(Resolved)) .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "The answer is in the thread, addressed to him",
            trigger: ".o-mail-Message:contains(is closed: Resolved)",
        },
        {
            content: "Open the credit line",
            trigger: ".o_form_view div[name=credit_line_id] a",
            run: "click",
        },
        {
            content: "The credit line shows its dispute's state",
            trigger: ".o_form_view .o_spm_line_dispute:contains(Resolved)",
        },
    ],
});
