"""Finance: cost rates, time entries and expenses, earned value snapshots and forecasts."""
