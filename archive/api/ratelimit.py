"""API throttling and the rate-limit headers that tell a client where it stands.

Anonymous clients have the "anon" rate (API_THROTTLE_ANON), signed-in ones the "user" rate
(API_THROTTLE_USER); DRF keeps, per client, the times of its requests in the last window (a sliding log)
and answers 429 with Retry-After past the limit.

Every throttled API answer (a 429 too) says, in the form of draft-ietf-httpapi-ratelimit-headers-09
(structured fields):

    RateLimit-Policy: "anon";q=120;w=60       the policy: 120 requests per 60 seconds
    RateLimit: "anon";r=87;t=34               87 left; in 34 seconds the oldest request counted leaves
                                              the window (one more becomes available)

Both come from the log the throttle has just read and written: no extra cache round trip.
"""

import math

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

# The attribute of the Django request the throttle leaves its state on, for the middleware to read.
STATE = "_archive_rate_limit"


class RateLimitHeadersMixin:
    """Leaves the state of the throttle that counted this request on the request."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "key", None) is not None:  # this throttle counted the client (anon or signed in)
            setattr(request._request, STATE, self)
        return allowed

    def headers(self) -> dict[str, str]:
        remaining = max(0, self.num_requests - len(self.history))
        # The history is newest first; its last entry is the next to leave the window.
        reset = self.history[-1] + self.duration - self.now if self.history else 0
        return {
            "RateLimit-Policy": f'"{self.scope}";q={self.num_requests};w={self.duration}',
            "RateLimit": f'"{self.scope}";r={remaining};t={max(0, math.ceil(reset))}',
        }


class AnonymousRateThrottle(RateLimitHeadersMixin, AnonRateThrottle):
    """The "anon" rate, for clients that are not signed in."""


class SignedInRateThrottle(RateLimitHeadersMixin, UserRateThrottle):
    """The "user" rate, for signed-in clients only (anonymous ones have the "anon" rate)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class RateLimitHeadersMiddleware:
    """Adds the RateLimit and RateLimit-Policy headers to an answer whose request a throttle counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        throttle = getattr(request, STATE, None)
        if throttle is not None:
            for name, value in throttle.headers().items():
                response[name] = value
        return response
