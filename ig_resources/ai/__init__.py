"""AI providers as resources (issue 7): for now the provider-independent rules they share."""
