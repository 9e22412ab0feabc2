"""Task names and queues, shared by the processes that send tasks (API, ingester) and the
workers that run them, so that senders need not import the task code."""

QUEUE_RULE_ENGINE = "rule_engine"
QUEUE_ANALYTICS = "analytics"
QUEUE_REPORTING = "reporting"
QUEUE_NOTIFICATIONS = "notifications"
QUEUES = (QUEUE_RULE_ENGINE, QUEUE_ANALYTICS, QUEUE_REPORTING, QUEUE_NOTIFICATIONS)

EVALUATE_BATCH = "rule_engine.evaluate_batch"
SEND_EMAIL = "notifications.send_email"
NOTIFY_ALERT = "notifications.notify_alert"
SEND_NOTIFICATION = "notifications.send"

RUN_ANALYTICS_JOB = "analytics.run_job"
RECOVER_ANALYTICS_JOBS = "analytics.recover_stale_jobs"
RUN_REPORT_JOB = "reporting.run_job"
RECOVER_REPORT_JOBS = "reporting.recover_stale_jobs"
RUN_DUE_SCHEDULES = "reporting.run_due_schedules"
