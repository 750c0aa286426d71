import { registry } from "@web/core/registry";

/** A new salesperson's empty Disputes list says what fills it and how. */
registry.category("web_tour.tours").add("spm_credit_empty_disputes", {
    steps: () => [
        {
            content: "The empty list explains disputes",
            trigger: ".o_view_nocontent .o_view_nocontent_smiling_face:contains(No dispute here)",
        },
        {
            content: "And where to raise one",
            trigger: ".o_view_nocontent:contains(Credit Missing or Wrong?)",
        },
    ],
});
