"""Who is calling: people's tokens, machines' keys, their roles, and the actor every write records."""
