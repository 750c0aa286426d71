import { onWillUnmount } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";

// Several commits in a row (an upload validated in batches) refresh once.
export const REFRESH_DELAY = 300;

/**
 * Follow the credit engine's announcements on Odoo's bus, for any screen that
 * shows credit figures (the dashboard, the incentives' earnings).
 *
 * Every internal user's bus listens to the channels of their groups, where the
 * engine announces whose credit changed and in which companies. After the
 * server restarts or the network comes back, credit may have been booked while
 * nobody listened: the figures are read again. While the bus is down,
 * ``state.offline`` is true so the screen can say its figures have stopped
 * following.
 *
 * @param {Object} state the component's reactive state; its ``offline`` is kept
 * @param {Object} params
 * @param {(userIds: number[]) => boolean} params.concerns whether a change of
 *        these salespersons' credit concerns what the screen shows
 * @param {() => any} params.refresh reads the figures again
 */
export function useCreditUpdates(state, { concerns, refresh }) {
    const busService = useService("bus_service");
    const companyService = useService("company");
    let refreshTimeout = null;
    const scheduleRefresh = () => {
        clearTimeout(refreshTimeout);
        refreshTimeout = setTimeout(refresh, REFRESH_DELAY);
    };
    const onCreditUpdated = (payload) => {
        if (!concerns(payload?.user_ids || [])) {
            return;
        }
        const companies = new Set(companyService.activeCompanyIds);
        if (payload.company_ids?.length && !payload.company_ids.some((id) => companies.has(id))) {
            return;
        }
        scheduleRefresh();
    };
    const onReconnect = () => {
        state.offline = false;
        scheduleRefresh();
    };
    const onDisconnect = () => (state.offline = true);
    const onConnect = () => (state.offline = false);
    // The worker may already have lost the server before the screen opened.
    state.offline = busService.workerState === "DISCONNECTED";
    busService.subscribe("spm_credit_updated", onCreditUpdated);
    busService.addEventListener("reconnect", onReconnect);
    busService.addEventListener("disconnect", onDisconnect);
    busService.addEventListener("connect", onConnect);
    busService.start();
    onWillUnmount(() => {
        busService.unsubscribe("spm_credit_updated", onCreditUpdated);
        busService.removeEventListener("reconnect", onReconnect);
        busService.removeEventListener("disconnect", onDisconnect);
        busService.removeEventListener("connect", onConnect);
        clearTimeout(refreshTimeout);
    });
}
