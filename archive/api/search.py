"""GET /api/v1/search/?q=…&type=…: the search module over HTTP."""

import functools

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from archive import cache, registry, search
from archive.api import negotiation
from archive.api.errors import ErrorResponse
from archive.templatetags.archive_tags import addresses


class SearchParams(serializers.Serializer):
    q = serializers.CharField(allow_blank=True, trim_whitespace=True, max_length=search.MAX_QUERY_LENGTH)
    type = serializers.MultipleChoiceField(choices=list(registry.KEYS), required=False)
    limit = serializers.IntegerField(min_value=1, max_value=search.MAX_RESULTS, default=20)


class SearchResult(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()
    url = serializers.URLField(help_text="The record in the API.")
    html_url = serializers.URLField(help_text="The record's public page, in the language the request asked for.")
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Plain-text excerpt around the first match (… where it is cut).")
    matches = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=2, max_length=2),
        help_text=(
            "Where the matched words are in `snippet`: [start, end) pairs of character offsets, counted in "
            "Unicode code points (Python string indices; the same as JavaScript's UTF-16 units for every "
            "character outside the astral planes), in order, not overlapping."
        ),
    )
    snippet_html = serializers.CharField(help_text="The same excerpt as HTML: escaped, matches in <mark>.")
    exact_name_match = serializers.BooleanField()
    date = serializers.CharField(help_text='The record\'s date as it reads ("October 2020"); empty if it has none.')


class SearchResponse(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    results = SearchResult(many=True)
    detail = serializers.CharField()


class SearchView(APIView):
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        negotiation.use_requested_language(request)  # titles, dates and pages' addresses in that language
        super().initial(request, *args, **kwargs)

    @extend_schema(parameters=[SearchParams], responses={200: SearchResponse, 400: ErrorResponse, 429: ErrorResponse})
    def get(self, request):
        return cache.cached_response(request, lambda: self.fresh_get(request))

    def fresh_get(self, request):
        params = SearchParams(data={**request.query_params.dict(), "type": request.query_params.getlist("type")})
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            results = search.search(data["q"], types=sorted(data.get("type") or []), limit=data["limit"])
        except search.SearchQueryError as error:
            raise ValidationError({"q": [str(error)]}) from error
        origin = request.build_absolute_uri("/")[:-1]

        @functools.cache
        def paths(key: str):
            """A type's (API, page) paths by public id, resolved once for all its results."""
            return addresses(f"api:{key}-detail"), addresses("archive:detail", key)

        return Response(
            {
                "query": data["q"],
                "count": len(results),
                "results": [self.result(origin, paths(result.record_type), result) for result in results],
                "detail": "" if data["q"] else _("Type something to search for."),
            }
        )

    @staticmethod
    def result(origin: str, paths, result: search.Result) -> dict:
        api_path, page_path = paths
        return {
            "type": result.record_type,
            "id": result.public_id,
            "url": origin + api_path(result.public_id),
            "html_url": origin + page_path(result.public_id),
            "title": result.title,
            "snippet": result.snippet.text,
            "matches": [list(span) for span in result.snippet.matches],
            "snippet_html": result.snippet.html,
            "exact_name_match": result.exact,
            "date": result.date,
        }
