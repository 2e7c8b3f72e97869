"""The order service: checkout of a customer's cart and the order lifecycle of the saga."""
