"""Which address a request comes from, by the same rule the API throttle uses.

With TRUSTED_PROXY_COUNT = 0 only the socket address counts, so a forged X-Forwarded-For
cannot dodge sign-in throttling. Behind N proxies, each appends the address it saw, so the
client is the Nth entry from the right; anything further left was written by the client.
"""

from django.conf import settings


def client_ip(request) -> str:
    proxies = settings.REST_FRAMEWORK["NUM_PROXIES"]
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote
