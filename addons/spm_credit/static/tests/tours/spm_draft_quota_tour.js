import { registry } from "@web/core/registry";

/**
 * A manager sees that a draft quota counts for nothing, on the dashboard and
 * on the quota itself, until he confirms it.
 */
registry.category("web_tour.tours").add("spm_credit_draft_quota", {
    url: "/odoo/action-spm_credit.spm_credit_dashboard_action",
    steps: () => [
        {
            content: "The dashboard says a draft quota is not counted",
            trigger: ".o_spm_dashboard .o_spm_draft_quotas:contains(count for nothing)",
        },
        {
            content: "Review the drafts",
            trigger: ".o_spm_draft_quotas a:contains(Review them)",
            run: "click",
        },
        {
            content: "Open the draft quota",
            trigger: ".o_list_view .o_data_row .o_data_cell",
            run: "click",
        },
        {
            content: "The quota's form says so too",
            trigger: ".o_form_view .o_spm_quota_draft:contains(counts for nothing)",
        },
        {
            content: "Confirm it",
            trigger: ".o_form_statusbar button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Confirmed, it counts: the warning is gone",
            trigger: ".o_form_view:not(:has(.o_spm_quota_draft)) .o_statusbar_status button.o_arrow_button_current:contains(Confirmed)",
        },
    ],
});
