"""The identity of a bill number: what two numbers that are the same bill share."""

import re
import unicodedata

# Cyrillic and Greek letters (as case folding leaves them) that look like a Latin
# letter, capital or small. Where the capital and the small letter look like
# different Latin letters (Greek Ν and ν, Η and η, Υ and υ) the capital's wins:
# a number and the same number in capitals stay one key.
LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "с": "c",
        "ԁ": "d",
        "е": "e",
        "һ": "h",
        "н": "h",
        "і": "i",
        "ӏ": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "о": "o",
        "р": "p",
        "ԛ": "q",
        "ѕ": "s",
        "ѵ": "v",
        "т": "t",
        "у": "y",
        "ү": "y",
        "ԝ": "w",
        "х": "x",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "h",
        "ι": "i",
        "κ": "k",
        "μ": "m",
        "ν": "n",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "y",
        "χ": "x",
        "ζ": "z",
        "ϳ": "j",
    }
)
# Greek letters that look Latin but that NFKC turns into letters that do not (the
# lunate sigma symbols, C and c, become Σ and σ): mapped before it.
BEFORE_NFKC = str.maketrans({"\u03f2": "c", "\u03f9": "c"})
# Dashes that are not a hyphen-minus and look like one (dash punctuation is found by category).
MINUS_SIGNS = {"\u2212", "\u02d7", "\u2043", "\u2796", "\ufe63", "\uff0d"}
DIGITS = re.compile(r"\d+", re.ASCII)
# Invisible but neither a control nor a format character: the combining grapheme
# joiner and the variation selectors.
INVISIBLE = re.compile("[\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# What the key drops of an ASCII number: its controls and whitespace (ASCII's whitespace
# other than the space is control characters).
ASCII_DROPPED = str.maketrans("", "", "".join(map(chr, range(33))) + "\x7f")


def _character_key(char):
    category = unicodedata.category(char)
    if category == "Pd" or char in MINUS_SIGNS:
        return "-"
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return char


def bill_number_key(number):
    """The key of a bill number: two bill numbers of one distributor with the
    same key are the same bill, whichever channel they come through.

    The number is put in Unicode NFKC (fullwidth and other compatibility forms
    become their plain letters and digits) and case folded; format characters
    (zero-width spaces and joiners, bidirectional controls, soft hyphens, byte
    order marks), variation selectors, control characters and every
    whitespace, surrounding or inner, are removed; Cyrillic and Greek letters
    that look like Latin ones become those, digits of any script ASCII digits
    and dash variants a hyphen-minus; the leading zeros of each run of digits
    are dropped (``INV-0042`` is ``inv-42``, ``000`` is ``0``). Other
    characters (letters of other scripts, accents, ``/``, ``.``) are kept.

    :param str number: a bill number as typed, sent or stored
    :return: the key, empty when the number has no visible character
    :rtype: str
    """
    if not number:
        return ""
    number = str(number)
    if number.isascii():
        # What _unicode_key gives an ASCII number (nearly every number), at a fraction of the
        # cost (an upload keys each of its numbers): NFKC, the look-alikes and the other dashes
        # and digits leave ASCII as it is, and its case folding is lower().
        return _without_leading_zeros(number.translate(ASCII_DROPPED).lower())
    return _unicode_key(number)


def _unicode_key(number):
    """The key of any bill number, by the steps :func:`bill_number_key` describes."""
    # Invisible characters go first: they would keep accents from being composed.
    text = INVISIBLE.sub("", "".join(c for c in number if unicodedata.category(c) not in ("Cc", "Cf")))
    text = text.translate(BEFORE_NFKC)
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(_character_key(c) for c in text if not c.isspace()).translate(LOOK_ALIKES)
    return _without_leading_zeros(text)


def _without_leading_zeros(text):
    return DIGITS.sub(lambda match: match.group().lstrip("0") or "0", text)
