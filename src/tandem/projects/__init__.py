"""Projects: scope, work breakdown, links, milestones, resources, baselines, live schedule."""
