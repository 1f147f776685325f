"""Files -> Documents -> Paragraphs -> Chunks (+ Facts) -> the store."""
