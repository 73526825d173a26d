"""Everything that reaches a mailbox: views, templates, messages, transports, dispatch."""
