"""Organisations, users, memberships with roles, invitations and API tokens."""
