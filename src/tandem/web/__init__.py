"""Base templates, middleware, error mapping, the API root and static sources."""
