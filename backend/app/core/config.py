"""The one settings class. Every variable is read from the environment (or `.env`) and is
documented in `.env.example` at the repository root; a test keeps the two in step."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.client_address import parse_networks

INSECURE_DEFAULT_SECRET = "dev-only-secret-change-me-in-production-0123456789"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False,
        # `NAME=` in a .env copied from .env.example means "use the default".
        env_ignore_empty=True,
    )

    # --- platform -------------------------------------------------------------------------
    environment: Literal["development", "test", "production"] = "development"
    app_name: str = "FactoryOps"
    public_url: str = "http://127.0.0.1:8000"
    data_dir: Path = Path("./data")
    log_level: str = "INFO"
    log_json: bool = True
    cors_origins: list[str] = Field(default_factory=list)
    spa_dist_dir: Path | None = None

    # --- metadata database ----------------------------------------------------------------
    database_url: str = "sqlite+aiosqlite:///./data/factoryops.db"
    database_pool_size: int = 10
    database_max_overflow: int = 20
    database_echo: bool = False

    # --- security -------------------------------------------------------------------------
    jwt_secret: SecretStr = SecretStr(INSECURE_DEFAULT_SECRET)
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    # A refresh token presented again within this many seconds of its rotation is refused as
    # the loser of a race (two tabs refreshing at once); later, as a leaked copy, which ends
    # every session of its user.
    refresh_reuse_grace_seconds: float = Field(default=10, ge=0, le=120)
    login_rate_limit: str = "5/minute"
    login_ip_rate_limit: str = "30/minute"
    api_key_rate_limit: str = "600/minute"
    public_factory_directory: bool = True
    # Networks (CIDRs) of the reverse proxies whose X-Forwarded-For is believed: in the
    # compose stack, nginx's network. Empty: the connecting address is the client's.
    trusted_proxies: list[str] = Field(default_factory=list)
    invite_token_hours: int = Field(default=72, ge=1, le=24 * 30)
    password_reset_token_minutes: int = Field(default=60, ge=5, le=24 * 60)

    # --- cache, rate limits, latest values ------------------------------------------------
    redis_url: str | None = None

    # --- time series ----------------------------------------------------------------------
    tsdb_backend: Literal["influxdb", "sqlite"] = "sqlite"
    tsdb_sqlite_path: Path = Path("./data/timeseries.db")
    influx_url: str = "http://127.0.0.1:8086"
    influx_database: str = "factoryops"
    influx_retention_policy: str = ""
    influx_token: SecretStr | None = None
    influx_username: str | None = None
    influx_password: SecretStr | None = None
    influx_timeout_seconds: float = 10.0
    influx_gzip: bool = True
    # influxd's backup/restore RPC address (`bind-address` at the top of influxdb.conf), used
    # by `factoryops backup` and `restore` on InfluxDB 1.x.
    influx_rpc_address: str = "127.0.0.1:8088"

    # --- MQTT -----------------------------------------------------------------------------
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    mqtt_username: str | None = None
    mqtt_password: SecretStr | None = None
    mqtt_client_id: str = "factoryops-ingester"
    mqtt_shared_group: str | None = None
    mqtt_tls: bool = False
    mqtt_tls_ca_file: Path | None = None
    mqtt_public_host: str | None = None
    mqtt_public_port: int | None = Field(default=None, ge=1, le=65535)
    mqtt_public_tls: bool = False
    mqtt_auth_secret: SecretStr | None = None
    # EMQX's REST API, to end a device's live session when its token is rotated or the
    # device is disabled or deleted (empty: no broker to tell, e.g. Mosquitto).
    emqx_api_url: str | None = None
    emqx_api_key: str | None = None
    emqx_api_secret: SecretStr | None = None

    # --- ingest ---------------------------------------------------------------------------
    ingest_batch_points: int = 20000
    ingest_flush_interval_ms: int = 250
    # Backpressure: intake stops (the broker queues) at either high-water mark and resumes
    # once both levels are back under half of it.
    ingest_high_water_points: int = Field(default=200_000, ge=100)
    ingest_high_water_messages: int = Field(default=20_000, ge=10, le=60_000)
    ingest_high_water_held_bytes: int = Field(default=64 * 1024 * 1024, ge=1024 * 1024)
    ingest_spool_dir: Path | None = None
    ingest_spool_max_bytes: int = Field(default=1024 ** 3, ge=1024)
    ingest_instance: str | None = None
    ingest_instance_slots: int = Field(default=32, ge=1, le=1024)
    ingest_max_past_seconds: int = 7 * 24 * 3600
    ingest_max_future_seconds: int = 300
    ingest_metrics_port: int = 9101
    ingest_cache_ttl_seconds: int = 30
    # Per-device quotas (factories may override them in their settings, `device_quotas`).
    ingest_max_payload_bytes: int = Field(default=256 * 1024, ge=1024, le=16 * 1024 * 1024)
    ingest_quota_payload_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    ingest_quota_values_per_message: int = Field(default=1000, ge=1, le=100_000)
    ingest_quota_parameters_per_device: int = Field(default=1000, ge=1, le=1_000_000)
    ingest_quota_messages_per_second: float = Field(default=20.0, gt=0, le=100_000)
    ingest_quota_burst_messages: int = Field(default=60, ge=1, le=10_000_000)

    # --- devices --------------------------------------------------------------------------
    device_online_seconds: int = 120
    # How long a deleted device's key is refused instead of auto-registered again.
    device_reregister_grace_seconds: int = Field(default=86400, ge=0)

    # --- background work ------------------------------------------------------------------
    celery_broker_url: str | None = None
    celery_result_backend: str | None = None
    celery_always_eager: bool = False
    job_stale_seconds: int = Field(default=180, ge=2, le=3600)
    job_max_attempts: int = Field(default=3, ge=1, le=10)

    # --- object storage -------------------------------------------------------------------
    object_store: Literal["local", "s3"] = "local"
    object_store_path: Path | None = None
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = "factoryops"
    s3_secret_key: SecretStr = SecretStr("factoryops-secret")
    s3_bucket: str = "factoryops"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    download_link_seconds: int = 3600

    # --- notifications --------------------------------------------------------------------
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "FactoryOps <alerts@factoryops.local>"
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    whatsapp_provider: Literal["none", "meta", "twilio"] = "none"
    whatsapp_api_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    twilio_api_url: str = "https://api.twilio.com"
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = None
    # Meta's status webhook: the app secret that signs it (X-Hub-Signature-256) and the
    # verify token its subscription handshake presents. Twilio signs with its auth token.
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    webhook_allow_private_destinations: bool = False
    notification_digest_threshold: int = 5
    notification_digest_window_seconds: int = 600
    notification_max_attempts: int = 5
    notification_retry_base_seconds: float = 30.0
    notification_sweep_seconds: float = Field(default=30.0, ge=0.2, le=3600)
    rule_clock_seconds: float = Field(default=15.0, ge=0.2, le=3600)
    alert_stream_poll_seconds: float = Field(default=1.0, ge=0.05, le=60)
    # An event stream ends after this long and the browser reconnects with Last-Event-ID:
    # nothing is missed, a revoked login stops receiving within this bound, and a deploy or
    # proxy can move connections between processes.
    alert_stream_max_seconds: float = Field(default=300.0, ge=0.1, le=86400)

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        parse_networks(value)  # a typo must stop the start, not silently trust nobody
        return [v.strip() for v in value if v.strip()]

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        if self.environment == "production":
            secret = self.jwt_secret.get_secret_value()
            if secret == INSECURE_DEFAULT_SECRET or len(secret) < 32:
                raise ValueError("JWT_SECRET must be set to 32 or more random characters")
        return self

    # Derived values keep defaults in one place: every embedded file lives under DATA_DIR.
    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def spool_dir(self) -> Path:
        return self.ingest_spool_dir or self.data_dir / "spool"

    @property
    def objects_dir(self) -> Path:
        return self.object_store_path or self.data_dir / "objects"

    @property
    def celery_broker(self) -> str:
        return self.celery_broker_url or f"sqla+sqlite:///{(self.data_dir / 'celery.db').resolve()}"

    @property
    def celery_backend(self) -> str:
        if self.celery_result_backend:
            return self.celery_result_backend
        if self.celery_broker_url and self.celery_broker_url.startswith("redis"):
            return self.celery_broker_url
        return f"db+sqlite:///{(self.data_dir / 'celery-results.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
