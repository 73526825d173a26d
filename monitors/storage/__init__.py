"""The SQLite store: schema migrations, domain models, notices and versions, the delivery ledger."""
