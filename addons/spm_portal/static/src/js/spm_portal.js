/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";
import { PortalHomeCounters } from "@portal/js/portal";

/**
 * A number as distributors type it: decimal point or comma, spaces and
 * apostrophes between thousands (the server reads them the same way).
 */
export function parseAmount(text) {
    let value = String(text || "").replace(/[\s'\u2019]/g, "");
    if (!value) {
        return null;
    }
    if (value.includes(",") && value.includes(".")) {
        value = value.lastIndexOf(",") > value.lastIndexOf(".")
            ? value.replace(/\./g, "").replace(",", ".")
            : value.replace(/,/g, "");
    } else if ((value.match(/,/g) || []).length === 1) {
        value = value.replace(",", ".");
    }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) {
        return null;
    }
    return parseFloat(value);
}

PortalHomeCounters.include({
    /**
     * A distributor sees its Secondary Sales tile before its first billing.
     * @override
     */
    _getCountersAlwaysDisplayed() {
        return this._super(...arguments).concat(["secondary_billing_count"]);
    },
});

publicWidget.registry.SpmSecondaryBillingForm = publicWidget.Widget.extend({
    selector: ".o_spm_billing_form",
    events: {
        "input .o_spm_quantity, .o_spm_price": "_onAmountInput",
        "input .o_spm_product": "_onProductInput",
        "click .o_spm_add_line": "_onAddLine",
        "click .o_spm_remove_line": "_onRemoveLine",
    },

    start() {
        this.numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined, {
            minimumFractionDigits: 2,
            maximumFractionDigits: 2,
        });
        this._searchTimeout = null;
        this._updateTotals();
        return this._super(...arguments);
    },

    destroy() {
        clearTimeout(this._searchTimeout);
        this._super(...arguments);
    },

    _rows() {
        return [...this.el.querySelectorAll(".o_spm_line_row")];
    },

    _updateTotals() {
        let total = 0;
        let complete = true;
        for (const row of this._rows()) {
            const quantity = parseAmount(row.querySelector(".o_spm_quantity").value);
            const price = parseAmount(row.querySelector(".o_spm_price").value);
            const cell = row.querySelector(".o_spm_subtotal");
            if (quantity === null || price === null) {
                const empty = !row.querySelector(".o_spm_quantity").value && !row.querySelector(".o_spm_price").value;
                cell.textContent = empty ? "" : "—";
                complete = complete && empty;
                continue;
            }
            const subtotal = Math.round(quantity * price * 100) / 100;
            total += subtotal;
            cell.textContent = this.numberFormat.format(subtotal);
        }
        const totalCell = this.el.querySelector(".o_spm_form_total");
        totalCell.textContent = this.numberFormat.format(total);
        totalCell.classList.toggle("text-muted", !complete);
    },

    _onAmountInput() {
        this._updateTotals();
    },

    _onProductInput(ev) {
        const term = ev.currentTarget.value;
        clearTimeout(this._searchTimeout);
        this._searchTimeout = setTimeout(() => this._searchProducts(term), 250);
    },

    async _searchProducts(term) {
        const products = await rpc("/my/secondary-sales/products", { term, limit: 20 });
        const datalist = document.getElementById("spm_products");
        if (!datalist) {
            return;
        }
        datalist.replaceChildren(
            ...products.map((product) => {
                const option = document.createElement("option");
                option.value = product.code;
                option.textContent = product.name;
                return option;
            })
        );
    },

    _onAddLine(ev) {
        ev.preventDefault();
        const rows = this._rows();
        const row = rows[rows.length - 1].cloneNode(true);
        for (const input of row.querySelectorAll("input")) {
            input.value = "";
        }
        row.querySelector(".o_spm_subtotal").textContent = "";
        rows[rows.length - 1].after(row);
        row.querySelector(".o_spm_product").focus();
    },

    _onRemoveLine(ev) {
        ev.preventDefault();
        const row = ev.currentTarget.closest(".o_spm_line_row");
        if (this._rows().length > 1) {
            row.remove();
        } else {
            for (const input of row.querySelectorAll("input")) {
                input.value = "";
            }
        }
        this._updateTotals();
    },
});

publicWidget.registry.SpmSecondaryBillingUpload = publicWidget.Widget.extend({
    selector: ".o_spm_upload_form",
    events: {
        submit: "_onSubmit",
    },

    _onSubmit(ev) {
        const input = this.el.querySelector("input[type=file]");
        const file = input.files && input.files[0];
        if (!file || !window.FormData || !window.XMLHttpRequest) {
            return; // the browser posts the form itself
        }
        ev.preventDefault();
        const status = this.el.querySelector(".o_spm_upload_status");
        const progress = this.el.querySelector(".o_spm_upload_progress");
        const bar = progress.querySelector(".progress-bar");
        const button = this.el.querySelector(".o_spm_upload_button");
        const maxSize = parseInt(this.el.dataset.maxSize || "0", 10);
        status.classList.remove("d-none", "text-danger");
        if (maxSize && file.size > maxSize) {
            status.classList.add("text-danger");
            status.textContent = `The file is too large (${(file.size / 1048576).toFixed(1)} MB): the limit is ${Math.round(maxSize / 1048576)} MB. Split it into smaller files.`;
            return;
        }
        button.disabled = true;
        progress.classList.remove("d-none");
        status.textContent = "Uploading…";
        const xhr = new XMLHttpRequest();
        xhr.open("POST", this.el.action);
        xhr.upload.addEventListener("progress", (event) => {
            if (event.lengthComputable) {
                const percent = Math.round((event.loaded / event.total) * 100);
                bar.style.width = `${percent}%`;
                progress.setAttribute("aria-valuenow", percent);
                status.textContent = `Uploading… ${percent} %`;
            }
        });
        xhr.upload.addEventListener("load", () => {
            bar.style.width = "100%";
            status.textContent = "Checking every row of the file…";
        });
        xhr.addEventListener("load", () => {
            document.open();
            document.write(xhr.responseText);
            document.close();
        });
        xhr.addEventListener("error", () => {
            button.disabled = false;
            progress.classList.add("d-none");
            status.classList.add("text-danger");
            status.textContent = "The upload failed: check your connection and try again.";
        });
        xhr.send(new FormData(this.el));
    },
});
