"""Outbound webhooks (seed 003): registration rules, Standard Webhooks signing, secrets at rest,
the delivery engine with retries, and the SSRF guard it sends through."""
