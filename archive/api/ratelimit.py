"""API throttling and the rate-limit headers that tell a client where it stands.

Anonymous clients have the "anon" rate (API_THROTTLE_ANON), signed-in ones the "user" rate
(API_THROTTLE_USER). Each client's requests are counted in a sliding window (`cachebackend.count_request`: on
Redis in one atomic round trip, so workers counting the same client at once cannot undercount it), and past the
limit the answer is a 429 with Retry-After, as Django REST framework's throttles give it.

Every throttled API answer (a 429 too) says, in the form of draft-ietf-httpapi-ratelimit-headers-09
(structured fields):

    RateLimit-Policy: "anon";q=120;w=60       the policy: 120 requests per 60 seconds
    RateLimit: "anon";r=87;t=34               87 left; in 34 seconds the oldest request counted leaves
                                              the window (one more becomes available)

Both come from the count the throttle has just made: no extra cache round trip.
"""

import math

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from archive.cachebackend import count_request

# The attribute of the Django request the throttle leaves its state on, for the middleware to read.
STATE = "_archive_rate_limit"


class RateLimitHeadersMixin:
    """Counts the request in the client's window (`count_request`) and leaves the count on the request."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:  # not this throttle's client (a signed-in one for "anon", and the other way)
            return True
        self.now = self.timer()
        self.window = count_request(self.cache, self.key, self.now, self.duration, self.num_requests)
        setattr(request._request, STATE, self)
        return self.window.allowed

    def wait(self) -> float | None:
        """Seconds until the client may ask again (Retry-After), spread over the requests it has left, as Django
        REST framework's `SimpleRateThrottle.wait` reckons it."""
        window = self.window
        remaining = self.duration - (self.now - window.oldest) if window.oldest is not None else self.duration
        available = self.num_requests - window.count + 1
        return remaining / available if available > 0 else None

    def headers(self) -> dict[str, str]:
        window = self.window
        remaining = max(0, self.num_requests - window.count)
        # The oldest request counted is the next to leave the window.
        reset = window.oldest + self.duration - self.now if window.oldest is not None else 0
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
