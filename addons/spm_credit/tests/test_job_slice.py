from odoo.tests import BaseCase, tagged
from odoo.tools import config

from odoo.addons.base.models.ir_cron import MAX_BATCH_PER_CRON_JOB

from ..tools import job_slice_seconds


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
