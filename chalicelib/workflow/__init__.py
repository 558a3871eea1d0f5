"""The customers-workflow: submissions, their store, events, executions, the reconciler, routes and
event handlers."""
