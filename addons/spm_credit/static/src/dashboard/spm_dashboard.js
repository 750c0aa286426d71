import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { formatMonetary } from "@web/views/fields/formatters";
import { Layout } from "@web/search/layout";
import { useCreditUpdates } from "@spm_credit/credit_updates/credit_updates_hook";

// How long a figure that changed live stays highlighted.
export const FLASH_DURATION = 1500;
// The figures a cell of the dashboard shows, each opening the records it sums
// (in the order of the trend's datasets).
const FIGURES = ["target", "achieved", "collected", "held"];
// Half circle of the gauge: radius 80, centre (100, 100).
const GAUGE_LENGTH = Math.PI * 80;

export class SpmDashboard extends Component {
    static template = "spm_credit.Dashboard";
    static components = { Layout };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.keepLast = new KeepLast();
        this.trendCanvas = useRef("trendCanvas");
        this.chart = null;
        this.flashTimeout = null;
        this.state = useState({
            // Keys of the figures that changed at the last live refresh.
            flashed: {},
            period: "month",
            userId: null,
            data: null,
            offline: false,
        });

        onWillStart(async () => {
            await Promise.all([loadBundle("web.chartjs_lib"), this.load()]);
        });

        useCreditUpdates(this.state, {
            concerns: (userIds) => {
                const shown = new Set(this.data?.user_ids || []);
                return userIds.some((id) => shown.has(id));
            },
            refresh: () => this.load({ live: true }),
        });
        onWillUnmount(() => {
            clearTimeout(this.flashTimeout);
            this.chart?.destroy();
        });

