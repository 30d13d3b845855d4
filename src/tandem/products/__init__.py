"""Products: strategy, lifecycle to retirement, goals and metrics, roadmap, releases, teams."""
