import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { formatMonetary } from "@web/views/fields/formatters";
import { parseFloat } from "@web/views/fields/parsers";
import { Layout } from "@web/search/layout";
import { useCreditUpdates } from "@spm_credit/credit_updates/credit_updates_hook";

// The server's bound of a what-if amount (MAX_AMOUNT of the plan versions).
const MAX_WHAT_IF = 1e12;
// Longer input is no amount anybody means.
export const WHAT_IF_MAX_LENGTH = 24;

/**
 * A salesperson's running earnings on each of his plans, following his
 * credit live over the bus, and what they would be with an amount more.
 */
export class SpmEarnings extends Component {
    static template = "spm_incentive.Earnings";
    static components = { Layout };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.keepLast = new KeepLast();
        this.whatIfMaxLength = WHAT_IF_MAX_LENGTH;
        this.state = useState({
            data: null,
            // The amount typed, as typed, and as the number last sent.
            whatIfInput: "",
            whatIf: 0,
            error: "",
            offline: false,
        });

        onWillStart(() => this.load());

        // The credit engine announces whose credit changed
        // (spm.credit.line._notify_credit_update): his own concerns him.
        useCreditUpdates(this.state, {
            concerns: (userIds) => userIds.includes(this.data?.user_id),
            refresh: () => this.load(),
        });
    }

    get data() {
        return this.state.data;
    }

    get offlineLabel() {
        return _t("Offline — reconnecting…");
    }

    async load() {
        try {
            this.state.data = await this.keepLast.add(
                this.orm.call("spm.incentive.plan.assignment", "get_my_earnings", [], {
                    what_if: this.state.whatIf,
                })
            );
        } catch (error) {
            // A refused amount is the server's clear message, never a traceback.
            if (error.data?.message) {
                this.state.error = error.data.message;
                // The live refreshes that follow read the earnings without it.
                this.state.whatIf = 0;
                return;
            }
            throw error;
        }
    }

    onWhatIfInput(ev) {
        this.state.whatIfInput = ev.target.value;
    }

    /**
     * Show the earnings with the typed amount more; an empty entry shows none.
     */
    async computeWhatIf() {
        const typed = this.state.whatIfInput.trim();
        let amount = 0;
        if (typed) {
            try {
                amount = parseFloat(typed);
            } catch {
                amount = NaN;
            }
        }
        if (!Number.isFinite(amount) || Math.abs(amount) > MAX_WHAT_IF) {
            this.state.error = _t("Type an amount between -%(max)s and %(max)s.", {
                max: this.formatAmount(MAX_WHAT_IF),
            });
            return;
        }
        this.state.error = "";
        this.state.whatIf = amount;
        await this.load();
    }

    onWhatIfKeydown(ev) {
        if (ev.key === "Enter") {
            this.computeWhatIf();
        }
    }

    formatAmount(value, currencyId = this.data?.currency_id) {
        return formatMonetary(value, { currencyId });
    }

    targetLabel(earning) {
        return _t("of %(target)s", { target: this.formatAmount(earning.target, earning.currency_id) });
    }

    whatIfLabel(earning) {
        return _t("With %(amount)s more:", {
            amount: this.formatAmount(this.state.whatIf, earning.currency_id),
        });
    }

    /**
     * Credit held for review earns nothing yet: say how much and what its
     * release would add.
     */
    heldLabel(earning) {
        return _t("%(held)s of credit is held for review: once released it adds %(more)s.", {
            held: this.formatAmount(earning.held, earning.currency_id),
            more: this.formatAmount(earning.held_would_add, earning.currency_id),
        });
    }

    formatPercent(value) {
        // Without a target there is no attainment.
        if (value === null || value === undefined) {
            return "—";
        }
        return `${value.toFixed(1)} %`;
    }
}

registry.category("actions").add("spm_incentive.earnings", SpmEarnings);
