"""The outside world: the clock, notifications (SES, webhooks), attachments (S3)."""
