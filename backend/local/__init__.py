"""The local stack: `make dev` (devstack), the emulator, the local API Gateway and the workflow glue."""
