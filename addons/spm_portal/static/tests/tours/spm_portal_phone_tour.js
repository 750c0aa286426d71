/** @odoo-module **/

import { registry } from "@web/core/registry";

import { assertOnScreen } from "@spm_quota/../tests/tours/spm_phone_utils";

const line = (index, field) => `.o_spm_line_row:nth-child(${index}) .o_spm_${field}`;

registry.category("web_tour.tours").add("spm_portal_phone_tour", {
    url: "/my/secondary-sales",
    steps: () => [
        {
            content: "On a phone the list shows each billing's status and total, within the screen",
            trigger: ".o_spm_billing_cards .o_spm_billing_card .o_spm_card_total",
            run() {
                if (window.innerWidth > 420) {
                    throw new Error(`The tour runs at a phone's width, not ${window.innerWidth} px`);
                }
                assertOnScreen(
                    ".o_spm_billing_card .o_spm_state",
                    ".o_spm_billing_card .o_spm_card_total",
                    "a.o_spm_new_billing"
                );
                const table = document.querySelector(".o_portal_my_doc_table");
                if (table && table.getBoundingClientRect().width) {
                    throw new Error("The wide table is shown on a phone");
                }
            },
        },
        {
            content: "Start a new billing",
            trigger: "a.o_spm_new_billing",
            run: "click",
        },
        {
            content: "Type the bill number",
            trigger: "input[name=bill_number]",
            run: "edit PHONE-001",
        },
        {
            content: "Name the retailer",
            trigger: "input[name=retailer]",
            run: "edit Phone Pharmacy",
        },
        {
            content: "Line: product",
            trigger: line(1, "product"),
            run: "edit T-INS",
        },
        {
            content: "Line: quantity",
            trigger: line(1, "quantity"),
            run: "edit 2",
        },
        {
            content: "Line: unit price",
            trigger: line(1, "price"),
            run: "edit 100",
        },
        {
            content: "The line, a card: product, quantity, price, subtotal and delete within the screen",
            trigger: `${line(1, "subtotal")}:contains(200.00)`,
            run() {
                assertOnScreen(
                    ".o_spm_line_row .o_spm_product",
                    ".o_spm_line_row .o_spm_quantity",
                    ".o_spm_line_row .o_spm_price",
                    `${line(1, "subtotal")}`,
                    ".o_spm_line_row .o_spm_remove_line",
                    ".o_spm_add_line",
                    ".o_spm_form_total",
                    "button.o_spm_save_submit",
                    "button.o_spm_save_draft"
                );
                const product = document.querySelector(line(1, "product"));
                if (product.getBoundingClientRect().width < 250) {
                    throw new Error("The product box is too narrow to read a product on a phone");
                }
            },
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
            content: "The billing is validated, its page within the screen",
            trigger: ".o_spm_billing_page .o_spm_state[data-state=validated]",
            run() {
                assertOnScreen(".o_spm_billing_page .o_spm_state", ".o_spm_billing_page .o_spm_bill_number");
            },
        },
        {
            content: "The billing's messages are ready",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
        },
    ],
});
