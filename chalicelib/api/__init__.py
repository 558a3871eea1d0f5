"""What assembles and describes the app, above the features: `edge.install` (middleware, preflights,
405s, the local API key), the public routes (`meta`) and the OpenAPI generator."""
