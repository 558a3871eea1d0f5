"""Customer IDs service: every entry point at a glance."""

from chalice.app import Chalice

from chalicelib.api import customers, http, meta, workflow
from chalicelib.handlers import workflow as workflow_events
from chalicelib.observability import start_tracing

start_tracing()

app = Chalice(app_name="customer-ids")
app.register_blueprint(meta.bp)
app.register_blueprint(customers.bp)
app.register_blueprint(workflow.bp)
app.register_blueprint(workflow_events.bp)  # EventBridge -> Lambda: no HTTP

# Last, once every route exists: CORS, preflights, local API key, error shape, logs, metrics.
http.install(app)
