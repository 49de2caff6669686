"""Content negotiation for every API endpoint: `?format=` and `Accept` are honoured, or refused with the
formats the endpoint offers — never quietly answered in another format.

Record endpoints check `?format=` themselves (their formats include `json-all`, which is no renderer; see
views.py); every other endpoint (search, the API root, the schema, the problem types, the docs page) is
checked here: `?format=` names one of its renderers (`?format=json` on the schema gives JSON), else a 400.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation

from archive.translations import api_language

BROWSABLE = "api"  # the browsable API's format: offered, not advertised


class ArchiveContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        fmt = request.query_params.get("format")
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if fmt is not None and not hasattr(view, "formats"):
            chosen = [renderer for renderer in renderers if renderer.format == fmt]
            if not chosen:
                message = _("Use one of: %s.") % ", ".join(formats(renderers))
                raise ValidationError({"format": [message]}, code="unsupported_format")
            return chosen[0], chosen[0].media_type
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            types = ", ".join(dict.fromkeys(r.media_type for r in renderers if r.format != BROWSABLE))
            raise NotAcceptable(_("The Accept header asks for none of the formats offered here: %s.") % types) from None


def formats(renderers) -> list[str]:
    return list(dict.fromkeys(renderer.format for renderer in renderers if renderer.format != BROWSABLE))


def use_requested_language(request) -> None:
    """`?lang=` (en, az-Latn, fa, tr), over Accept-Language, for an answer's texts, labels and dates: records and
    search alike. An unknown one is a 400 naming those there are (`translations.api_language`)."""
    if "lang" in request.query_params:
        translation.activate(api_language(request.query_params["lang"]))
        request.LANGUAGE_CODE = translation.get_language()
