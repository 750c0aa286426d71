import { registry } from "@web/core/registry";

import { assertOnScreen, assertPhone, pickOnPhone } from "./spm_phone_utils";

const editor = ".modal:has(.o_spm_split_total)";

function addLineOnPhone(row, user, share) {
    const selected = `${editor} .o_data_row:nth-child(${row}).o_selected_row`;
    const steps = [
        {
            content: "Add a salesperson",
            trigger: `${editor} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        ...pickOnPhone(`${selected} .o_field_widget[name=user_id] input`, user),
    ];
    if (share === "overlay") {
        steps.push({
            content: "An overlay, on top of the split",
            trigger: `${selected} .o_field_widget[name=kind] select`,
            run: 'select "overlay"',
        });
    } else {
        steps.push({
            content: `${share} % of the split, the share box within the screen`,
            trigger: `${selected} .o_field_widget[name=share] input`,
            run(helpers) {
                assertOnScreen(`${selected} .o_field_widget[name=share] input`);
                return helpers.edit(share);
            },
        });
    }
    return steps;
}

/**
 * The 50/30/20 split and an overlay of the desktop tour, entered on a phone:
 * the list's button is behind the toggle beside New, each many2one opens a
 * full-screen search, and the share boxes, the running total and Save stay
 * within the screen.
 */
registry.category("web_tour.tours").add("spm_quota_team_split_phone", {
    url: "/odoo/action-spm_quota.spm_assignment_action",
    steps: () => [
        {
            content: "On a phone the list's buttons are behind the toggle beside New",
            trigger: ".o_control_panel .o_list_button_add",
            run() {
                assertPhone();
                assertOnScreen(
                    ".o_control_panel .o_list_button_add",
                    ".o_control_panel button.dropdown-toggle.o_control_panel_collapsed_create"
                );
            },
        },
        {
            content: "Open the list's buttons",
            trigger: ".o_control_panel button.dropdown-toggle.o_control_panel_collapsed_create",
            run: "click",
        },
        {
            content: "Open the team split editor",
            trigger: ".o_control_panel .dropdown-menu button.o_spm_edit_team_split",
            run: "click",
        },
        ...pickOnPhone(`${editor} .o_field_widget[name=partner_id] input`, "Split Clinic"),
        ...pickOnPhone(`${editor} .o_field_widget[name=business_unit_id] input`, "Test Pharma"),
        ...addLineOnPhone(1, "Ann Split", "50"),
        {
            content: "The running total follows, within the screen",
            trigger: `${editor} .o_spm_split_total:contains(must be 100)`,
            run() {
                assertOnScreen(`${editor} .o_spm_split_total`);
            },
        },
        ...addLineOnPhone(2, "Bob Split", "30"),
        ...addLineOnPhone(3, "Cid Split", "20"),
        ...addLineOnPhone(4, "Dee Overlay", "overlay"),
        {
            content: "The splits make 100 %, the overlay is not counted; the total and Save within the screen",
            trigger: `${editor} .o_spm_split_total:not(:contains(must be)) .o_field_widget[name=split_total]:contains(100.00)`,
            run() {
                // Each row's salesperson, kind and share within the screen; the
                // dates, today and open-ended by default, may scroll.
                assertOnScreen(
                    `${editor} .o_data_row .o_data_cell[name=user_id]`,
                    `${editor} .o_data_row .o_data_cell[name=kind]`,
                    `${editor} .o_data_row .o_data_cell[name=share]`,
                    `${editor} .o_spm_split_total`,
                    `${editor} button[name=action_save]`
                );
            },
        },
        {
            content: "Save the set",
            trigger: `${editor} button[name=action_save]`,
            run: "click",
        },
        {
            content: "Saved and closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
