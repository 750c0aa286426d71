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

# (file, login, path, what the page must show before the shot)
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
                for name, who, path, ready in SCREENS:
                    if who != login:
                        continue
                    page.goto(server.url + path)
                    try:
                        page.wait_for(ready, timeout=90)
                    except TimeoutError:
                        print(f"{name}: {path} did not show as expected, not taken", file=sys.stderr)
                        continue
                    time.sleep(1.5)  # charts and live figures settle
                    page.screenshot(str(out / name))
                    print(f"{out / name}")


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
