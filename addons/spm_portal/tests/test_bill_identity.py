import csv
import io

import psycopg2
from hypothesis import given
from hypothesis import strategies as st

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.spm_portal.tools import bill_number_key
from odoo.addons.spm_portal.tools.bill_number import _unicode_key

from .common import SpmPortalCase, fuzz_settings
from .http_common import SpmPortalHttpCase

# What a person or a system may type for each character of a plain bill number,
# written here from the characters' looks, not from the normalisation's tables.
LOOK_ALIKES = {
    "a": "аАαΑ",
    "b": "ВвΒ",
    "c": "сСϹϲ",
    "d": "ԁ",
    "e": "еЕΕ",
    "h": "һНΗ",
    "i": "іІΙӀ",
    "j": "јЈ",
    "k": "КκΚ",
    "m": "МμΜ",
    "n": "Ν",
    "o": "оОοΟ",
    "p": "рРρΡ",
    "q": "ԛ",
    "s": "ѕЅ",
    "t": "ТτΤ",
    "v": "ѵѴ",
    "w": "ԝԜ",
    "x": "хХχΧ",
    "y": "уУΥҮ",
    "z": "Ζ",
}
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
# Zero-width and bidirectional controls, soft hyphen, byte order mark, variation selector.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202c\u202e\u2066\u2069\u061c\ufe0f"
# Whitespace a CSV line keeps (no tab, no line or paragraph separator).
SPACES = " \u00a0\u2009\u202f\u3000"


def fullwidth(char):
    return chr(ord(char) - 0x21 + 0xFF01)


def digit_forms(digit):
    """The digit in ASCII, fullwidth, Arabic-Indic, Devanagari and mathematical bold."""
    value = int(digit)
    return [digit, chr(0xFF10 + value), chr(0x0660 + value), chr(0x0966 + value), chr(0x1D7CE + value)]


def char_forms(char):
    if char.isdigit():
        return digit_forms(char)
    if char == "-":
        return list(DASHES)
    if char == "/":
        return ["/", fullwidth("/")]
    return [char, char.upper(), fullwidth(char), fullwidth(char.upper()), *LOOK_ALIKES.get(char, "")]


# A bill number as its key is: lowercase ASCII letters, runs of digits without
# leading zeros, parts separated by a hyphen or a slash.
PART = st.from_regex(r"[a-z]{1,4}", fullmatch=True) | st.integers(0, 99999).map(str)
CANONICAL = st.builds(
    lambda first, rest: first + "".join(sep + part for sep, part in rest),
    st.from_regex(r"[a-z]{1,4}", fullmatch=True),
    st.lists(st.tuples(st.sampled_from("-/"), PART), min_size=1, max_size=3),
)


@st.composite
def variants(draw, canonical=CANONICAL):
    """(canonical number, a way of writing it that looks the same or nearly)."""
    number = draw(canonical)
    chars = []
    for index, char in enumerate(number):
        if char.isdigit() and (index == 0 or not number[index - 1].isdigit()):
            chars += ["0"] * draw(st.integers(0, 3))  # leading zeros
        chars.append(char)
    text = [draw(st.sampled_from(char_forms(char))) for char in chars]
    for _ in range(draw(st.integers(0, 4))):
        text.insert(draw(st.integers(0, len(text))), draw(st.sampled_from(INVISIBLE + SPACES)))
    return number, draw(st.sampled_from(["", " ", "\u00a0"])) + "".join(text) + draw(
        st.sampled_from(["", " "])
    )


