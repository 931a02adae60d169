"""Archive sources: one module per archive kind, and fetch.py, the one HTTP client."""
