"""The shared core: it knows no product. Serving, routing, tokens, the grant flow, the MFA model, the control API,
faults, the journal, persistence and the request check; each product package plugs in through core/product.py."""
