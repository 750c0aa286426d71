import { registry } from "@web/core/registry";

import { assertOnScreen, assertPhone } from "@spm_quota/../tests/tours/spm_phone_utils";

/**
 * The desktop tour's salesperson on a phone: the search panel is a dropdown
 * above the list, showing the open disputes first and the resolved ones one
 * tap away; the answer is in the thread below the form, and the credit line
 * shows the dispute's state, each within the screen.
 */
registry.category("web_tour.tours").add("spm_credit_dispute_answer_phone", {
    steps: () => [
        {
            content: "Open disputes by default, the status dropdown within the screen",
            trigger: ".o_search_panel .o-dropdown:contains(Open)",
            run() {
                assertPhone();
                assertOnScreen(".o_search_panel .o-dropdown");
            },
        },
        {
            content: "Only the open one is listed",
            trigger: ".o_list_view:not(:has(.badge:contains(Resolved))) .o_data_row .badge:contains(Open)",
        },
        {
            content: "Open the status dropdown",
            trigger: ".o_search_panel .o-dropdown:contains(Open)",
            run: "click",
        },
        {
            content: "Show the resolved ones",
            trigger: ".o_search_panel_category_value:contains(Resolved) header",
            run: "click",
        },
        {
            content: "His resolved dispute, its name and status within the screen",
            trigger: ".o_list_view .o_data_row:has(.badge:contains(Resolved)) .o_data_cell[name=name]",
            run(helpers) {
                assertOnScreen(helpers.anchor, helpers.anchor.closest(".o_data_row").querySelector(".badge"));
                return helpers.click();
            },
        },
        {
            content: "The answer is in the thread below the form, addressed to him, within the screen",
            trigger: ".o-mail-Message:contains(is closed: Resolved)",
            run(helpers) {
                helpers.anchor.scrollIntoView();
                assertOnScreen(helpers.anchor, ".o_form_view .o_statusbar_status");
            },
        },
        {
            content: "Open the credit line",
            trigger: ".o_form_view div[name=credit_line_id] a",
            run: "click",
        },
        {
            content: "The credit line shows its dispute's state, within the screen",
            trigger: ".o_form_view .o_spm_line_dispute:contains(Resolved)",
            run(helpers) {
                assertOnScreen(helpers.anchor);
            },
        },
    ],
});
