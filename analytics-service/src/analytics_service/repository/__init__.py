"""Every query of the analytics service, on the kit's asyncpg path, by topic: what the consumer
writes (`ingest`), what the dashboard reads (`reports`), and what `rebuild` reads and writes."""
