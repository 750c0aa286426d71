/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";

// How often the page asks for the progress of an upload the background job imports.
const POLL_DELAY = 2000;

publicWidget.registry.SpmSecondaryUploadProgress = publicWidget.Widget.extend({
    selector: ".o_spm_upload_result[data-polling]",

    start() {
        this.uploadId = this.el.dataset.uploadId;
        this._schedule();
        return this._super(...arguments);
    },

    destroy() {
        clearTimeout(this.timer);
        this._super(...arguments);
    },

    _schedule() {
        this.timer = setTimeout(() => this._poll(), POLL_DELAY);
    },

    /**
     * Ask the server how far the import is; once it is over, show the upload's
     * page with its result (the billings imported, or the errors).
     */
    async _poll() {
        let progress;
        try {
            const response = await fetch(`/my/secondary-sales/upload/${this.uploadId}/progress`, {
                headers: { Accept: "application/json" },
            });
            progress = response.ok ? await response.json() : null;
        } catch {
            progress = null; // offline for a moment: the import goes on, ask again
        }
        if (progress && progress.finished) {
            window.location.assign(`/my/secondary-sales/upload/${this.uploadId}`);
            return;
        }
        if (progress) {
            const count = this.el.querySelector(".o_spm_upload_count");
            const bar = this.el.querySelector(".o_spm_upload_bar");
            if (count) {
                count.textContent = progress.done;
            }
            if (bar) {
                bar.style.width = `${progress.percent}%`;
                bar.parentElement.setAttribute("aria-valuenow", progress.percent);
            }
        }
        this._schedule();
    },
});
