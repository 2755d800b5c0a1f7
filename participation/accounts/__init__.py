"""Staff accounts, who may see what, the audit trail and services."""
