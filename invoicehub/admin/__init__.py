"""Platform administration: every tenant's integrations, notifications, audit feed, queues."""
