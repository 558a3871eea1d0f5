"""Event entry points: Chalice blueprints whose handlers EventBridge rules invoke (no HTTP)."""
