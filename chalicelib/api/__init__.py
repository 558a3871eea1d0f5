"""HTTP edge: Chalice blueprints (routes only) and the cross-cutting request handling."""
