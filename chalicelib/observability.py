"""Structured logging: JSON lines through Powertools Logger, one logger for all of Parley.

Log ids, never personal data (names, emails, message text). The request id is
bound per invocation by chalicelib/middleware.py (an edge: it knows Chalice).
"""
from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="parley")
