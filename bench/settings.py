"""Settings for the benchmark server (`make bench`): the portal's own settings, plus

* the floor view (bench/urls.py), the page every key page is compared with, and
* a middleware that reports each request's SQL query count in a response header.

Nothing else differs, so the benchmark measures the portal as it runs in production.
"""

from cil.settings import *  # noqa: F403
from cil.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Outermost, so the count includes every middleware's queries (session, user, roles).
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
