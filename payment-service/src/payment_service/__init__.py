"""payment-service: a mock card processor (card tokens, charges, refunds)."""
