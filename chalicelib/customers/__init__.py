"""Customer IDs: the ID rule and its use cases, their DynamoDB store and list cursors, the routes."""
