import io

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.spm_portal.tools.billing_checker import unmapped_products

from .common import SpmPortalCase
from .http_common import SpmPortalHttpCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit,type\n"


class ProductMapsCommon:
    """Distributor A sells the pharma product (a box of 10 strips) by the strip, as AMX-STRIP."""

    @classmethod
    def _map(cls, distributor, code, product, factor=1.0, confirm=True, **vals):
        mapping = (
            cls.env["spm.distributor.product.map"]
            .with_user(cls.manager_pharma)
            .create(
                {
                    "distributor_id": distributor.id,
                    "distributor_code": code,
                    "product_id": product.id,
                    "quantity_factor": factor,
                    **vals,
                }
            )
        )
        if confirm:
            mapping.action_confirm()
        return mapping

    def _input(self, number="M-1", lines=(("AMX-STRIP", 30, 5.25),), **values):
        return {
            "bill_number": number,
            "bill_date": self.yesterday,
            "retailer": "Corner Shop",
            "lines": [
                {"row": index, "product": p, "quantity": q, "price_unit": u}
                for index, (p, q, u) in enumerate(lines, start=2)
            ],
            **values,
        }


class TestProductMaps(ProductMapsCommon, SpmPortalCase):
    """A distributor's own product codes: mapped once, confirmed, converted exactly."""

    def test_pack_conversion_is_exact(self):
        self._map(self.distributor_a, "AMX-STRIP", self.product_pharma, 10, distributor_uom_name="strip")
        prepared, errors = self.Billing._check_billings([self._input()], self.distributor_a)
        self.assertFalse(errors)
        line = prepared[0]["vals"]["lines"][0]
        self.assertEqual(line, {"product_id": self.product_pharma.id, "quantity": 3.0, "price_unit": 52.5})
        created, _existing = self.Billing._create_checked(prepared, "upload", submit=True)
        self.assertEqual(created.line_ids.price_subtotal, 157.5, "30 strips at 5.25: the amount is unchanged")
        self.assertEqual(created.state, "validated")
        self.assertEqual(
            self._credit([("secondary_billing_id", "=", created.id)]),
            {self.sales_a: 94.5, self.sales_b: 63.0},
        )
        # The code is matched whatever its case and spaces.
        prepared, errors = self.Billing._check_billings(
            [self._input("M-2", lines=(("  amx-strip ", 25, 5.25),))], self.distributor_a
        )
        self.assertFalse(errors)
        self.assertEqual(prepared[0]["vals"]["lines"][0]["quantity"], 2.5)

    def test_conversion_that_changes_an_amount_is_refused(self):
        self._map(self.distributor_a, "AMX-3", self.product_pharma, 3)
        _prepared, errors = self.Billing._check_billings(
            [self._input(lines=(("AMX-3", 7, 1.01),))], self.distributor_a
        )
        self.assertEqual(len(errors), 1)
        self.assertIn("cannot be converted exactly", errors[0]["message"])
        _prepared, errors = self.Billing._check_billings(
            [self._input(lines=(("AMX-3", 6, 1.01),))], self.distributor_a
        )
        self.assertFalse(errors, "6 of 3 to one unit: 2 units at 3.03, the same 6.06")

    def test_unmapped_code_blocks_only_its_rows(self):
        self._map(self.distributor_a, "PROPOSED-ONLY", self.product_pharma, confirm=False)
        billings = [
            self._input("U-1", lines=(("T-INS", 1, 100),)),
            self._input("U-2", lines=(("NEW-CODE", 1, 10),)),
            self._input("U-3", lines=(("T-SUN", 1, 10), ("new-code", 2, 10), ("PROPOSED-ONLY", 1, 1))),
        ]
        billings[1]["lines"][0]["row"] = 7
        prepared, errors = self.Billing._check_billings(billings, self.distributor_a)
        self.assertEqual({e["bill_number"] for e in errors}, {"U-2", "U-3"})
        self.assertEqual({e["code"] for e in errors}, {"unmapped"}, "a proposed mapping is not used yet")
        self.assertTrue(prepared[0]["vals"], "the billing without unmapped codes is accepted")
        self.assertEqual([p["vals"] for p in prepared[1:]], [None, None])
        self.assertEqual(
            unmapped_products(errors),
            [
                {"product": "NEW-CODE", "rows": [7, 3], "count": 2},
                {"product": "PROPOSED-ONLY", "rows": [4], "count": 1},
            ],
        )

    def test_confirmation_only_through_its_methods(self):
        Map = self.env["spm.distributor.product.map"].with_user(self.manager_pharma)
        vals = {
            "distributor_id": self.distributor_a.id,
            "distributor_code": "X-1",
            "product_id": self.product_pharma.id,
        }
        with self.assertRaises(AccessError):
            Map.create({**vals, "state": "confirmed"})
        mapping = Map.with_context(default_state="confirmed").create(vals)
        self.assertEqual(mapping.state, "proposed", "a context key confirms nothing")
        with self.assertRaises(AccessError):
            mapping.write({"state": "confirmed"})
        with self.assertRaises(AccessError):
            mapping.with_user(self.sales_a).action_confirm()
        mapping.action_confirm()
        self.assertEqual((mapping.state, mapping.confirmed_by_id), ("confirmed", self.manager_pharma))
        mapping.quantity_factor = 12
        self.assertEqual(mapping.state, "proposed", "a corrected mapping is confirmed again")

    def test_bad_mappings_are_refused_with_a_message(self):
        for factor in (0, -1, 1e9):
            with self.subTest(factor=factor), self.assertRaisesRegex(ValidationError, "units per unit"):
                self._map(self.distributor_a, f"F-{factor}", self.product_pharma, factor, confirm=False)
        with self.assertRaisesRegex(ValidationError, "cannot be sold"):
            self._map(self.distributor_a, "NS-1", self.product_not_sold, confirm=False)
        with self.assertRaisesRegex(ValidationError, "at most"):
            self._map(self.distributor_a, "C" * 200, self.product_pharma, confirm=False)

    def test_suggestions(self):
        amoxicillin = self.env["product.product"].create(
            {
                "name": "Test Amoxicillin 500 box of 10 strips",
                "categ_id": self.categ_pharma.id,
                "default_code": "T-AMX",
            }
        )
        self._map(self.distributor_b, "INSU-BOX", self.product_pharma, 1)
        result = self.env["spm.distributor.product.map"]._spm_propose(
            self.distributor_a, ["t-ins", "4000000000017", "INSU-BOX", "TEST AMOXICILIN 500 STRIP", ""]
        )
        self.assertEqual(set(result), {"t-ins", "4000000000017", "INSU-BOX", "TEST AMOXICILIN 500 STRIP"})
        self.assertEqual(result["t-ins"][0]["product"], self.product_pharma)
        self.assertEqual(result["t-ins"][0]["reason"], "Our internal reference")
        self.assertEqual(result["4000000000017"][0]["reason"], "Our barcode")
        self.assertEqual(result["INSU-BOX"][0]["product"], self.product_pharma)
        self.assertEqual(result["INSU-BOX"][0]["reason"], "Mapped so by other distributors")
        best = result["TEST AMOXICILIN 500 STRIP"][0]
        self.assertEqual(
            (best["product"], best["quantity_factor"]), (amoxicillin, 10.0), "a strip of a box of 10"
        )
        # Only the products the distributor may report.
        self.distributor_a.spm_allowed_product_ids = self.product_consumer
        result = self.env["spm.distributor.product.map"]._spm_propose(self.distributor_a, ["t-ins"])
        self.assertNotIn(self.product_pharma, [s["product"] for s in result["t-ins"]])


