"""The backend suites' own fixtures. The shared ones (test servers, a fresh database, the
app, data builders, the tenancy guard) come from the `pytest_factoryops` plugin the backend
package registers; see pytest_factoryops/plugin.py."""

# Fixtures of an in-process SMTP server and an app that sends its email there, and of the
# local endpoints that stand in for third-party notification APIs.
pytest_plugins = ("tests.support.smtp_sink", "tests.support.notification_endpoints",
                  "tests.support.alert_builders")
