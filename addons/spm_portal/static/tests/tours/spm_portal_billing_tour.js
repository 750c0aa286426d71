/** @odoo-module **/

import { registry } from "@web/core/registry";

const line = (index, field) => `.o_spm_line_row:nth-child(${index}) .o_spm_${field}`;

registry.category("web_tour.tours").add("spm_portal_billing_tour", {
    url: "/my/secondary-sales",
    steps: () => [
        {
            content: "Start a new billing from the distributor's list",
            trigger: "a.o_spm_new_billing",
            run: "click",
        },
        {
            content: "Type the distributor's bill number",
            trigger: "input[name=bill_number]",
            run: "edit TOUR-001",
        },
        {
            content: "Name a new retailer",
            trigger: "input[name=retailer]",
            run: "edit Tour Pharmacy",
        },
        {
            content: "First line: product",
            trigger: line(1, "product"),
            run: "edit T-INS",
        },
        {
            content: "First line: quantity",
            trigger: line(1, "quantity"),
            run: "edit 3",
        },
        {
            content: "First line: unit price",
            trigger: line(1, "price"),
            run: "edit 100",
        },
        {
            content: "The line total is computed as one types",
            trigger: `${line(1, "subtotal")}:contains(300.00)`,
        },
        {
            content: "Second line: product",
            trigger: line(2, "product"),
            run: "edit T-SUN",
        },
        {
            content: "Second line: quantity",
            trigger: line(2, "quantity"),
            run: "edit 4",
        },
        {
            content: "Second line: unit price",
            trigger: line(2, "price"),
            run: "edit 2.5",
        },
        {
            content: "The billing total adds both lines",
            trigger: ".o_spm_form_total:contains(310.00)",
        },
        {
            content: "Submit the billing",
            trigger: "button.o_spm_save_submit",
            run: "click",
        },
        {
            content: "Asked before a new retailer is created: create it",
            trigger: ".o_spm_new_retailer input#spm_retailer_create",
            run: "click",
        },
        {
            content: "Submit the billing again",
            trigger: "button.o_spm_save_submit",
            run: "click",
        },
        {
            content: "The billing is validated at once",
            trigger: ".o_spm_billing_page .o_spm_state[data-state=validated]",
        },
        {
            content: "It is the billing just entered, with its two lines",
            trigger: ".o_spm_billing_page:has(.o_spm_bill_number:contains(TOUR-001)):has(.o_spm_line + .o_spm_line)",
        },
        {
            content: "Write to the reviewer in the billing's messages",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Is the price of the second line right?",
        },
        {
            content: "Send the message",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is in the billing's thread",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(Is the price of the second line right?)",
        },
    ],
});