@tagged("post_install", "-at_install")
class TestProductMapsChannels(ProductMapsCommon, SpmPortalHttpCase):
    """The mapping page of the portal; mappings used by upload and API, and only by their distributor."""

    def test_mapping_used_by_upload_and_api_only_of_its_distributor(self):
        self._map(self.distributor_a, "AMX-STRIP", self.product_pharma, 10)
        self.login(self.portal_a)
        csv = (HEADER + f"UP-1,{self.yesterday},Corner Shop,AMX-STRIP,30,5.25,sale\n").encode()
        # Through the dry run, confirmed, as the distributor does.
        response = self.upload_file({"file": ("s.csv", io.BytesIO(csv), "text/csv")})
        self.assertEqual(response.status_code, 200, response.text[:2000])
        uploaded = self.Billing.search([("bill_number", "=", "UP-1")])
        self.assertEqual((uploaded.line_ids.quantity, uploaded.line_ids.price_unit), (3.0, 52.5))
        self.assertEqual(uploaded.amount_total, 157.5)
        payload = {"billings": [self.api_billing("API-M", lines=(("AMX-STRIP", 20, 5.25),))]}
        response = self.api("POST", payload=payload, key=self.key_a)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["billings"][0]["total"], 105.0)
        sent = self.Billing.search([("bill_number", "=", "API-M")])
        self.assertEqual((sent.line_ids.quantity, sent.line_ids.price_unit), (2.0, 52.5))
        # Distributor B cannot use A's code.
        response = self.api("POST", payload=payload, key=self.key_b)
        self.assertEqual(response.status_code, 400)
        self.assertIn("AMX-STRIP", response.text)
        self.assertFalse(self.Billing.search([("distributor_id", "=", self.distributor_b.id)]))

    def test_portal_page_maps_a_code(self):
        self.login(self.portal_a)
        page = self.url_open("/my/secondary-sales/products/mappings?code=Test%20Insulin%20strip")
        self.assertEqual(page.status_code, 200)
        self.assertIn("A similar name", page.text)
        data = {
            "code": "INS-STRIP",
            "product_id": self.product_pharma.id,
            "quantity_factor": "10",
            "uom_name": "strip",
        }
        response = self.post("/my/secondary-sales/products/mappings", data)
        self.assertEqual(response.status_code, 303, response.text[:1000])
        mapping = self.env["spm.distributor.product.map"].search(
            [("distributor_id", "=", self.distributor_a.id)]
        )
        self.assertEqual(
            (
                mapping.distributor_code,
                mapping.product_id,
                mapping.quantity_factor,
                mapping.state,
                mapping.confirmed_by_id,
            ),
            ("INS-STRIP", self.product_pharma, 10.0, "confirmed", self.portal_a),
        )
        self.assertIn("INS-STRIP", self.url_open("/my/secondary-sales/products/mappings").text)
        # Bad input: refused with a message, nothing changed.
        for bad, message in (
            ({"quantity_factor": "0"}, "above 0"),
            ({"quantity_factor": "ten"}, "above 0"),
            ({"product_id": self.product_not_sold.id}, "Choose one of the products"),
            ({"product_id": "99999999999"}, "Choose one of the products"),
            ({"code": "X" * 300}, "at most"),
            ({"code": "A\x00B"}, "control characters"),
        ):
            with self.subTest(bad=bad):
                response = self.post(
                    "/my/secondary-sales/products/mappings", {**data, "quantity_factor": "5", **bad}
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertEqual(mapping.quantity_factor, 10.0)
        # Distributor B sees none of it, and cannot map to a product it may not report.
        self.login(self.portal_b)
        self.assertNotIn("INS-STRIP", self.url_open("/my/secondary-sales/products/mappings").text)
        self.distributor_b.spm_allowed_product_ids = self.product_consumer
        response = self.post("/my/secondary-sales/products/mappings", data)
        self.assertEqual(response.status_code, 400)

    def test_rpc_of_portal_users(self):
        mapping = self._map(self.distributor_a, "AMX-STRIP", self.product_pharma, 10)
        Map = self.env["spm.distributor.product.map"]
        self.assertEqual(Map.with_user(self.portal_a).search([]), mapping)
        self.assertFalse(Map.with_user(self.portal_b).search([]), "B reads none of A's mappings")
        with self.assertRaises(AccessError):
            mapping.with_user(self.portal_b).read(["distributor_code"])
        with self.assertRaises(AccessError):
            Map.with_user(self.portal_b).create(
                {
                    "distributor_id": self.distributor_b.id,
                    "distributor_code": "X",
                    "product_id": self.product_pharma.id,
                }
            )
        with self.assertRaises(AccessError):
            mapping.with_user(self.portal_a).action_confirm()
        with self.assertRaises(AccessError):
            mapping.with_user(self.portal_a).write({"quantity_factor": 1})
