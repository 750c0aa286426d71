import { registry } from "@web/core/registry";

/**
 * An administrator opens the first-run checklist: the steps the data has done
 * are ticked, the others not, and each opens its screen.
 */
registry.category("web_tour.tours").add("spm_credit_first_run", {
    steps: () => [
        {
            content: "Business units exist: the first step is ticked",
            trigger: ".o_spm_first_run .o_spm_first_run_units[data-done='1'] .fa-check-circle",
        },
        {
            content: "No quota is confirmed in this company: that step is still to do",
            trigger: ".o_spm_first_run .o_spm_first_run_confirm[data-done='0'] .fa-circle-o",
        },
        {
            content: "Open the assignments from their step",
            trigger: ".o_spm_first_run_assignments button:contains(Open)",
            run: "click",
        },
        {
            content: "The assignments' list",
            trigger: ".o_breadcrumb .active:contains(Assignments)",
        },
    ],
});
