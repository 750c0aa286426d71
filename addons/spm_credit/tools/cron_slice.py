"""How long one call of a batched cron job may work, and the end of each batch.

Odoo's cron calls a job that reports work remaining (``_notify_progress``) up to
``MAX_BATCH_PER_CRON_JOB`` times in one run, and the cron worker is killed once
the run passes its real-time limit (``limit_time_real_cron``, or
``limit_time_real``: 120 s in production). Each call takes an equal share of the
limit, half of it kept for the batch that runs past its share, so that a run
ends before the limit instead of being killed and started again.
"""

import threading
import time

from odoo.tools import config

from odoo.addons.base.models.ir_cron import MAX_BATCH_PER_CRON_JOB


def job_slice_seconds(longest=30.0):
    """Seconds one call of a batched job may start batches for: at most
    ``longest``, and a share of the cron's real-time limit when there is one."""
    limit = config.get("limit_time_real_cron")
    if limit is None or limit < 0:
        limit = config.get("limit_time_real")
    if not limit or limit <= 0:
        return longest
    return max(1.0, min(longest, limit / (2 * (MAX_BATCH_PER_CRON_JOB + 1))))


def end_of_batch(env, done, remaining, deadline):
    """Report a batch of ``done`` units (``remaining`` left) to Odoo's cron and
    commit it with the work it did, the unit a killed worker loses, as Odoo's
    own batched crons commit. Returns whether the call may start another batch
    (before ``deadline``, a ``time.monotonic()``).

    While work remains, the job's cron is triggered again: after its last call of
    a run, Odoo leaves a job that has work left ready, but the cron worker only
    looks for ready jobs again after its sleep of a minute, unless a trigger
    wakes it (ODOO_NOTIFY_CRON_CHANGES aside); so a long job would wait a minute
    after every run of ten calls."""
    env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    # A test's transaction is never committed: one batch a call.
    testing = getattr(threading.current_thread(), "testing", False)
    go_on = not testing and time.monotonic() <= deadline
    cron_id = env.context.get("cron_id")  # set by Odoo's cron on the job's environment
    if remaining and not go_on and cron_id:
        env["ir.cron"].sudo().browse(cron_id)._trigger()
    if not testing:
        env.cr.commit()  # pylint: disable=invalid-commit
    return go_on
