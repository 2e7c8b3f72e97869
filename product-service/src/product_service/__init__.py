"""The catalog: products, categories, search and a stock read model fed by inventory events."""
