import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";

/**
 * The accountant's landing in Sales > Performance: the reports an accountant
 * pays incentives from, rather than a salesperson's own (empty) figures.
 */
export class SpmAccountantOverview extends Component {
    static template = "spm_credit.AccountantOverview";
    static components = { Layout };
    static props = ["*"];

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
        this.state = useState({ openIssues: 0 });
        onWillStart(async () => {
            this.state.openIssues = await this.orm.searchCount("spm.credit.issue", [["state", "=", "open"]]);
        });
    }

    open(xmlid) {
        return this.action.doAction(xmlid);
    }
}

registry.category("actions").add("spm_credit.accountant_overview", SpmAccountantOverview);
