"""Published Department for Education statistics for English local authorities (see SOURCE.md)."""
