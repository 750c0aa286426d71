from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.spm_credit.tests.common import SpmRecomputeJobCommon

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestBillingRecomputeJob(SpmRecomputeJobCommon, SpmPortalCase):
    """Secondary billings beyond the recompute job's bound are recomputed by spm_credit's
    job, with the billings' own rights checked in the request and again by each batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billings = cls.Billing
        for index in range(3):
            cls.billings |= cls._billing(number=f"H-RC-{index}", retailer=f"Shop {index}")
        # Recompute credits D too: the assignment came after the billings were credited.
        cls._assign(
            cls.distributor_a, cls.sales_d, unit=cls.unit_pharma, kind="overlay", date_from="2020-01-01"
        )

    def _credited(self):
        return {
            billing.bill_number: self._credit([("secondary_billing_id", "=", billing.id)])
            for billing in self.billings
        }

    def test_many_billings_recompute_in_the_background(self):
        before = self._credited()
        self.assertEqual(before["H-RC-0"], {self.sales_a: 600.0, self.sales_b: 400.0})
        action = self.billings.with_user(self.manager_pharma).action_spm_recompute_credit()
        self.assertEqual(action["params"]["title"], "Recomputing 3 documents in the background")
        job = self.Job.search([("user_id", "=", self.manager_pharma.id)])
        self.assertEqual((job.res_model, job.pending_ids), ("spm.secondary.billing", self.billings.ids))
        self.assertEqual(self._credited(), before, "nothing recomputed in the request")
        for _call in range(5):
            self.Job._spm_run_job()
        self.assertEqual((job.state, job.done_count), ("done", 3))
        expected = {self.sales_a: 600.0, self.sales_b: 400.0, self.sales_d: 1000.0}
        self.assertEqual(self._credited(), dict.fromkeys(before, expected))

    def test_a_few_billings_recompute_in_the_request(self):
        self.assertIs(self.billings[:2].with_user(self.manager_pharma).action_spm_recompute_credit(), True)
        self.assertFalse(self.Job.search([]))
        self.assertEqual(self._credited()["H-RC-0"][self.sales_d], 1000.0)

    def test_rights_checked_in_the_request_and_in_the_job(self):
        before = self._credited()
        for user in (self.manager_consumer, self.sales_a, self.portal_a):
            with self.assertRaises(AccessError):
                self.billings.with_user(user).action_spm_recompute_credit()
        self.assertFalse(self.Job.search([]), "no job for a refused request")
        self.billings.with_user(self.manager_pharma).action_spm_recompute_credit()
        job = self.Job.search([])
        # The requester no longer manages the unit when the job runs: it stops, credits nothing.
        self.unit_pharma.manager_id = self.manager_consumer
        self.Job._spm_run_job()
        self.assertEqual((job.state, job.done_count), ("failed", 0))
        self.assertEqual(self._credited(), before)
