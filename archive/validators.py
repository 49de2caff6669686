"""Validation rules that model fields share, so the admin, the API and imports apply them alike.

A rule given to a model field runs in `full_clean()`, which the admin's forms,
the API's write serializers and imports all call; the API's serializers also
copy it onto their own fields.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")


def is_web_address(value) -> bool:
    """Whether `value` is an http(s) address: what the public pages may turn into a link."""
    text = str(value or "")
    if text != text.strip() or not text.isprintable():
        return False  # browsers drop spaces, tabs and newlines inside a scheme: "java\tscript:" runs
    scheme, _sep, rest = text.partition(":")
    return scheme.lower() in WEB_SCHEMES and rest.startswith("//") and bool(urlsplit(text).netloc)


@deconstructible
class WebAddressValidator:
    """Only http:// and https:// addresses: javascript:, data:, file:, ftp: and every other kind are refused.

    Not a subclass of URLValidator on purpose: the API's serializers drop
    URLValidators from the fields they copy (they add their own, which allows ftp:).
    """

    message = _(
        "Enter a web address that starts with http:// or https://; other kinds of link "
        "(javascript:, data:, file:, ftp: …) are not accepted."
    )
    code = "not_web_address"

    def __call__(self, value) -> None:
        if value and not is_web_address(value):
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other) -> bool:
        return isinstance(other, WebAddressValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_web_address = WebAddressValidator()
