from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SpmPortalCase

# Odoo's models to which the addons add fields.
MODELS = ("sale.order", "sale.order.line", "account.move", "account.move.line", "res.partner")
SPM_ADDONS = {"spm_quota", "spm_credit", "spm_portal"}


@tagged("post_install", "-at_install")
class TestFullRead(SpmPortalCase, HttpCase):
    """Every internal and portal role reads every field of the Odoo records it
    may read, over XML-RPC and without a field list, as integrations do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.roles = {
            "employee": new_test_user(cls.env, "t_read_employee", groups="base.group_user"),
            "odoo salesman": new_test_user(
                cls.env, "t_read_salesman", groups="sales_team.group_sale_salesman"
            ),
            "odoo sales manager": new_test_user(
                cls.env, "t_read_sales_mgr", groups="sales_team.group_sale_manager"
            ),
            "odoo billing": new_test_user(cls.env, "t_read_billing", groups="account.group_account_invoice"),
            "odoo accountant": new_test_user(
                cls.env, "t_read_accountant", groups="account.group_account_manager"
            ),
            "spm salesperson": cls.sales_a,
            "spm manager": cls.manager_pharma,
            "spm accountant": new_test_user(
                cls.env, "t_read_spm_acc", groups="spm_credit.group_spm_accountant"
            ),
            "spm administrator": cls.admin,
            "distributor": cls.portal_a,
            "portal customer": new_test_user(cls.env, "t_read_portal", groups="base.group_portal"),
        }
        # Credited documents of every kind, the portal users' own among them.
        order = cls._order([(cls.product_pharma, 2, 50.0), (cls.product_consumer, 3, 10.0)])
        cls._invoice(order)
        portal_order = cls._order(
            [(cls.product_consumer, 1, 10.0)], partner=cls.roles["portal customer"].partner_id
        )
        cls._invoice(portal_order)
        cls._billing()

    def _xmlrpc(self, user, model, method, *args, **kwargs):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, user.login, user.login, {})
        self.assertTrue(uid, f"{user.login} logs in")
        return self.xmlrpc_object.execute_kw(db, uid, user.login, model, method, list(args), kwargs)

    def _spm_fields(self, model):
        """The fields of ``model`` that the SPM addons add."""
        prefix = f"field_{model.replace('.', '_')}__"
        data = self.env["ir.model.data"].search(
            [
                ("model", "=", "ir.model.fields"),
                ("module", "in", sorted(SPM_ADDONS)),
                ("name", "=like", f"{prefix}%"),
            ]
        )
        return {name.removeprefix(prefix) for name in data.mapped("name")}

    def test_every_role_reads_every_field(self):
        """The addons' fields never make a read fail: a role reads them all, and
        reads every field (no field list) wherever Odoo's own fields allow it.
        Odoo's fields alone keep some roles from a full read (a salesman cannot
        read the payments of an invoice): those are Odoo's, and stay as they are."""
        full_reads = set()
        spm_fields = {model: self._spm_fields(model) for model in MODELS}
        self.assertIn("spm_credit_line_ids", spm_fields["sale.order"])
        for role, user in self.roles.items():
            for model in MODELS:
                Model = self.env[model].with_user(user)
                if not Model.has_access("read"):
                    continue
                ids = Model.search([], limit=20).ids
                if not ids:
                    continue
                visible = self._xmlrpc(user, model, "fields_get", attributes=["type"])
                ours = [name for name in visible if name in spm_fields[model]]
                odoo_own = [name for name in visible if name not in ours]
                with self.subTest(role=role, model=model):
                    if ours:  # an empty list would read every field
                        read = self._xmlrpc(user, model, "read", ids, fields=ours)
                        self.assertEqual([r["id"] for r in read], ids)
                    try:
                        with self.env.cr.savepoint():
                            Model.browse(ids).read(odoo_own)
                    except AccessError:
                        continue  # Odoo's own fields are not all this role's
                    records = self._xmlrpc(user, model, "search_read", [("id", "in", ids)])
                    read = self._xmlrpc(user, model, "read", ids)
                    self.assertEqual(set(read[0]), set(records[0]))
                    self.assertLessEqual(set(ours), set(read[0]), "every field, ours included")
                    full_reads.add((role, model))
        # The full reads that fail when a field of the addons is not the role's.
        for expected in [
            ("odoo salesman", "res.partner"),
            ("odoo sales manager", "sale.order"),
            ("odoo billing", "sale.order.line"),
            ("odoo billing", "account.move.line"),
            ("odoo billing", "res.partner"),
            ("odoo accountant", "sale.order.line"),
            ("spm salesperson", "res.partner"),
            ("spm manager", "sale.order"),
        ]:
            self.assertIn(expected, full_reads)
