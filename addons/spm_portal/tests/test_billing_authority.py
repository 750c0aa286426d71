from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import SpmPortalCase
from .http_common import SpmPortalHttpCase

DENIED = (AccessError, UserError, ValidationError)
# What a hostile client puts in the context of its RPC calls.
FORGED_CONTEXTS = (
    {},
    {"spm_billing_force_write": True},
    {
        "spm_billing_force_write": True,
        "spm_billing_workflow": True,
        "spm_trusted_flags": {"spm_billing_workflow": 1, "spm_billing_force_write": 1},
        "default_state": "validated",
        "default_review_required": False,
        "tracking_disable": True,
    },
)


class SpmBillingAuthorityCase(SpmPortalCase):
    """Distributor A's billings in Pharma, validated on submission: one draft,
    one validated (credited 600/400 to A and B), one rejected by the manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_none = new_test_user(cls.env, "t_auth_mgr_none", groups="spm_quota.group_spm_manager")
        cls.accountant = new_test_user(cls.env, "t_auth_accountant", groups="spm_credit.group_spm_accountant")
        cls.roles = {
            "distributor": cls.portal_a,
            "another distributor": cls.portal_b,
            "salesperson": cls.sales_a,
            "another salesperson": cls.sales_d,
            "manager of the unit": cls.manager_pharma,
            "manager of another unit": cls.manager_consumer,
            "manager of no unit": cls.manager_none,
            "accountant": cls.accountant,
        }
        # Not the sale of H-VALID again: it would be held as a possible duplicate.
        cls.draft = cls._billing(number="H-DRAFT", submit=False, lines=[("T-INS", 12, 100.0)])
        cls.validated = cls._billing(number="H-VALID")
        cls.rejected = cls._billing(number="H-REJ")
        cls.rejected.with_user(cls.manager_pharma).action_reject("Not our retailer")
        cls.billings = cls.draft | cls.validated | cls.rejected

    def _snapshot(self):
        """What the administrator reads of the billings and their credit."""
        self.env.invalidate_all()
        billings = self.Billing.search([("distributor_id", "=", self.distributor_a.id)])
        return {
            billing.bill_number: (
                billing.state,
                billing.bill_date,
                billing.reject_reason,
                billing.review_required,
                billing.submitted_by_id,
                billing.validated_by_id,
                sorted((line.product_id.id, line.quantity, line.price_unit) for line in billing.line_ids),
                sorted((c.user_id.id, c.amount, c.state) for c in billing.credit_line_ids),
            )
            for billing in billings
        }

    def _refused(self, user, context, attempt, label):
        """Run ``attempt`` as ``user`` with ``context``, as one RPC call (rolled back
        on error); it must be refused with a message."""
        env = self.env(user=user, context=dict(self.env.context, **context))
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.models"):
                attempt(env)
                env.flush_all()
        except DENIED as exc:
            self.assertTrue(str(exc.args[0]).strip(), f"{label}: refused without a message")
            return
        finally:
            self.env.invalidate_all()
        self.fail(f"{label}: not refused")


@tagged("post_install", "-at_install")
class TestBillingAuthority(SpmBillingAuthorityCase):
    """Every role, with its own rights and forged contexts, tries what the hostile
    tester did; each attempt is refused and the administrator reads the same data."""

    def _new(self, env, product, **values):
        return env["spm.secondary.billing"].create(
            {
                "distributor_id": self.distributor_a.id,
                "retailer_id": self.draft.sudo().retailer_id.id,
                "bill_number": "H-NEW",
                "bill_date": self.yesterday,
                "line_ids": [Command.create({"product_id": product.id, "quantity": 1, "price_unit": 10})],
                **values,
            }
        )

    def _attempts(self):
        """{name: (attempt, roles allowed to do it)}; the others must be refused."""
        draft, validated, rejected = self.draft, self.validated, self.rejected
        unit_manager = {"manager of the unit"}
        return {
            "validate by writing the state": (
                lambda env: draft.with_env(env).write({"state": "validated"}),
                set(),
            ),
            "set back to draft by writing the state": (
                lambda env: validated.with_env(env).write({"state": "draft"}),
                set(),
            ),
            "write the reviewer and the rejection": (
                lambda env: rejected.with_env(env).write(
                    {"validated_by_id": env.uid, "reject_reason": False, "review_required": False}
                ),
                set(),
            ),
            "edit a validated billing's quantities": (
                lambda env: validated.line_ids.with_env(env).write({"quantity": 1000}),
                set(),
            ),
            "edit a validated billing's number": (
                lambda env: validated.with_env(env).write({"bill_number": "H-HACK"}),
                set(),
            ),
            "delete a validated billing": (lambda env: validated.with_env(env).unlink(), set()),
            "validate a rejected billing": (lambda env: rejected.with_env(env).action_validate(), set()),
            "create a validated billing": (
                lambda env: self._new(env, self.product_pharma, state="validated"),
                set(),
            ),
            "create a billing in Consumer": (
                lambda env: self._new(env, self.product_consumer),
                {"manager of another unit"},
            ),
            "move a draft out of Pharma": (
                lambda env: draft.line_ids.with_env(env).write({"product_id": self.product_consumer.id}),
                set(),
            ),
            "add a Consumer line to a Pharma draft": (
                lambda env: draft.with_env(env).write(
                    {
                        "line_ids": [
                            Command.create(
                                {"product_id": self.product_consumer.id, "quantity": 1, "price_unit": 1}
                            )
                        ]
                    }
                ),
                set(),
            ),
            "write a line's amount": (
                lambda env: draft.line_ids.with_env(env).write({"amount_company": 1e9}),
                set(),
            ),
            "create a billing in Pharma": (lambda env: self._new(env, self.product_pharma), unit_manager),
            "edit a Pharma draft": (
                lambda env: draft.line_ids.with_env(env).write({"quantity": 20}),
                unit_manager,
            ),
            "recompute the credit": (
                lambda env: validated.with_env(env).action_spm_recompute_credit(),
                unit_manager,
            ),
            "reject a validated billing": (
                lambda env: validated.with_env(env).action_reject("Hostile"),
                unit_manager,
            ),
            "cancel a validated billing": (lambda env: validated.with_env(env).action_cancel(), unit_manager),
            "reset a rejected billing": (
                lambda env: rejected.with_env(env).action_draft(),
                {"distributor", "manager of the unit"},
            ),
            "submit a draft": (
                lambda env: draft.with_env(env).action_submit(),
                {"distributor", "manager of the unit"},
            ),
        }

    def test_forbidden_operations_of_every_role(self):
        # Recompute would credit D too, were it run: a refused recompute changes nothing.
        self._assign(
            self.distributor_a, self.sales_d, unit=self.unit_pharma, kind="overlay", date_from="2020-01-01"
        )
        before = self._snapshot()
        tried = 0
        for name, (attempt, allowed) in self._attempts().items():
            for role, user in self.roles.items():
                if role in allowed:
                    continue
                for context in FORGED_CONTEXTS:
                    self._refused(user, context, attempt, f"{role}: {name} with {context}")
                    tried += 1
        self.assertGreater(tried, 300)
        self.assertEqual(self._snapshot(), before)

    def test_what_the_unit_manager_may_do_stays_in_his_unit(self):
        """The allowed cells of the attempts above do happen, so that a refusal is
        the check's and not a broken fixture's."""
        manager = self.env(user=self.manager_pharma, context=dict(FORGED_CONTEXTS[2]))
        created = self._new(manager, self.product_pharma)
        self.assertEqual(created.state, "draft", "a forged default_state is ignored")
        self.draft.line_ids.with_env(manager).write({"quantity": 20})
        self.assertEqual(self.draft.line_ids.quantity, 20)
        self._assign(
            self.distributor_a, self.sales_d, unit=self.unit_pharma, kind="overlay", date_from="2020-01-01"
        )
        self.validated.with_env(manager).action_spm_recompute_credit()
        self.assertEqual(
            self._credit([("secondary_billing_id", "=", self.validated.id)]),
            {self.sales_a: 600.0, self.sales_b: 400.0, self.sales_d: 1000.0},
        )

    def test_recompute_of_another_companys_billing(self):
        other = self.env["res.company"].create({"name": "Test Other Co"})
        elsewhere = self.env["res.partner"].create(
            {
                "name": "Test Foreign Distributor",
                "is_company": True,
                "is_distributor": True,
                "company_id": other.id,
            }
        )
        foreign_portal = new_test_user(
            self.env, "t_auth_foreign", groups="base.group_portal", company_id=other.id, company_ids=other.ids
        )
        foreign_portal.partner_id.parent_id = elsewhere
        foreign_manager = new_test_user(
            self.env,
            "t_auth_foreign_mgr",
            groups="spm_quota.group_spm_manager",
            company_id=other.id,
            company_ids=other.ids,
        )
        self.env["spm.business.unit"].create(
            {"name": "Foreign", "code": "TFO", "manager_id": foreign_manager.id, "company_id": other.id}
        )
        self._assign(
            self.distributor_a, self.sales_d, unit=self.unit_pharma, kind="overlay", date_from="2020-01-01"
        )
        before = self._snapshot()
        for user in (foreign_portal, foreign_manager):
            for context in FORGED_CONTEXTS:
                self._refused(
                    user,
                    context,
                    lambda env: (
                        env["spm.secondary.billing"].browse(self.validated.id).action_spm_recompute_credit()
                    ),
                    f"{user.login}: recompute",
                )
        self.assertEqual(self._snapshot(), before)

    def test_no_context_key_unlocks_a_validated_billing_even_as_superuser(self):
        for attempt in (
            lambda env: self.validated.with_env(env).write({"bill_number": "H-HACK"}),
            lambda env: self.validated.line_ids.with_env(env).write({"quantity": 1}),
            lambda env: self.validated.with_env(env).write({"state": "draft"}),
        ):
            self._refused(self.admin, FORGED_CONTEXTS[2], attempt, "SPM administrator")
            with self.assertRaises(UserError), self.env.cr.savepoint():
                attempt(self.env(user=self.admin, context=dict(FORGED_CONTEXTS[2]), su=True))
        self.assertEqual(self.validated.state, "validated")


@tagged("post_install", "-at_install")
class TestBillingDecisionsStick(SpmBillingAuthorityCase):
    """A reviewer's rejection or cancellation is not undone by resetting and
    resubmitting, even in a unit that validates on submission."""

    def _activity_users(self, billing):
        activity_type = self.env.ref("spm_portal.mail_activity_type_secondary_review")
        return billing.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id

    def test_rejected_billing_resubmitted_with_higher_amounts_waits_for_review(self):
        self.assertEqual(self.unit_pharma.secondary_validation, "auto")
        rejected = self.rejected.with_user(self.portal_a)
        rejected.action_draft()
        self.rejected.line_ids.quantity = 50
        rejected.action_submit()
        self.assertEqual(self.rejected.state, "submitted")
        self.assertTrue(self.rejected.review_required)
        self.assertEqual(self._activity_users(self.rejected), self.manager_pharma)
        self.assertEqual(self._credit([("secondary_billing_id", "=", self.rejected.id)]), {})
        for user in (self.portal_a, self.manager_consumer, self.manager_none, self.sales_a):
            with self.assertRaises(AccessError):
                self.rejected.with_user(user).action_validate()
        self.rejected.with_user(self.manager_pharma).action_validate()
        self.assertEqual(self.rejected.validated_by_id, self.manager_pharma)
        self.assertEqual(
            self._credit([("secondary_billing_id", "=", self.rejected.id)]),
            {self.sales_a: 3000.0, self.sales_b: 2000.0},
        )

    def test_unchanged_resubmission_waits_for_review_too(self):
        self.rejected.with_user(self.portal_a).action_draft()
        self.rejected.with_user(self.portal_a).action_submit()
        self.assertEqual(self.rejected.state, "submitted")

    def test_cancelled_by_the_reviewer_then_resubmitted_waits_for_review(self):
        self.validated.with_user(self.manager_pharma).action_cancel()
        self.assertEqual(self._credit([("secondary_billing_id", "=", self.validated.id)]), {})
        self.validated.with_user(self.portal_a).action_draft()
        self.validated.with_user(self.portal_a).action_submit()
        self.assertEqual(self.validated.state, "submitted")
        # The distributor's own withdrawal is not a decision: submitted again, validated at once.
        self.draft.with_user(self.portal_a).action_cancel()
        self.draft.with_user(self.portal_a).action_draft()
        self.draft.with_user(self.portal_a).action_submit()
        self.assertEqual(self.draft.state, "validated")

    def test_reviewed_billing_is_not_deleted_to_come_back_unreviewed(self):
        self.rejected.with_user(self.portal_a).action_draft()
        for billing in (
            self.rejected.with_user(self.portal_a).sudo(),
            self.rejected.with_user(self.manager_pharma),
        ):
            with self.assertRaisesRegex(UserError, "is kept"), self.env.cr.savepoint():
                billing.unlink()
        self.assertTrue(self.rejected.exists())

    def test_forged_draft_then_delete_leaves_the_credit_reversible(self):
        credit = self._credit([("secondary_billing_id", "=", self.validated.id)])
        self.assertEqual(credit, {self.sales_a: 600.0, self.sales_b: 400.0})
        for context in FORGED_CONTEXTS:
            self._refused(
                self.manager_pharma,
                context,
                lambda env: self.validated.with_env(env).write({"state": "draft"}),
                "forged draft",
            )
        self._refused(self.manager_pharma, {}, lambda env: self.validated.with_env(env).unlink(), "delete")
        self.assertEqual(self._credit([("secondary_billing_id", "=", self.validated.id)]), credit)
        # The way back to draft reverses the credit first.
        self.validated.with_user(self.manager_pharma).action_cancel()
        self.validated.with_user(self.portal_a).action_draft()
        self.assertEqual(self._credit([("secondary_billing_id", "=", self.validated.id)]), {})


@tagged("post_install", "-at_install")
class TestBillingAuthorityHttp(SpmPortalHttpCase):
    """The same attempts through the routes: JSON-RPC with forged contexts, the
    portal form and the API with extra fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.validated = cls._billing(number="HH-VALID")
        cls.rejected = cls._billing(number="HH-REJ")
        cls.rejected.with_user(cls.manager_pharma).action_reject("Not our retailer")

    def _state(self):
        self.env.invalidate_all()
        billings = self.Billing.search([("distributor_id", "=", self.distributor_a.id)])
        return {
            b.bill_number: (
                b.state,
                b.review_required,
                b.validated_by_id,
                sorted((line.quantity, line.price_unit) for line in b.line_ids),
                sorted((c.user_id.id, c.amount) for c in b.credit_line_ids),
            )
            for b in billings
        }

    def _call_kw(self, model, method, args, context):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": {"context": context}},
        )

    def test_json_rpc_with_forged_contexts(self):
        before = self._state()
        forged = {"spm_billing_force_write": True, "spm_billing_workflow": True, "default_state": "validated"}
        for user in (self.manager_pharma, self.manager_consumer, self.portal_a, self.sales_a):
            self.authenticate(user.login, user.login)
            for model, method, args in (
                ("spm.secondary.billing", "write", [[self.validated.id], {"state": "draft"}]),
                ("spm.secondary.billing", "write", [[self.rejected.id], {"state": "validated"}]),
                ("spm.secondary.billing.line", "write", [self.validated.line_ids.ids, {"quantity": 999}]),
                ("spm.secondary.billing", "action_validate", [[self.rejected.id]]),
            ):
                with (
                    self.subTest(user=user.login, method=method, args=args),
                    mute_logger("odoo.http"),
                    self.assertRaises(JsonRpcException),
                ):
                    self._call_kw(model, method, args, forged)
        for user in (self.manager_consumer, self.portal_a, self.portal_b, self.sales_a):
            self.authenticate(user.login, user.login)
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                self._call_kw(
                    "spm.secondary.billing", "action_spm_recompute_credit", [[self.validated.id]], forged
                )
        self.assertEqual(self._state(), before)

    def test_portal_form_with_extra_fields(self):
        self.login(self.portal_a)
        extras = {
            "state": "validated",
            "validated_by_id": str(self.manager_pharma.id),
            "review_required": "",
            "spm_billing_force_write": "1",
            "context": '{"spm_billing_force_write": true}',
        }
        before = self._state()
        # A validated billing cannot be edited through the form, whatever is posted.
        response = self.post(
            "/my/secondary-sales/save",
            self.form_data(
                number="HH-VALID", billing_id=self.validated.id, lines=(("T-INS", "999", "100"),), **extras
            ),
        )
        self.assertEqual(response.status_code, 303)
        # Negative quantities, year 1, absurd amounts: refused with the validator's message.
        for values, message in (
            ({"lines": (("T-INS", "-5", "100"),)}, "cannot be negative"),
            ({"bill_date": "0001-01-01"}, "too old"),
            ({"lines": (("T-INS", "1000000", "1000"),)}, "above"),
        ):
            lines = values.pop("lines", (("T-INS", "2", "100"),))
            response = self.post(
                "/my/secondary-sales/save", self.form_data(number="HH-NEW", lines=lines, **values, **extras)
            )
            self.assertEqual(response.status_code, 400)
            self.assertIn(message, response.text)
        self.assertEqual(self._state(), before)
        # A valid one is created as the form creates it: the extra fields change nothing.
        response = self.post(
            "/my/secondary-sales/save", self.form_data(number="HH-NEW", action="save", **extras)
        )
        self.assertEqual(response.status_code, 303)
        created = self.Billing.search([("bill_number", "=", "HH-NEW")])
        self.assertEqual(
            (created.state, created.validated_by_id, created.source),
            ("draft", self.env["res.users"], "portal"),
        )

    def test_portal_resubmission_of_a_rejected_billing_waits_for_review(self):
        self.login(self.portal_a)
        self.assertEqual(self.post(f"/my/secondary-sales/{self.rejected.id}/reset", {}).status_code, 303)
        response = self.post(
            "/my/secondary-sales/save",
            self.form_data(
                number="HH-REJ",
                billing_id=self.rejected.id,
                lines=(("T-INS", "90", "100"),),
                state="validated",
            ),
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.rejected.state, "submitted")
        self.assertNotIn("o_spm_delete", self.url_open(f"/my/secondary-sales/{self.rejected.id}").text)
        self.assertEqual(
            self._credit([("secondary_billing_id", "=", self.rejected.id)]), {}, "not before the review"
        )

    def test_portal_keeps_a_rejected_billing(self):
        self.login(self.portal_a)
        self.post(f"/my/secondary-sales/{self.rejected.id}/reset", {})
        page = self.url_open(f"/my/secondary-sales/{self.rejected.id}").text
        self.assertIn("o_spm_submit", page)
        self.assertNotIn("o_spm_delete", page, "no delete button for a reviewed billing")
        with mute_logger("odoo.http"):
            response = self.post(f"/my/secondary-sales/{self.rejected.id}/delete", {})
        self.assertEqual(response.status_code, 400)
        self.assertIn("is kept", response.text)
        self.assertTrue(self.rejected.exists())

    def test_api_with_extra_fields(self):
        before = self._state()
        extras = {
            "state": "validated",
            "validated_by_id": self.manager_pharma.id,
            "review_required": False,
            "context": {"spm_billing_force_write": True},
        }
        for billing, message in (
            (self.api_billing(number="HH-API", lines=[("T-INS", -5, 100.0)], **extras), "cannot be negative"),
            (self.api_billing(number="HH-API", bill_date="0001-01-01", **extras), "too old"),
            (self.api_billing(number="HH-API", lines=[("T-INS", 1e6, 1000.0)], **extras), "above"),
            (
                self.api_billing(number="HH-API", type="return", lines=[("T-INS", -1, 100.0)]),
                "cannot be negative",
            ),
        ):
            response = self.api("POST", payload={"billings": [billing]}, key=self.key_a)
            self.assertEqual(response.status_code, 400, response.text)
            self.assertIn(message, response.text)
        # The rejected billing's number with other amounts: a conflict, nothing replaced.
        response = self.api(
            "POST",
            payload={"billings": [self.api_billing(number="HH-REJ", lines=[("T-INS", 90, 100.0)], **extras)]},
            key=self.key_a,
        )
        self.assertEqual(response.status_code, 409, response.text)
        self.assertEqual(self._state(), before)
