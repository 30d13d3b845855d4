"""Comments, the activity journal, notifications and webhooks."""
