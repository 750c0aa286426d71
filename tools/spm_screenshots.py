"""Take the README's screenshots from a database with the demo data.

    python tools/spm_screenshots.py --conf .spm/odoo.conf --db spm [--out docs/screenshots]

Starts an Odoo server on the database (a free local port), logs in as each
demo user in headless Chromium (``tests/browser.py``) and saves one PNG per
screen. Run it after ``./spm run`` created the database (stop that server
first, or use another database): the screens are what a user of the demo
sees.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import Browser  # noqa: E402
from tests.odoo_server import OdooServer  # noqa: E402

BACKEND_READY = (
    "document.querySelector('.o_action_manager > .o_action') && "
    "!document.querySelector('.o_loading_indicator, .o_spm_loading')"
)
PORTAL_READY = "document.readyState === 'complete' && !!document.querySelector('#wrapwrap')"
# The web client's bus connected: a shot taken before may catch the notice of
# a reconnection ("The page is out of date"), which is about the session, not
# the screen.
BUS_CONNECTED = "odoo.__WOWL_DEBUG__?.root.env.services.bus_service.workerState === 'CONNECTED'"
OUTDATED_NOTICE = (
    "[...document.querySelectorAll('.o_notification')].some((n) => n.textContent.includes('out of date'))"
)
CLOSE_OUTDATED_NOTICE = (
    "[...document.querySelectorAll('.o_notification')]"
    ".filter((n) => n.textContent.includes('out of date'))"
    ".forEach((n) => n.querySelector('.o_notification_close').click())"
)
# The team split editor of a demo account split between salespersons, opened
# as its list's button does.
OPEN_SPLIT_EDITOR = """
(async () => {
    const { orm, action } = odoo.__WOWL_DEBUG__.root.env.services;
    const [split] = await orm.searchRead(
        "spm.assignment",
        [["kind", "=", "split"], ["share", "<", 100], ["in_force_today", "=", true]],
        ["id"],
        { limit: 1 }
    );
    const editor = await orm.call("spm.assignment", "action_edit_team_split", [[split.id]]);
    // As the button's call does (clean_action): its views from its view mode.
    await action.doAction({ views: [[false, "form"]], ...editor });
    return true;
})()
"""

# The manager's board: his team, below his own figures.
SHOW_TEAM_BOARD = "document.querySelector('.o_spm_team')?.scrollIntoView({block: 'start'}); true"

# (file, login, path, what the page must show before the shot[, (script run
# then, what the page must show after it)])
SCREENS = [
    (
        "dashboard_salesperson.png",
        "spm_sales",
        "/odoo/action-spm_credit.spm_credit_dashboard_action",
        BACKEND_READY,
    ),
    (
        "dashboard_manager.png",
        "spm_manager",
        "/odoo/action-spm_credit.spm_credit_dashboard_action",
        BACKEND_READY,
        (SHOW_TEAM_BOARD, "!!document.querySelector('.o_spm_team .o_spm_team_member')"),
    ),
    (
        "my_earnings.png",
        "spm_sales",
        "/odoo/action-spm_incentive.spm_incentive_earnings_action",
        BACKEND_READY,
    ),
    (
        "statements.png",
        "spm_manager",
        "/odoo/action-spm_incentive.spm_incentive_statement_action",
        BACKEND_READY,
    ),
    (
        "secondary_billings.png",
        "spm_manager",
        "/odoo/action-spm_portal.spm_secondary_billing_action",
        BACKEND_READY,
    ),
    ("channel_health.png", "admin", "/odoo/action-spm_portal.spm_channel_health_action", BACKEND_READY),
    (
        "completeness.png",
        "admin",
        "/odoo/action-spm_portal.spm_distributor_completeness_action",
        BACKEND_READY,
    ),
    ("first_steps.png", "admin", "/odoo/action-spm_credit.spm_first_run_action", BACKEND_READY),
    (
        "team_split_editor.png",
        "spm_manager",
        "/odoo/action-spm_quota.spm_assignment_action",
        BACKEND_READY,
        (OPEN_SPLIT_EDITOR, "!!document.querySelector('.modal .o_spm_split_total .o_field_widget')"),
    ),
    (
        "achievement_graph.png",
        "spm_manager",
        "/odoo/action-spm_credit.spm_achievement_figure_action",
        BACKEND_READY + " && !!document.querySelector('.o_graph_renderer canvas')",
    ),
    ("portal_secondary_sales.png", "spm_distributor", "/my/secondary-sales", PORTAL_READY),
    ("portal_new_billing.png", "spm_distributor", "/my/secondary-sales/new", PORTAL_READY),
    ("portal_upload.png", "spm_distributor", "/my/secondary-sales/upload", PORTAL_READY),
    ("portal_stock.png", "spm_distributor", "/my/secondary-sales/stock", PORTAL_READY),
]


def take(conf, db, out, python, odoo_bin):
    out.mkdir(parents=True, exist_ok=True)
    with OdooServer(python, odoo_bin, conf, db) as server:
        for login in dict.fromkeys(screen[1] for screen in SCREENS):
            with Browser() as page:
                page.login(server.url, login, login)
                for name, who, path, ready, *then in SCREENS:
                    if who != login:
                        continue
                    try:
                        show(page, server.url + path, ready, backend=not path.startswith("/my"), then=then)
                    except TimeoutError as error:
                        print(
                            f"{name}: {path} did not show as expected ({error}), not taken", file=sys.stderr
                        )
                        continue
                    page.screenshot(str(out / name))
                    print(f"{out / name}")


def show(page, url, ready, backend, then=()):
    """Open ``url`` and wait for ``ready``; in the web client, wait for its
    bus too and reload while the out-of-date notice shows (as it asks), closing
    it if it comes back; run ``then``'s script and wait for its page."""
    for _attempt in range(3):
        page.goto(url)
        page.wait_for(ready, timeout=90)
        if backend:
            try:
                page.wait_for(BUS_CONNECTED, timeout=30)
            except TimeoutError:
                print(f"{url}: the bus did not connect, shot taken without it", file=sys.stderr)
        time.sleep(1.5)  # charts and live figures settle; a late notice shows
        if not (backend and page.evaluate(OUTDATED_NOTICE)):
            break
    if backend:
        page.evaluate(CLOSE_OUTDATED_NOTICE)
    for script, shown in then:
        page.evaluate(script)
        page.wait_for(shown, timeout=60)
        time.sleep(1)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conf", required=True, type=Path)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--odoo-bin", type=Path, default=Path.home() / ".cache/spm/odoo-18.0/odoo-bin")
    args = parser.parse_args(argv)
    take(args.conf, args.db, args.out, sys.executable, args.odoo_bin)


if __name__ == "__main__":
    main()
