import { onWillUnmount } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formView } from "@web/views/form/form_view";
import { listView } from "@web/views/list/list_view";

// What the background recompute job tells its requester on Odoo's bus after each batch.
const CHANNEL = "spm_credit_recompute";

/** Read the screen's records again whenever one of the user's recomputes moves on. */
function useRecomputeUpdates(reload) {
    const busService = useService("bus_service");
    busService.subscribe(CHANNEL, reload);
    busService.start();
    onWillUnmount(() => busService.unsubscribe(CHANNEL, reload));
}

export class SpmRecomputeListController extends listView.Controller {
    setup() {
        super.setup();
        useRecomputeUpdates(() => this.model.load());
    }
}

export class SpmRecomputeFormController extends formView.Controller {
    setup() {
        super.setup();
        useRecomputeUpdates((payload) => {
            if (payload.id === this.model.root.resId) {
                this.model.root.load();
            }
        });
    }
}

registry.category("views").add("spm_credit_recompute_list", {
    ...listView,
    Controller: SpmRecomputeListController,
});
registry.category("views").add("spm_credit_recompute_form", {
    ...formView,
    Controller: SpmRecomputeFormController,
});

/** The end of a recompute, shown wherever its requester is in the web client. */
export const recomputeNotifier = {
    dependencies: ["bus_service", "notification"],
    start(env, { bus_service, notification }) {
        bus_service.subscribe(CHANNEL, (payload) => {
            if (payload.message) {
                notification.add(payload.message, {
                    type: payload.state === "done" ? "success" : "danger",
                });
            }
        });
    },
};
registry.category("services").add("spm_credit_recompute_notifier", recomputeNotifier);
