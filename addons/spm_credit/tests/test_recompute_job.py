import json

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SpmCreditCase, SpmRecomputeJobCommon
from .test_credit_authority import FORGED


@tagged("post_install", "-at_install")
class TestRecomputeJob(SpmRecomputeJobCommon, SpmCreditCase):
    """A recompute of more documents than the bound: queued as a job of the requester,
    run by the cron in batches that each take their documents off the pending list,
    resumed after a killed batch, with the requester's rights checked at both ends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_of_nothing = new_test_user(
            cls.env, "t_rc_mgr_nothing", groups="spm_quota.group_spm_manager"
        )
        # Orders of a customer assigned to nobody: flagged, not credited, until recomputed.
        cls.orders = cls._orders(5)
        cls.twins = cls._orders(5)
        cls._assign(cls.customer_2, cls.sales_b, 100.0, date_from="2020-01-01")

    @classmethod
    def _orders(cls, count):
        orders = cls.env["sale.order"]
        for index in range(count):
            orders |= cls._order([(cls.product_pharma, 1 + index, 100.0)], partner=cls.customer_2)
        return orders

    def _credit_of(self, orders):
        return [
            sorted(
                (line.user_id.id, line.amount) for line in self.Credit.search([("order_id", "=", order.id)])
            )
            for order in orders
        ]

    def _run(self, calls=10):
        for _call in range(calls):
            self.Job._spm_run_job()

    def test_batches_resume_and_equal_a_direct_recompute(self):
        self.assertFalse(self.Credit.search([("order_id", "in", self.orders.ids)]))
        action = self.orders.with_user(self.manager_pharma).action_spm_recompute_credit()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["title"], "Recomputing 5 documents in the background")
        job = self.Job.search([("user_id", "=", self.manager_pharma.id)])
        self.assertEqual((len(job), job.state, job.pending_ids), (1, "queued", self.orders.ids))
        self.assertFalse(self.Credit.search([("order_id", "in", self.orders.ids)]), "nothing in the request")
        cron = self.env.ref("spm_credit.ir_cron_spm_credit_recompute")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the job is triggered"
        )

        cron, progress = cron._add_progress()
        self.Job.with_context(ir_cron_progress_id=progress.id)._spm_run_job()
        self.assertEqual((job.state, job.done_count, job.pending_ids), ("running", 2, self.orders.ids[2:]))
        self.assertEqual((progress.done, progress.remaining), (2, 3))
        self.assertTrue(self.Credit.search([("order_id", "in", self.orders[:2].ids)]))
        self.assertFalse(self.Credit.search([("order_id", "in", self.orders[2:].ids)]))

        # The worker killed in the middle of the next batch: its transaction is lost, the
        # pending list stays as the last committed batch left it.
        with self.assertRaises(InterruptedError), self.env.cr.savepoint():
            job._spm_run_batch()
            raise InterruptedError
        self.env.invalidate_all()
        self.assertEqual((job.done_count, job.pending_ids), (2, self.orders.ids[2:]))
        self.assertFalse(self.Credit.search([("order_id", "in", self.orders[2:].ids)]))

        # A fresh run completes it; more runs change nothing.
        self._run()
        self.assertEqual((job.state, job.done_count, job.pending_ids or []), ("done", 5, []))
        self.assertEqual(job.progress, 100.0)
        # The same credit as the direct recompute of the same orders, each line once.
        self.env["ir.config_parameter"].set_param("spm_credit.recompute_background_documents", 100)
        self.assertIs(self.twins.with_user(self.manager_pharma).action_spm_recompute_credit(), True)
        self.assertEqual(self._credit_of(self.orders), self._credit_of(self.twins))
        self.assertEqual(
            self._credit_of(self.orders), [[(self.sales_b.id, 100.0 * (i + 1))] for i in range(5)]
        )
        self.assertEqual(self.Job.search_count([]), 1, "the direct recompute queued nothing")
        # The requester is told in their inbox.
        message = job.message_ids.filtered(lambda m: self.manager_pharma.partner_id in m.partner_ids)
        self.assertIn("5 documents recomputed", message.body)

    def test_credit_issues_recompute_in_the_background(self):
        issues = self.env["spm.credit.issue"].search(
            [("document_ref", "in", [f"sale.order,{order.id}" for order in self.orders])]
        )
        self.assertEqual(len(issues), 5)
        action = issues.with_user(self.manager_pharma).action_recompute()
        self.assertEqual(action["tag"], "display_notification")
        self._run()
        self.assertEqual(issues.mapped("state"), ["resolved"] * 5)

    def test_salesperson_cannot_recompute_through_the_job(self):
        for user in (self.sales_a, self.manager_of_nothing):
            with self.assertRaises(AccessError):
                self.orders.with_user(user).with_context(**FORGED).action_spm_recompute_credit()
        self.assertFalse(self.Job.search([]), "no job for a refused request")
        with self.assertRaises(AccessError):
            self.Job.with_user(self.sales_a).with_context(**FORGED).create(
                {"user_id": self.sales_a.id, "res_model": "sale.order", "pending_ids": self.orders.ids}
            )
        self.orders.with_user(self.manager_pharma).action_spm_recompute_credit()
        job = self.Job.search([])
        # Nobody writes a job but its workflow; another manager does not even see it.
        for user in (self.manager_pharma, self.sales_a):
            with self.assertRaises(AccessError):
                job.with_user(user).with_context(**FORGED).write({"pending_ids": self.twins.ids})
        self.assertFalse(self.Job.with_user(self.manager_of_nothing).search([]))
        self.assertEqual(self.Job.with_user(self.admin).search([]), job, "an administrator sees every job")

    def test_rights_applied_when_the_job_runs(self):
        self.orders.with_user(self.manager_pharma).action_spm_recompute_credit()
        job = self.Job.search([])
        # The requester no longer manages the unit when the job runs: it stops, credits nothing.
        self.unit_pharma.manager_id = self.manager_of_nothing
        self._run()
        self.assertEqual((job.state, job.done_count), ("failed", 0))
        self.assertIn("Only the managers", job.error)
        self.assertFalse(self.Credit.search([("order_id", "in", self.orders.ids)]))

    def _progress_sent(self, partner):
        """The recompute payloads sent on ``partner``'s bus channel in this transaction:
        those written (a savepoint runs the pre-commit hooks) and those the commit writes."""
        self.env.cr.flush()
        sent = self.env["bus.bus"].sudo().search([("message", "like", "spm_credit_recompute")], order="id")
        rows = [(row.channel, row.message) for row in sent] + [
            (values["channel"], values["message"])
            for values in self.env.cr.precommit.data.get("bus.bus.values", [])
        ]
        channel = [self.env.cr.dbname, "res.partner", partner.id]
        payloads = []
        for row_channel, row_message in rows:
            message = json.loads(row_message)
            if message["type"] == "spm_credit_recompute" and json.loads(row_channel) == channel:
                payloads.append(message["payload"])
        return payloads

    def test_progress_pushed_to_the_requester(self):
        self.orders.with_user(self.manager_pharma).action_spm_recompute_credit()
        job = self.Job.search([])
        cron = self.env.ref("spm_credit.ir_cron_spm_credit_recompute")
        reported = []
        for _call in range(3):
            cron, progress = cron._add_progress()
            self.Job.with_context(ir_cron_progress_id=progress.id)._spm_run_job()
            reported.append((progress.done, progress.remaining))
        # Each batch told the cron its progress and the requester's screens how the job stands.
        self.assertEqual(reported, [(2, 3), (2, 1), (1, 0)])
        payloads = self._progress_sent(self.manager_pharma.partner_id)
        self.assertEqual(
            [(p["id"], p["state"], p["done_count"], p["document_count"]) for p in payloads],
            [(job.id, "running", 2, 5), (job.id, "running", 4, 5), (job.id, "done", 5, 5)],
        )
        self.assertEqual([bool(p["message"]) for p in payloads], [False, False, True])
        self.assertIn("5 documents recomputed", payloads[-1]["message"])
        self.assertFalse(self._progress_sent(self.sales_a.partner_id), "nobody else is told")