@tagged("post_install", "-at_install")
class TestBillNumberKey(SpmPortalCase):
    """One normalisation of bill numbers: look-alike writings of a number share its key."""

    @fuzz_settings(400)
    @given(variants())
    def test_look_alike_writings_have_the_key_of_the_number(self, example):
        number, variant = example
        self.assertEqual(bill_number_key(variant), number, f"{variant!r}")
        self.assertEqual(bill_number_key(bill_number_key(variant)), number)

    @fuzz_settings(200)
    @given(CANONICAL)
    def test_different_numbers_stay_different(self, number):
        """A plain number is its own key: two different plain numbers never share one."""
        self.assertEqual(bill_number_key(number), number)
        self.assertEqual(bill_number_key(number.upper()), number)

    @fuzz_settings(400)
    @given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
    def test_ascii_numbers_keyed_as_any_number(self, number):
        """The short way of ASCII numbers gives the key of the full normalisation."""
        self.assertEqual(bill_number_key(number), _unicode_key(number), f"{number!r}")

    def test_examples(self):
        same = {
            "inv-42": [
                "INV-0042",
                " inv-42 ",
                "ＩＮＶ－００４２",
                "ІΝⅤ\u201342",
                "I\u200bN\u202eV\u00ad\u2212\u0660\u0664\u0662",
                "INV-\u00a0042",
            ],
            "cin42": ["\u03f9IN42", "\u03f2in42", "ＣＩＮ４２"],
            "inv42": ["INV 42", "inv\u300042", "INV 0042"],
            "0": ["000", "0", "０"],
            "inv/2026/1": ["INV/2026/0001", "inv／２０２６／1"],
        }
        for key, numbers in same.items():
            for number in numbers:
                self.assertEqual(bill_number_key(number), key, number)
        different = ["INV-42", "INV-43", "INV-420", "INV42", "INV-4-2", "INV.42", "ÍNV-42", "ИNV-42"]
        self.assertEqual(len({bill_number_key(n) for n in different}), len(different))
        for empty in ("", None, "\u200b\u200d", " \ufeff "):
            self.assertEqual(bill_number_key(empty), "")

    # ------------------------------------------------------------ the model

    def test_key_is_stored_and_unique_per_distributor(self):
        billing = self._billing(number="INV-0042")
        self.assertEqual((billing.bill_number, billing.bill_number_key), ("INV-0042", "inv-42"))
        # Another distributor has its own bills.
        other = self._billing(distributor=self.distributor_b, number="inv-42")
        self.assertEqual(other.bill_number_key, "inv-42")
        # The database holds the rule too, whatever writes to it.
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.cr.execute(
                "UPDATE spm_secondary_billing SET distributor_id = %s WHERE id = %s",
                [self.distributor_a.id, other.id],
            )

    def test_demo_billings_have_their_key(self):
        self.cr.execute("SELECT bill_number, bill_number_key FROM spm_secondary_billing")
        rows = self.cr.fetchall()
        self.assertTrue(rows, "the demo data has billings")
        for number, key in rows:
            self.assertEqual(key, bill_number_key(number), number)

    def test_validator_refuses_a_look_alike_and_names_the_first(self):
        earlier = self._billing(number="INV-0042")
        earlier.with_user(self.manager_pharma).action_reject("Wrong retailer")
        data = {
            "bill_number": "ＩΝⅤ-42",
            "bill_date": self.yesterday,
            "retailer": "Corner Shop",
            "lines": [{"product": "T-INS", "quantity": 3, "price_unit": 100.0}],
        }
        _prepared, errors = self.Billing._check_billings([data], self.distributor_a, allow_identical=True)
        self.assertEqual([e["code"] for e in errors], ["duplicate"], "a rejected billing keeps its number")
        self.assertIn("ＩΝⅤ-42 is INV-0042 written differently", errors[0]["message"])
        self.assertIn(f"already used by your billing {earlier.name}", errors[0]["message"])
        # Two writings of one number in one request: the second names the first.
        second = {**data, "bill_number": "inv 42", "label": "billings[1]"}
        first = {**data, "bill_number": "INV42", "label": "billings[0]"}
        _prepared, errors = self.Billing._check_billings([first, second], self.distributor_a)
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("inv 42 is INV42 written differently", errors[0]["message"])
        self.assertIn("first at billings[0]", errors[0]["message"])
        # Nothing visible: not a bill number.
        _prepared, errors = self.Billing._check_billings(
            [{**data, "bill_number": "\u200b\u200d"}], self.distributor_a
        )
        self.assertIn("no visible character", errors[0]["message"])

    def test_back_office_refuses_a_look_alike_and_names_the_first(self):
        earlier = self._billing(number="MED-0007", submit=False)
        retailer = earlier.retailer_id
        values = {
            "distributor_id": self.distributor_a.id,
            "bill_date": self.yesterday,
            "retailer_id": retailer.id,
            "line_ids": [(0, 0, {"product_id": self.product_pharma.id, "quantity": 1, "price_unit": 1})],
        }
        with self.assertRaisesRegex(
            ValidationError, f"med-7 of .* it is the bill MED-0007 of the billing {earlier.name}"
        ):
            self.Billing.create({**values, "bill_number": "med-7"})
        with self.assertRaisesRegex(ValidationError, "med-08 and MED-8 are the same bill"):
            self.Billing.create([{**values, "bill_number": "MED-8"}, {**values, "bill_number": "med-08"}])
        draft = self.Billing.create({**values, "bill_number": "MED-9"})
        with self.assertRaisesRegex(ValidationError, "MED-0007"):
            draft.bill_number = "ＭＥＤ－７"
        draft.bill_number = "MED-10"
        self.assertEqual(draft.bill_number_key, "med-10")


