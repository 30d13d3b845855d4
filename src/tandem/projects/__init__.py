"""Projects: scope, work breakdown, links, milestones, resources, baselines and the live schedule."""
