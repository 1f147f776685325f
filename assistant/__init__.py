"""Chat assistant over local-government inspection and committee documents (the library)."""
