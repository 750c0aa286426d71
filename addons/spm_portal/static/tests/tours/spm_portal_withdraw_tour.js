/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_portal_withdraw_tour", {
    steps: () => [
        {
            content: "Withdraw the billing that waits for review",
            trigger: ".o_spm_billing_page:has(.o_spm_state[data-state=submitted]) button.o_spm_cancel",
            run: "click",
        },
        {
            content: "Asked first: keep it submitted",
            trigger: ".modal:contains(Withdraw this billing?) .modal-footer button:contains(Keep it submitted)",
            run: "click",
        },
        {
            content: "Still waiting for review",
            trigger: "body:not(:has(.modal)) .o_spm_billing_page .o_spm_state[data-state=submitted]",
        },
        {
            content: "Withdraw again",
            trigger: "button.o_spm_cancel",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal:contains(Withdraw this billing?) .modal-footer button:contains(Withdraw)",
            run: "click",
        },
        {
            content: "The billing is cancelled",
            trigger: ".o_spm_billing_page .o_spm_state[data-state=cancel]",
        },
        {
            content: "The billing's messages are ready",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
        },
    ],
});
