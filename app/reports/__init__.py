"""Reports built from a cycle's submissions: server-rendered charts for pages and PDFs."""
