from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestBusinessUnitResolver(SpmQuotaCase):
    def _product(self, categ):
        return self.env["product.product"].create({"name": f"P {categ.name}", "categ_id": categ.id})

    def test_most_specific_category_wins(self):
        generics_unit = self.env["spm.business.unit"].create(
            {
                "name": "Generics",
                "code": "GEN",
                "product_category_ids": [(6, 0, self.categ_generics.ids)],
            }
        )
        products = self._product(self.categ_generics) | self._product(self.categ_pharma)
        Unit = self.env["spm.business.unit"]
        units = Unit._resolve_business_units(products, [self.team_pharma] * 2, [self.company] * 2)
        self.assertEqual(units, [generics_unit, self.unit_pharma])

    def test_subcategory_belongs_to_parent_unit(self):
        product = self._product(self.categ_generics)
        units = self.env["spm.business.unit"]._resolve_business_units(product, [False], [self.company])
        self.assertEqual(units, [self.unit_pharma])

    def test_team_fallback_then_unresolved(self):
        product = self._product(self.categ_other)
        Unit = self.env["spm.business.unit"]
        units = Unit._resolve_business_units(
            [product, product], [self.team_pharma, self.team_other], [self.company] * 2
        )
        self.assertEqual(units[0], self.unit_pharma)
        self.assertFalse(units[1], "a line with no unit is reported unresolved, not guessed")

    def test_category_in_one_unit_only(self):
        with self.assertRaises(ValidationError):
            self.env["spm.business.unit"].create(
                {
                    "name": "Dup",
                    "code": "DUP",
                    "product_category_ids": [(6, 0, self.categ_pharma.ids)],
                }
            )

    def test_code_unique_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["spm.business.unit"].create({"name": "Other", "code": "TPH"})
