from odoo.tests import new_test_user, tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestResponsibleUsers(SpmQuotaCase):
    """Credit issues and billing reviews go to the units' managers, else to
    one SPM administrator of the company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unit_unmanaged = cls.env["spm.business.unit"].create({"name": "Test Unmanaged", "code": "TUN"})
        cls.other_company = cls.env["res.company"].create({"name": "Test Other Company"})
        cls.foreign_admin = new_test_user(
            cls.env,
            "t_foreign_admin",
            groups="spm_quota.group_spm_admin",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def test_managers_of_the_units(self):
        units = self.unit_pharma | self.unit_consumer | self.unit_unmanaged
        self.assertEqual(
            units._spm_responsible_users(self.company), self.manager_pharma | self.manager_consumer
        )
        self.assertEqual(
            (self.unit_pharma | self.unit_unmanaged)._spm_responsible_users(self.company), self.manager_pharma
        )

    def test_first_administrator_without_manager(self):
        admin_group = self.env.ref("spm_quota.group_spm_admin")
        for units in (self.unit_unmanaged, self.unit_unmanaged.browse()):
            with self.subTest(units=units.ids):
                responsible = units._spm_responsible_users(self.company)
                self.assertEqual(len(responsible), 1)
                self.assertIn(responsible, admin_group.users)
                self.assertIn(self.company, responsible.company_ids)
                self.assertFalse(responsible.share)
        self.assertEqual(self.unit_unmanaged._spm_responsible_users(self.other_company), self.foreign_admin)
