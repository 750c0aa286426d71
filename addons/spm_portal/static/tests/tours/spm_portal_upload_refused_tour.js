import { registry } from "@web/core/registry";

/**
 * A refused file: its errors show above the form, which keeps the chosen file
 * to send again, and the errors can be downloaded.
 */
registry.category("web_tour.tours").add("spm_portal_upload_refused_tour", {
    steps: () => [
        {
            content: "Choose a file with a wrong quantity",
            trigger: ".o_spm_upload_form input[type=file]",
            run() {
                const content =
                    "bill_number,bill_date,retailer,product,quantity,price_unit\n" +
                    "R-1,2026-01-05,Corner Shop,T-INS,abc,100\n";
                const files = new DataTransfer();
                files.items.add(new File([content], "refused sales.csv", { type: "text/csv" }));
                this.anchor.files = files.files;
            },
        },
        {
            content: "Check and import",
            trigger: ".o_spm_upload_button",
            run: "click",
        },
        {
            content: "The errors are listed, with their download",
            trigger: ".o_spm_errors .o_spm_error_table td.o_spm_error_column:contains(quantity)",
        },
        {
            content: "The file is named and its errors download",
            trigger: ".o_spm_upload_refused:has(.o_spm_upload_filename:contains(refused sales.csv)) a.o_spm_errors_csv",
        },
        {
            content: "The form still holds the chosen file, ready to send again",
            trigger: ".o_spm_upload_button:enabled",
            run() {
                const input = document.querySelector(".o_spm_upload_form input[type=file]");
                if (!input.files.length || input.files[0].name !== "refused sales.csv") {
                    throw new Error("The chosen file was lost after the refusal.");
                }
            },
        },
    ],
});