        useEffect(
            () => {
                this.renderTrend();
            },
            () => [this.state.data]
        );
    }

    get data() {
        return this.state.data;
    }

    get offlineLabel() {
        return _t("Offline — reconnecting…");
    }

    get offlineHint() {
        return _t(
            "Live updates are paused: the figures may be out of date until the connection is back."
        );
    }

    get heldHint() {
        return _t(
            "Held: waiting for the review of the secondary billing. Recorded, not counted in Achieved until released."
        );
    }

    get periods() {
        return [
            { key: "month", label: _t("Month") },
            { key: "quarter", label: _t("Quarter") },
            { key: "year", label: _t("Year to date") },
        ];
    }

    get current() {
        return this.data.performance[this.state.period];
    }

    get gauge() {
        const attainment = this.current.attainment || 0;
        const filled = (Math.min(Math.max(attainment, 0), 100) / 100) * GAUGE_LENGTH;
        // Coloured by the pace expected by today: early in a month, a small
        // share of the full target is no reason for red.
        const pace = this.current.pace ?? this.current.attainment;
        let color = "secondary";
        if (pace >= 100) {
            color = "success";
        } else if (pace >= 70) {
            color = "warning";
        } else if (pace !== null && pace !== undefined) {
            color = "danger";
        }
        return {
            dasharray: `${filled} ${GAUGE_LENGTH}`,
            color,
            label: this.formatPercent(this.current.attainment),
        };
    }

    get paceLabel() {
        if (this.current.pace === null || this.current.pace === undefined) {
            return "";
        }
        return _t("On pace: %(percent)s of the %(expected)s expected by today", {
            percent: this.formatPercent(this.current.pace),
            expected: this.formatAmount(this.current.expected),
        });
    }

    /**
     * @param {{live?: boolean}} [options] live: a refresh after a credit
     *      change, whose changed figures are highlighted
     */
    async load({ live = false } = {}) {
        const data = await this.keepLast.add(
            this.orm.call("spm.credit.dashboard", "get_dashboard_data", [], {
                period: this.state.period,
                user_id: this.state.userId,
            })
        );
        const before = live && this.data ? this.figureValues(this.data) : null;
        this.state.data = data;
        if (before) {
            const after = this.figureValues(data);
            const changed = Object.keys(after).filter((key) => key in before && before[key] !== after[key]);
            if (changed.length) {
                this.flash(changed);
            }
        }
    }

    /**
     * Every figure shown, by a key of its place on the dashboard.
     *
     * @returns {Object<string, number>}
     */
    figureValues(data) {
        const values = {};
        const add = (prefix, figures) => {
            for (const figure of FIGURES) {
                values[`${prefix}.${figure}`] = figures[figure];
            }
        };
        for (const [period, figures] of Object.entries(data.performance)) {
            add(`${data.user.id}.${period}`, figures);
        }
        for (const team of data.teams) {
            for (const member of team.members) {
                add(`${team.unit_id}.${member.user_id}`, member);
            }
            add(`${team.unit_id}.total`, team.totals);
        }
        return values;
    }

    flash(keys) {
        clearTimeout(this.flashTimeout);
        this.state.flashed = Object.fromEntries(keys.map((key) => [key, true]));
        this.flashTimeout = setTimeout(() => (this.state.flashed = {}), FLASH_DURATION);
    }

    flashClass(key) {
        return this.state.flashed[key] ? "o_spm_flash" : "";
    }

    /**
     * Open the records a figure sums; the server builds their domain with
     * the rule it computes the figure with.
     */
    async openFigure(figure, dateFrom, dateTo, { userId = this.data.user.id, unitId = false } = {}) {
        const action = await this.orm.call("spm.credit.dashboard", "get_figure_action", [figure, dateFrom], {
            date_to: dateTo,
            user_id: userId,
            unit_id: unitId,
        });
        await this.action.doAction(action);
    }

    openPeriodFigure(figure, periodKey) {
        const figures = this.data.performance[periodKey];
        return this.openFigure(figure, figures.date_from, figures.date_to);
    }

    openMemberFigure(figure, team, member) {
        const figures = this.data.performance[this.state.period];
        return this.openFigure(figure, figures.date_from, figures.date_to, {
            userId: member.user_id,
            unitId: team.unit_id,
        });
    }

    async setPeriod(period) {
        this.state.period = period;
        await this.load();
    }

    async showUser(userId) {
        this.state.userId = userId;
        await this.load();
    }

    async showMe() {
        this.state.userId = null;
        await this.load();
    }

    openAchievement() {
        this.action.doAction("spm_credit.spm_achievement_report_action");
    }

    openDraftQuotas() {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Draft Quotas"),
            res_model: "spm.quota",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: [["id", "in", this.data.draft_quota_ids]],
        });
    }

    formatAmount(value) {
        return formatMonetary(value, { currencyId: this.data.currency_id });
    }

    formatPercent(value) {
        // Without a target there is no attainment.
        if (value === null || value === undefined) {
            return "—";
        }
        return `${value.toFixed(1)} %`;
    }

    progressWidth(value) {
        return Math.min(Math.max(value || 0, 0), 100);
    }

    attainmentClass(value) {
        if (value >= 100) {
            return "bg-success";
        }
        return value >= 70 ? "bg-warning" : "bg-danger";
    }

    renderTrend() {
        if (this.chart) {
            this.chart.destroy();
            this.chart = null;
        }
        if (!this.trendCanvas.el || !this.data) {
            return;
        }
        const trend = this.data.trend;
        this.chart = new Chart(this.trendCanvas.el, {
            type: "bar",
            data: {
                labels: trend.map((month) => month.label),
                datasets: [
                    {
                        type: "line",
                        label: _t("Target"),
                        data: trend.map((month) => month.target),
                        borderColor: "#6c757d",
                        backgroundColor: "#6c757d",
                        borderDash: [6, 4],
                        pointRadius: 2,
                        pointStyle: "line",
                        order: 0,
                    },
                    {
                        label: _t("Achieved"),
                        data: trend.map((month) => month.achieved),
                        backgroundColor: "#017e84",
                        pointStyle: "rect",
                        order: 1,
                    },
                    {
                        label: _t("Collected"),
                        data: trend.map((month) => month.collected),
                        backgroundColor: "#8fcbce",
                        pointStyle: "rect",
                        order: 2,
                    },
                    {
                        label: _t("Held"),
                        data: trend.map((month) => month.held),
                        backgroundColor: "#f0ad4e",
                        pointStyle: "rect",
                        order: 3,
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                // A bar (or the target's point) opens the records of its month.
                onClick: (event, elements) => {
                    const [element] = elements;
                    if (element) {
                        const month = trend[element.index].month;
                        this.openFigure(FIGURES[element.datasetIndex], month, month);
                    }
                },
                onHover: (event, elements) => {
                    event.native.target.style.cursor = elements.length ? "pointer" : "default";
                },
                animation: false,
                plugins: {
                    legend: { position: "bottom", labels: { usePointStyle: true } },
                    tooltip: {
                        callbacks: {
                            label: (item) => `${item.dataset.label}: ${this.formatAmount(item.raw)}`,
                        },
                    },
                },
                scales: { y: { beginAtZero: true } },
            },
        });
    }
}

registry.category("actions").add("spm_credit.dashboard", SpmDashboard);