@tagged("post_install", "-at_install")
class TestBillIdentityChannels(SpmPortalHttpCase):
    """The form, the upload and the API refuse a look-alike of a reported bill
    number alike, naming the first billing; the upload and the API answer a
    look-alike with the same content as a retry of the first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # INV-<n>: qty 2 of T-INS at 100 (the content of every channel's default billing).
        cls.earlier = cls._billing(number="INV-0042", lines=[("T-INS", 2, 100.0)])

    def count(self):
        return self.Billing.search_count([("distributor_id", "=", self.distributor_a.id)])

    def upload(self, number, quantity):
        content = io.StringIO()
        writer = csv.writer(content, lineterminator="\n")
        writer.writerow(["bill_number", "bill_date", "retailer", "product", "quantity", "price_unit", "type"])
        writer.writerow([number, self.yesterday.isoformat(), "Corner Shop", "T-INS", quantity, "100", "sale"])
        files = {"file": ("sales.csv", io.BytesIO(content.getvalue().encode()), "text/csv")}
        return self.upload_file(files)

    @fuzz_settings(15)
    @given(variants(st.just("inv-42")))
    def test_form(self, example):
        self.login(self.portal_a)
        _number, variant = example
        response = self.post(
            "/my/secondary-sales/save", self.form_data(number=variant, lines=[("T-INS", "2", "100")])
        )
        self.assertEqual(response.status_code, 400, f"{variant!r}")
        self.assertIn(f"already used by your billing {self.earlier.name}", response.text)
        self.assertEqual(self.count(), 1)

    @fuzz_settings(15)
    @given(variants(st.just("inv-42")), st.booleans())
    def test_upload(self, example, same_content):
        self.login(self.portal_a)
        _number, variant = example
        response = self.upload(variant, 2 if same_content else 3)
        if same_content:
            self.assertEqual(response.status_code, 200, f"{variant!r}")
            self.assertIn("already imported", response.text)
        else:
            self.assertEqual(response.status_code, 400, f"{variant!r}")
            self.assertIn(f"already used by your billing {self.earlier.name}", response.text)
        self.assertEqual(self.count(), 1)

    @fuzz_settings(15)
    @given(variants(st.just("inv-42")), st.booleans())
    def test_api(self, example, same_content):
        _number, variant = example
        billing = self.api_billing(number=variant, lines=[("T-INS", 2 if same_content else 3, 100.0)])
        response = self.api("POST", payload={"billings": [billing]}, key=self.key_a)
        if same_content:
            # The idempotent answer: the first billing.
            self.assertEqual(response.status_code, 200, f"{variant!r}: {response.text}")
            result = response.json()["billings"][0]
            self.assertEqual((result["status"], result["reference"]), ("existing", self.earlier.name))
        else:
            self.assertEqual(response.status_code, 409, f"{variant!r}: {response.text}")
            self.assertIn(self.earlier.name, response.json()["errors"][0]["message"])
        self.assertEqual(self.count(), 1)

    def test_api_reads_a_billing_however_its_number_is_written(self):
        response = self.api("GET", "/%EF%BC%A9NV-42", key=self.key_a)  # a fullwidth I
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["reference"], self.earlier.name)
        self.assertEqual(self.api("GET", "/INV-42", key=self.key_b).status_code, 404)
