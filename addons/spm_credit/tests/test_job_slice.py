from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import config

from odoo.addons.base.models.ir_cron import MAX_BATCH_PER_CRON_JOB

from ..tools import end_of_batch, job_slice_seconds


@tagged("post_install", "-at_install")
class TestJobSlice(BaseCase):
    """Odoo's cron calls a batched job up to MAX_BATCH_PER_CRON_JOB times in one
    run: the calls together, each with one batch run past its slice, stay
    within the cron's real-time limit, so that the cron worker is not killed."""

    def _slice(self, **limits):
        saved = {name: config.get(name) for name in limits}
        config.options.update(limits)
        try:
            return job_slice_seconds()
        finally:
            config.options.update(saved)

    def test_calls_of_a_run_end_within_the_limit(self):
        for limit in (60, 120, 600):
            slice_ = self._slice(limit_time_real=limit, limit_time_real_cron=-1)
            # Each call may pass its slice by one batch as long as the slice.
            self.assertLess(MAX_BATCH_PER_CRON_JOB * 2 * slice_, limit, limit)
            self.assertLessEqual(slice_, 30)

    def test_the_cron_limit_comes_first(self):
        slice_ = self._slice(limit_time_real=3600, limit_time_real_cron=60)
        self.assertLess(MAX_BATCH_PER_CRON_JOB * 2 * slice_, 60)

    def test_no_limit(self):
        self.assertEqual(self._slice(limit_time_real=0, limit_time_real_cron=0), 30)


@tagged("post_install", "-at_install")
class TestEndOfBatch(TransactionCase):
    """A job's call that leaves work triggers its cron again, so that the cron
    worker takes the job up at once after a run's last call instead of after its
    sleep; a call that finishes the work leaves no trigger."""

    def _triggers(self, cron):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def test_work_left_triggers_the_cron(self):
        cron = self.env.ref("spm_credit.ir_cron_spm_credit_recompute")
        before = self._triggers(cron)
        end_of_batch(self.env(context={"cron_id": cron.id}), 5, 10, 0)
        self.assertEqual(self._triggers(cron), before + 1)
        end_of_batch(self.env(context={"cron_id": cron.id}), 5, 0, 0)
        self.assertEqual(self._triggers(cron), before + 1)

    def test_outside_a_cron_nothing_is_triggered(self):
        count = self.env["ir.cron.trigger"].search_count([])
        end_of_batch(self.env, 5, 10, 0)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([]), count)
