import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";

/**
 * The administrator's first-run checklist: each step opens its screen and is
 * ticked from the data (the server counts), read again whenever it is shown.
 */
export class SpmFirstRun extends Component {
    static template = "spm_credit.FirstRun";
    static components = { Layout };
    static props = ["*"];

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
        this.state = useState({ steps: [] });
        onWillStart(async () => {
            this.state.steps = await this.orm.call("spm.first.run", "get_steps", []);
        });
    }

    open(step) {
        return this.action.doAction(step.action);
    }
}

registry.category("actions").add("spm_credit.first_run", SpmFirstRun);
