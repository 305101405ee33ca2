"""gunicorn as the portal runs in production, and as `make bench` measures it.

    gunicorn -c gunicorn.conf.py cil.wsgi:application

Threaded workers keep browsers' connections alive; two processes per core plus one is
gunicorn's own advice. Each can be overridden by the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5
# A 100 MB upload over a slow phone connection takes a while; the limit is the proxy's.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# gunicorn's control socket lives at one path per user ($HOME/.gunicorn/gunicorn.ctl), which two
# instances on one host would share; nothing here uses it.
control_socket_disable = True
