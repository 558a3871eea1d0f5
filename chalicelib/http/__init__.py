"""What every route uses from HTTP: body parsing, query parameters, error responses, Idempotency-Key."""
