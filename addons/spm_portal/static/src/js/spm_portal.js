/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";
import { _t } from "@web/core/l10n/translation";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { PortalHomeCounters } from "@portal/js/portal";

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
        "change select[name=currency]": "_onAmountInput",
        "input .o_spm_product": "_onProductInput",
        "click .o_spm_add_line": "_onAddLine",
        "click .o_spm_remove_line": "_onRemoveLine",
    },

    start() {
        this._searchTimeout = null;
        this._totalsTimeout = null;
        this._totalsRequest = 0;
        this._updateTotals();
        return this._super(...arguments);
    },

    destroy() {
        clearTimeout(this._searchTimeout);
        clearTimeout(this._totalsTimeout);
        this._super(...arguments);
    },

    _rows() {
        return [...this.el.querySelectorAll(".o_spm_line_row")];
    },

    /**
     * Subtotals and total as the server reads the numbers typed: the page does
     * not parse numbers itself, so the preview is what the billing will hold.
     */
    async _updateTotals() {
        const rows = this._rows();
        const lines = rows.map((row) => [
            row.querySelector(".o_spm_quantity").value,
            row.querySelector(".o_spm_price").value,
        ]);
        const currency = this.el.querySelector("[name=currency]");
        const request = ++this._totalsRequest;
        const result = await rpc("/my/secondary-sales/amounts", {
            lines,
            currency: currency ? currency.value : "",
        });
        if (request !== this._totalsRequest) {
            return; // typing went on: a later answer shows
        }
        rows.forEach((row, index) => {
            row.querySelector(".o_spm_subtotal").textContent = result.subtotals[index] || "";
        });
        const totalCell = this.el.querySelector(".o_spm_form_total");
        totalCell.textContent = result.total;
        totalCell.classList.toggle("text-muted", !result.complete);
    },

    _onAmountInput() {
        clearTimeout(this._totalsTimeout);
        this._totalsTimeout = setTimeout(() => this._updateTotals(), 200);
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
            status.textContent = _t(
                "The file is too large (%(size)s MB): the limit is %(limit)s MB. Split it into smaller files.",
                { size: (file.size / 1048576).toFixed(1), limit: Math.round(maxSize / 1048576) }
            );
            return;
        }
        button.disabled = true;
        progress.classList.remove("d-none");
        status.textContent = _t("Uploading…");
        const xhr = new XMLHttpRequest();
        xhr.open("POST", this.el.action);
        xhr.upload.addEventListener("progress", (event) => {
            if (event.lengthComputable) {
                const percent = Math.round((event.loaded / event.total) * 100);
                bar.style.width = `${percent}%`;
                progress.setAttribute("aria-valuenow", percent);
                status.textContent = _t("Uploading… %(percent)s %", { percent });
            }
        });
        xhr.upload.addEventListener("load", () => {
            bar.style.width = "100%";
            status.textContent = _t("Checking every row of the file…");
        });
        xhr.addEventListener("load", () => {
            const answered = xhr.responseURL && new URL(xhr.responseURL);
            if (answered && answered.pathname !== new URL(this.el.action).pathname) {
                // A large file was queued: its own page shows the import's progress.
                window.location.assign(xhr.responseURL);
                return;
            }
            if (xhr.status === 400 && this._showRefusal(xhr.responseText)) {
                button.disabled = false;
                progress.classList.add("d-none");
                status.classList.add("d-none");
                return;
            }
            document.open();
            document.write(xhr.responseText);
            document.close();
        });
        xhr.addEventListener("error", () => {
            button.disabled = false;
            progress.classList.add("d-none");
            status.classList.add("text-danger");
            status.textContent = _t("The upload failed: check your connection and try again.");
        });
        xhr.send(new FormData(this.el));
    },

    /**
     * Show the errors of a refused file above this form, which keeps the chosen
     * file: it can be sent again as it is (once a missing product exists, say).
     * Returns false when the answer is not the upload page.
     */
    _showRefusal(responseText) {
        const answer = new DOMParser().parseFromString(responseText, "text/html");
        const page = this.el.closest(".o_spm_upload_page");
        const title = page && page.querySelector("h3");
        const refusal = answer.querySelectorAll(
            ".o_spm_upload_page .o_spm_errors, .o_spm_upload_page .o_spm_upload_refused"
        );
        if (!title || !refusal.length) {
            return false;
        }
        page.querySelectorAll(".o_spm_errors, .o_spm_upload_refused, .o_spm_upload_done").forEach((el) =>
            el.remove()
        );
        title.after(...refusal);
        return true;
    },
});

publicWidget.registry.SpmSecondaryBillingWithdraw = publicWidget.Widget.extend({
    selector: ".o_spm_withdraw_form",
    events: {
        submit: "_onSubmit",
    },

    /**
     * Withdrawing takes the billing out of its reviewer's hands: ask first.
     */
    _onSubmit(ev) {
        ev.preventDefault();
        this.call("dialog", "add", ConfirmationDialog, {
            title: _t("Withdraw this billing?"),
            body: _t(
                "It will no longer wait for review and will be cancelled; you can correct it and submit it again."
            ),
            confirmLabel: _t("Withdraw"),
            cancelLabel: _t("Keep it submitted"),
            confirm: () => this.el.submit(),
            cancel: () => {},
        });
    },
});
