"""Use cases and state rules, by topic: checkout, the order lifecycle, reading orders.
They add events to the outbox and never commit."""
