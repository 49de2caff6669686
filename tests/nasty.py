"""A catalogue of hostile input for fuzzing the public parameters (issue #8, "Bad input").

Two shapes:

- ``VALUES``: Python strings that the test client percent-encodes as UTF-8, the way a browser
  or an HTTP library would send them. Lone surrogates cannot be encoded that way, so the client
  turns them into "?"; ``RAW`` sends the bytes themselves.
- ``RAW``: percent-encoded fragments put into ``QUERY_STRING`` untouched, for bytes no
  well-behaved client sends (a lone surrogate as UTF-8, invalid UTF-8, bare ``%``).

``CURSORS`` are tampered pagination cursors, ``LANGUAGE_PREFIXES`` and ``RECORD_IDS`` hostile
path segments. Each entry has a name, so a failing case says which value broke what.
"""

import base64
import json
from urllib.parse import urlencode

KB10 = 10 * 1024

# --- Text ----------------------------------------------------------------------------------------

TEXT = {
    "empty": "",
    "blank": "   \t ",
    "long_ascii": "a" * KB10,
    "long_words": "word " * (KB10 // 5),
    "long_persian": "ارومیه " * (KB10 // 7),
    "long_digits": "9" * KB10,
    "nul": "a\x00b",
    "nul_only": "\x00",
    "controls": "\x01\x08\x1b[31m\x7f\x85",
    "crlf_header": "a\r\nSet-Cookie: pwned=1",
    "lone_high_surrogate": "\ud800",
    "lone_low_surrogate": "x\udfffy",
    "rtl_override": "\u202etxt.exe\u202c",
    "bidi_controls": "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c",
    "bidi_around_word": "\u2067Tabriz\u2069",
    "zero_width": "Ta\u200bbr\u200ciz\u200d\ufeff\u2060",
    "mixed_script": "Tаbriz Urmiа ارومیه Урмия",  # the "а"s are Cyrillic
    "homoglyph_only": "аеорсух",
    "combining_pile": "e" + "\u0301" * 500,
    "emoji_zwj": "👩\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈",
    "astral_max": "\U0010ffff\U000e0001",
    "private_use": "\ue000\uf8ff",
    "non_characters": "\ufffe\uffff",
    "regex_meta": r".*+?^$()[]{}|\\",
    "regex_catastrophic": "(a+)+$" + "a" * 40 + "!",
    "sql_like_percent": "%",
    "sql_like_underscore": "_",
    "sql_like_mix": r"%_\%\_\\",
    "backslash": "\\",
    "single_quote": "'",
    "sql_injection": "' OR '1'='1' --",
    "sql_union": "1 UNION SELECT password FROM auth_user--",
    "double_quote_unbalanced": '"unbalanced',
    "quote_pair_empty": '""',
    "negation_only": "-",
    "negated_empty_phrase": '-""',
    "or_only": "OR",
    "or_chain": "OR OR OR",
    "tsquery_operators": "a & b | !c <-> d:* (e)",
    "tsquery_punct": "():*!&|<->",
    "many_words": " ".join(f"w{i}" for i in range(200)),
    "format_strings": "%s %d %(name)s {0} {name} %%",
    "html": "<script>alert(1)</script>",
    "path_traversal": "../../../etc/passwd",
    "url_in_value": "http://evil.example/?a=1&b=2#c",
    "ampersand_equals": "a=b&c=d",
    "plus_and_space": "a+b c",
    "persian_digits": "۱۲۳۴",
    "arabic_indic_digits": "١٢٣",
    "fullwidth_digits": "１２３",
}

# --- Numbers -------------------------------------------------------------------------------------

NUMBERS = {
    "zero": "0",
    "one": "1",
    "negative": "-1",
    "negative_20_digits": "-99999999999999999999",
    "twenty_digits": "12345678901234567890",
    "int64_max_plus_one": "9223372036854775808",
    "huge_exponent": "1e1000000",
    "float": "1.5",
    "nan": "NaN",
    "inf": "inf",
    "negative_inf": "-Infinity",
    "hex": "0x10",
    "underscore_int": "1_000",
    "leading_plus": "+5",
    "padded": " 7 ",
    "persian_number": "۱۰",
}

# --- Dates and times -----------------------------------------------------------------------------

DATES = {
    "solar_hijri": "1399-08-14",
    "solar_hijri_persian_digits": "۱۳۹۹/۰۸/۱۴",
    "solar_hijri_words": "14 Aban 1399",
    "feb_30": "2020-02-30",
    "all_zero": "0000-00-00",
    "five_digit_year": "99999-01-01",
    "year_one": "0001-01-01",
    "year_9999_end": "9999-12-31",
    "month_13": "2020-13-01",
    "negative_year": "-2020-01-01",
    "year_only": "2020",
    "month_only": "2020-10",
    "slashes": "10/04/2020",
    "datetime_bad_hour": "2020-10-01T25:00:00",
    "datetime_max_offset": "9999-12-31T23:59:59-23:59",
    "datetime_min_offset": "0001-01-01T00:00:00+23:59",
    "datetime_offset_99": "2020-10-01T00:00:00+99:00",
    "datetime_z": "2020-10-01T00:00:00Z",
    "datetime_micro_overflow": "2020-10-01T00:00:00.99999999999999999999",
    "unix_time": "1601510400",
}

VALUES = {**TEXT, **NUMBERS, **DATES}

# A smaller set that still has one of each kind, for the slower combinations (every filter of every list).
CORE = [
    "empty",
    "long_ascii",
    "nul",
    "lone_high_surrogate",
    "rtl_override",
    "zero_width",
    "mixed_script",
    "regex_meta",
    "sql_like_mix",
    "single_quote",
    "double_quote_unbalanced",
    "tsquery_punct",
    "format_strings",
    "huge_exponent",
    "nan",
    "negative_20_digits",
    "twenty_digits",
    "solar_hijri",
    "solar_hijri_persian_digits",
    "feb_30",
    "all_zero",
    "five_digit_year",
    "year_one",
    "year_9999_end",
    "datetime_min_offset",
    "datetime_max_offset",
]

# Fewer still, for the heaviest pages (the site's lists, the browsable API).
FEW = [
    "long_ascii",
    "nul",
    "rtl_override",
    "mixed_script",
    "sql_like_mix",
    "format_strings",
    "huge_exponent",
    "solar_hijri_persian_digits",
    "year_one",
    "year_9999_end",
    "datetime_min_offset",
]

# --- Raw query-string fragments (sent byte for byte) ---------------------------------------------

RAW = {
    "surrogate_utf8": "%ED%A0%80",
    "surrogate_pair_as_utf8": "%ED%A0%BD%ED%B8%80",
    "invalid_utf8": "%FF%FE%FD",
    "overlong_slash": "%C0%AF",
    "truncated_utf8": "%E2%82",
    "nul": "%00",
    "bare_percent": "%",
    "bad_escape": "%zz%4",
    "latin1_byte": "caf%E9",
}

# --- Pagination cursors --------------------------------------------------------------------------


def encode_cursor(**tokens: str) -> str:
    """A cursor built the way DRF builds one (base64 of a query string), with any tokens we like."""
    return base64.b64encode(urlencode(tokens).encode()).decode()


def encode_keyset(payload) -> str:
    """A cursor sealed the way archive.paging seals one (its key is the server's), holding anything: what
    the server does with a well-formed cursor whose contents are hostile."""
    from archive import paging

    return paging.seal(json.dumps(payload, separators=(",", ":")).encode())


def encode_unsealed_keyset(payload) -> str:
    """The JSON a cursor holds as plain URL-safe base64, not sealed: a forged cursor."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CURSORS = {
    "garbage": "!!!not-base64!!!",
    "base64_garbage": base64.b64encode(b"\xff\xfe\x00garbage").decode(),
    "base64_text": base64.b64encode(b"hello world").decode(),
    "unpadded": "cD0x",
    "non_ascii": "کرسر",
    "oversized": base64.b64encode(b"p=" + b"9" * 50_000).decode(),
    "offset_huge": encode_cursor(o="99999999999999999999"),
    "offset_negative": encode_cursor(o="-5"),
    "reverse_not_int": encode_cursor(r="yes"),
    "reverse_huge": encode_cursor(r="1" * 5000),
    "position_text": encode_cursor(p="not-a-position"),
    "position_nul": encode_cursor(p="\x00"),
    "position_twenty_digits": encode_cursor(p="99999999999999999999"),
    "position_negative_huge": encode_cursor(p="-99999999999999999999"),
    "position_huge_exponent": encode_cursor(p="1e1000000"),
    "position_nan": encode_cursor(p="NaN"),
    "position_bad_date": encode_cursor(p="2020-02-30"),
    "position_date_far": encode_cursor(p="99999-01-01"),
    "position_solar_hijri": encode_cursor(p="۱۳۹۹/۰۸/۱۴"),
    "position_long": encode_cursor(p="a" * KB10),
    "position_surrogate_bytes": base64.b64encode(b"p=%ED%A0%80").decode(),
    "all_tokens_bad": encode_cursor(o="x", r="y", p="z"),
    # archive.paging's own shape, tampered with
    "keyset_not_an_object": encode_keyset([1, 2, 3]),
    "keyset_forged": encode_unsealed_keyset({"o": ["pk"], "p": [1]}),
    "keyset_no_position": encode_keyset({"o": ["pk"]}),
    "keyset_other_ordering": encode_keyset({"o": ["-pk"], "p": [1]}),
    "keyset_position_too_long": encode_keyset({"o": ["pk"], "p": [1, 2, 3]}),
    "keyset_huge_number": encode_keyset({"o": ["pk"], "p": [10**30]}),
    "keyset_negative_huge": encode_keyset({"o": ["pk"], "p": [-(10**30)]}),
    "keyset_float": encode_keyset({"o": ["pk"], "p": [1e308]}),
    "keyset_null": encode_keyset({"o": ["pk"], "p": [None]}),
    "keyset_nested": encode_keyset({"o": ["pk"], "p": [[[[1]]]]}),
    "keyset_object": encode_keyset({"o": ["pk"], "p": [{"a": 1}]}),
    "keyset_nul": encode_keyset({"o": ["pk"], "p": ["\x00"]}),
    "keyset_backwards_junk": encode_keyset({"o": ["pk"], "p": [1], "b": "yes"}),
    "keyset_deep_json": base64.urlsafe_b64encode(b"[" * 100_000).decode(),
    "keyset_date_far": encode_keyset({"o": ["date_start", "pk"], "p": ["99999-01-01", 1]}),
    "keyset_date_end_of_time": encode_keyset({"o": ["date_start", "pk"], "p": ["9999-12-31", 1]}),
    "keyset_time_offset_overflow": encode_keyset({"o": ["-updated", "pk"], "p": ["9999-12-31T23:59:59-23:59", 1]}),
    "keyset_name_nul": encode_keyset({"o": ["name", "pk"], "p": ["\x00", 1]}),
    "keyset_name_huge": encode_keyset({"o": ["name", "pk"], "p": ["a" * KB10, 10**30]}),
}

# --- Ordering lists ------------------------------------------------------------------------------

ORDERINGS = {
    "unknown_field": "password",
    "related_lookup": "created_by__password",
    "deep_list": ",".join(["-pk", "pk"] * 5_000),
    "long_name": "x" * KB10,
    "empty_items": ",,,,,",
    "only_minus": "-",
    "double_minus": "--pk",
    "question_mark": "?",
    "sql": "pk; DROP TABLE archive_protest",
    "many_valid": "updated,pk,updated,pk",
}

# --- Path segments -------------------------------------------------------------------------------

LANGUAGE_PREFIXES = {
    "unknown": "xx",
    "dots": "..",
    "unicode": "فا",
    "upper": "EN",
    "region": "en-us",
    "long": "a" * 500,
    "encoded_nul": "%00",
    "encoded_surrogate": "%ED%A0%80",
    "encoded_slash": "%2F",
    "rtl_override": "%E2%80%AE",
}

RECORD_IDS = {
    "unknown": "no-such-record",
    "long": "a" * KB10,
    "unicode": "ارومیه",
    "rtl_override": "%E2%80%AEdi",
    "encoded_nul": "a%00b",
    "encoded_surrogate": "%ED%A0%80",
    "invalid_utf8": "%FF",
    "dots": "..",
    "percent_like": "%25_%5C",
    "negative_number": "-1",
    "twenty_digits": "99999999999999999999",
    "sql": "'%20OR%20'1'='1",
}

# --- Many values ---------------------------------------------------------------------------------

# Django parses at most DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) parameters per query string.
MANY_REPEATS = 1_000
HUGE_LIST = 50_000
