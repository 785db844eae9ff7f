"""FastAPI app factory, dependencies, error format and the v1 router."""
