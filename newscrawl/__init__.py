"""newscrawl: section-by-section news crawls exported as clean, deduplicated article records."""
