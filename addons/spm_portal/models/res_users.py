import datetime

from odoo import _, fields, models
from odoo.exceptions import AccessDenied, AccessError, UserError

from ..tools.limits import MAX_API_KEY_NAME, MAX_API_KEYS


class ResUsers(models.Model):
    _inherit = "res.users"

    def _spm_check_api_key_rights(self, password):
        """Check that the current user is a distributor's portal user allowed API
        keys and typed his password again, as Odoo's identity check asks before
        a key is made or removed."""
        user = self.env.user
        if not self.env["res.partner"]._spm_distributor_of_user(user):
            raise AccessError(_("Only a distributor's portal users manage API keys here."))
        if not self.env["ir.config_parameter"].sudo().get_param("portal.allow_api_keys"):
            raise UserError(_("API keys are not allowed on this portal; ask your administrator."))
        credential = {"login": user.login, "password": password or "", "type": "password"}
        try:
            user._check_credentials(credential, {"interactive": True})
        except AccessDenied:
            raise UserError(_("The password is wrong: no change was made.")) from None

    def _spm_api_keys(self):
        """The current user's live API keys, newest first (sudo: a portal user
        reads no API key record)."""
        return (
            self.env["res.users.apikeys"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.env.uid),
                    "|",
                    ("expiration_date", "=", False),
                    ("expiration_date", ">=", fields.Datetime.now()),
                ],
                order="id desc",
            )
        )

    def _spm_generate_api_key(self, name, password):
        """A new API key of the current distributor portal user, valid for the
        days its company gives distributors' keys; answered once, only its
        hash is kept."""
        self._spm_check_api_key_rights(password)
        name = (name or "").strip()
        if not name or len(name) > MAX_API_KEY_NAME:
            raise UserError(
                _(
                    "Name the key (at most %(count)s characters), e.g. the system that uses it.",
                    count=MAX_API_KEY_NAME,
                )
            )
        if len(self._spm_api_keys()) >= MAX_API_KEYS:
            raise UserError(_("You have %(count)s API keys: revoke one first.", count=MAX_API_KEYS))
        days = self.env.user.company_id.spm_portal_api_key_days
        expiration = fields.Datetime.now() + datetime.timedelta(days=days)
        # sudo: a longer duration than the portal group's is the company's setting.
        return self.env["res.users.apikeys"].sudo()._generate(None, name, expiration)

    def _spm_revoke_api_key(self, key_id, password):
        """Revoke the current user's API key ``key_id``; False when he has no such key."""
        self._spm_check_api_key_rights(password)
        key = self._spm_api_keys().filtered(lambda k: k.id == key_id)
        if not key:
            return False
        key._remove()
        return True
