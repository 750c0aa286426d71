/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * The distributor creates an API key on the portal and his system pushes a
 * billing with it: the key is a bearer token (the API's routes are
 * auth="none": a session cookie, which the test's browser must send for its
 * test cursor, authenticates nothing there).
 */
registry.category("web_tour.tours").add("spm_portal_api_key_tour", {
    steps: () => [
        {
            content: "Open the API keys from the secondary sales",
            trigger: "a[href='/my/secondary-sales/api-keys']",
            run: "click",
        },
        {
            content: "Name the key",
            trigger: "#spm_api_key_name",
            run: "edit Tour ERP",
        },
        {
            content: "Confirm with the password",
            trigger: "#spm_api_key_password",
            run: "edit t_portal_a",
        },
        {
            content: "Create it",
            trigger: "button.o_spm_api_key_create",
            run: "click",
        },
        {
            content: "The key is shown once; push a billing with it",
            trigger: ".o_spm_new_api_key_box:contains(Tour ERP) .o_spm_new_api_key",
            async run() {
                const key = this.anchor.textContent.trim();
                const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
                const response = await fetch("/api/spm/v1/secondary-billings", {
                    method: "POST",
                    headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
                    body: JSON.stringify({
                        billings: [
                            {
                                bill_number: "TOUR-KEY-1",
                                bill_date: yesterday,
                                retailer: "Corner Shop",
                                type: "sale",
                                lines: [{ product: "T-INS", quantity: 3, price_unit: 100 }],
                            },
                        ],
                    }),
                });
                if (response.status !== 201) {
                    throw new Error(`The push was answered ${response.status}: ${await response.text()}`);
                }
            },
        },
        {
            content: "The key is listed by its name",
            trigger: ".o_spm_api_key_row:contains(Tour ERP)",
        },
    ],
});
