"""An e-mail backend whose server is always down."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("The mail server is down.")
