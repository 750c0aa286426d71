import { registry } from "@web/core/registry";

/**
 * Steps adding a row to the team split editor: a salesperson and his share
 * of the split, or an overlay.
 */
export function addSplitLine(row, user, share) {
    const selected = `.modal .o_data_row:nth-child(${row}).o_selected_row`;
    const steps = [
        {
            content: "Add a salesperson",
            trigger: ".modal .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: `Choose ${user}`,
            trigger: `${selected} .o_field_widget[name=user_id] input`,
            run: `edit ${user}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item > a:contains(${user})`,
            run: "click",
        },
    ];
    if (share === "overlay") {
        steps.push({
            content: "An overlay, on top of the split",
            trigger: `${selected} .o_field_widget[name=kind] select`,
            run: 'select "overlay"',
        });
    } else {
        steps.push({
            content: `${share} % of the split`,
            trigger: `${selected} .o_field_widget[name=share] input`,
            run: `edit ${share}`,
        });
    }
    return steps;
}

/**
 * A manager enters a 50/30/20 team split and an overlay from the Assignments
 * menu, as one set: no row is refused on its own.
 */
registry.category("web_tour.tours").add("spm_quota_team_split", {
    url: "/odoo/action-spm_quota.spm_assignment_action",
    steps: () => [
        {
            content: "Open the team split editor",
            trigger: "button.o_spm_edit_team_split",
            run: "click",
        },
        {
            content: "The account",
            trigger: ".modal .o_field_widget[name=partner_id] input",
            run: "edit Split Clinic",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains(Split Clinic)",
            run: "click",
        },
        {
            content: "The unit",
            trigger: ".modal .o_field_widget[name=business_unit_id] input",
            run: "edit Test Pharma",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains(Test Pharma)",
            run: "click",
        },
        ...addSplitLine(1, "Ann Split", "50"),
        {
            content: "The running total follows",
            trigger: ".modal .o_spm_split_total:contains(must be 100)",
        },
        ...addSplitLine(2, "Bob Split", "30"),
        ...addSplitLine(3, "Cid Split", "20"),
        ...addSplitLine(4, "Dee Overlay", "overlay"),
        {
            content: "The splits make 100 %, the overlay is not counted",
            trigger: ".modal .o_spm_split_total:not(:contains(must be)) .o_field_widget[name=split_total]:contains(100.00)",
        },
        {
            content: "Save the set",
            trigger: ".modal button[name=action_save]",
            run: "click",
        },
        {
            content: "Saved and closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
