import re

from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .http_common import SpmPortalHttpCase

CHATTER = re.compile(r'<div id="discussion"[^>]*>')
ATTRIBUTE = r'{}="([^"]*)"'


@tagged("post_install", "-at_install")
class TestPortalChatter(SpmPortalHttpCase):
    """The portal chatter of a billing: the distributor and the reviewer talk on it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls._billing(number="CHAT-1")

    def _chatter_of_page(self, billing):
        """The attributes of the portal chatter of the billing's page, as the browser reads them."""
        response = self.url_open(f"/my/secondary-sales/{billing.id}")
        self.assertEqual(response.status_code, 200)
        match = CHATTER.search(response.text)
        self.assertTrue(match, "the billing's page has the portal chatter")
        return {
            name: re.search(ATTRIBUTE.format(f"data-{name}"), match.group(0)).group(1)
            for name in ("res_model", "res_id", "pid", "hash", "allow_composer")
        }

    def _post(self, billing, body, pid, hash_):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "spm.secondary.billing",
                "thread_id": billing.id,
                "post_data": {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
                "pid": pid,
                "hash": hash_,
            },
        )

    def test_distributor_and_reviewer_talk_on_the_billing(self):
        self.login(self.portal_a)
        chatter = self._chatter_of_page(self.billing)
        self.assertEqual(chatter["res_model"], "spm.secondary.billing")
        self.assertEqual(int(chatter["res_id"]), self.billing.id)
        self.assertEqual(int(chatter["pid"]), self.portal_a.partner_id.id)
        self.assertEqual(chatter["allow_composer"], "1")
        self._post(self.billing, "Is the price right?", chatter["pid"], chatter["hash"])

        # The reviewer reads it in the back office chatter, as the distributor's message.
        reviewer_billing = self.billing.with_user(self.manager_pharma)
        message = reviewer_billing.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.portal_a.partner_id)
        self.assertEqual(message.body, "<p>Is the price right?</p>")
        self.assertFalse(message.subtype_id.internal)

        # The reviewer's answer is on the distributor's portal chatter.
        reviewer_billing.message_post(
            body="Yes, the list price.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        fetched = self.make_jsonrpc_request(
            "/mail/chatter_fetch", {"thread_model": "spm.secondary.billing", "thread_id": self.billing.id}
        )
        bodies = [m["body"] for m in fetched["data"]["mail.message"]]
        self.assertEqual(bodies, ["<p>Yes, the list price.</p>", "<p>Is the price right?</p>"])

    @mute_logger("odoo.http")
    def test_other_distributor_cannot_post(self):
        self.login(self.portal_a)
        chatter = self._chatter_of_page(self.billing)
        self.login(self.portal_b)
        response = self.url_open(f"/my/secondary-sales/{self.billing.id}")
        self.assertEqual(response.status_code, 404)
        pid_b = self.portal_b.partner_id.id
        for pid, hash_ in ((pid_b, None), (pid_b, "0" * 64), (pid_b, chatter["hash"])):
            with self.subTest(pid=pid, hash=hash_), self.assertRaises(JsonRpcException) as caught:
                self._post(self.billing, "Not yours", pid, hash_)
            self.assertEqual(caught.exception.code, 404)
        self.assertFalse(self.billing.message_ids.filtered(lambda m: m.message_type == "comment"))
