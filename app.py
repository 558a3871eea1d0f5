"""Customer IDs service: every entry point at a glance."""

import gc

# Cold start: the imports below build long-lived objects and free almost none, yet their allocations
# trigger a full collection (~65 ms, half of what this import adds to boto3's; bench/api_bench.py).
# So collect nothing until every entry point exists, then freeze what was built: later collections
# skip it.
gc.disable()

from chalice.app import Chalice

from chalicelib.api import edge, meta
from chalicelib.customers import routes as customers
from chalicelib.identity import authorizer
from chalicelib.workflow import handlers as workflow_events
from chalicelib.workflow import routes as workflow

app = Chalice(app_name="customer-ids")
app.register_blueprint(authorizer.bp)  # who is calling: every credentialed route runs behind it
app.register_blueprint(meta.bp)
app.register_blueprint(customers.bp)
app.register_blueprint(workflow.bp)
app.register_blueprint(workflow_events.bp)  # EventBridge -> Lambda: no HTTP

# Last, once every route exists: logs, traces, metrics, CORS, preflights, local API key, error shape.
edge.install(app)

gc.freeze()
gc.enable()
