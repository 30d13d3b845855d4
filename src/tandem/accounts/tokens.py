"""Secrets for API tokens and invitation links: generated here, stored only as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "tdm_"  # noqa: S105 - a public prefix, not a secret


def new_secret(prefix: str = "") -> str:
    """A fresh URL-safe secret with 256 bits of entropy."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The stored form of a secret.

    A plain SHA-256 is right here (not a slow password hash): the secret is random with 256
    bits of entropy, so there is nothing to brute-force, and lookups stay one index probe.
    """
    return hashlib.sha256(secret.encode()).hexdigest()
