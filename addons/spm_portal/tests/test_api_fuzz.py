import json

from hypothesis import given
from hypothesis import strategies as st

from odoo.tests import tagged

from .common import fuzz_settings
from .http_common import SpmPortalHttpCase

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "=1+2",
        "+SUM(A1)",
        "-3",
        "@cmd",
        "x" * 5000,
        "\x00\x01",
        "2026-02-30",
        "30/02/2026",
        "1e400",
        "NaN",
        "T-INS",
        "4000000000017",
        "T-SMP",
        "Corner Shop",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ]
) | st.text(max_size=30)
ODD_NUMBERS = (
    st.sampled_from([0, -1, 1, 1.5, "1,5", "1.234,5", 1e308, "abc", None, True, [], {}]) | st.floats()
)
LINES = st.lists(
    st.fixed_dictionaries({"product": ODD_TEXT, "quantity": ODD_NUMBERS, "price_unit": ODD_NUMBERS}),
    max_size=3,
)
BILLINGS = st.lists(
    st.fixed_dictionaries(
        {"bill_number": ODD_TEXT, "bill_date": ODD_TEXT, "retailer": ODD_TEXT, "lines": LINES},
        optional={"type": ODD_TEXT, "currency": ODD_TEXT, "extra": JSON_VALUES},
    ),
    max_size=3,
)
BODIES = (
    st.builds(lambda billings: json.dumps({"billings": billings}), BILLINGS)
    | st.builds(json.dumps, JSON_VALUES)
    | st.binary(max_size=300).map(lambda data: data.decode("latin-1"))
)
ANSWERS = {200, 201, 400, 401, 403, 404, 409, 413}


@tagged("post_install", "-at_install")
class TestSecondaryBillingApiFuzz(SpmPortalHttpCase):
    """Generated malformed and hostile requests: every one gets a clear 2xx/4xx
    answer, never a server error, and a refused request saves nothing."""

    @fuzz_settings(60)
    @given(BODIES)
    def test_fuzz_api_bodies(self, body):
        before = self.Billing.search_count([])
        response = self.api("POST", raw=body.encode("utf-8", "surrogatepass"), key=self.key_a)
        self.assertIn(response.status_code, ANSWERS, response.text[:500])
        self.assertEqual(response.headers.get("Content-Type", "").split(";")[0], "application/json")
        if response.status_code >= 400:
            self.assertEqual(self.Billing.search_count([]), before, "a refused request saves nothing")

    @fuzz_settings(20)
    @given(ODD_TEXT)
    def test_fuzz_bill_number_lookup(self, number):
        response = self.api(
            "GET", "/" + number.replace("/", "%2F").replace("?", "%3F").replace("#", "%23"), key=self.key_a
        )
        self.assertIn(response.status_code, ANSWERS | {405}, response.text[:500])

    def test_control_characters_are_refused_clearly(self):
        """Found by the fuzzing above: a NUL in a value reached the database (a 500)."""
        billing = self.api_billing(number="NUL\u0000-1", retailer="Shop\u0007")
        response = self.api("POST", payload={"billings": [billing]}, key=self.key_a)
        self.assertEqual(response.status_code, 400, response.text[:500])
        fields = {error["field"] for error in response.json()["errors"]}
        self.assertEqual(fields, {"billings[0].bill_number", "billings[0].retailer"})
        self.assertEqual(self.api("GET", "/NUL%00-1", key=self.key_a).status_code, 404)
