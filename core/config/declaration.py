"""Every ``GREENMFG_*`` setting, declared once: name, type, default, meaning, the component that reads it.

As CKAN's config declaration does, this list is the one place a setting exists: :data:`core.config.DEFAULTS`
is built from it, ``greenmfg config list`` prints it, ``greenmfg config check`` validates an environment
against it, and ``docs/configuration.md`` is generated from it (``greenmfg config list --format markdown``).
tests/ops/test_settings_declared.py fails when the code reads a ``GREENMFG_*`` name this list lacks.

``kind``: ``config`` (a configuration key: the instance's ``config.py`` or an environment variable of the
same name), ``env`` (an environment variable only, read before the configuration exists), ``test``
(read by the test suite only).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: the types a setting may have; an environment value is parsed as JSON first (core.config.from_environment)
TYPES = ("str", "int", "float", "bool", "list", "dict", "any")


@dataclass(frozen=True)
class Setting:
    name: str
    type: str
    default: Any
    component: str
    description: str
    kind: str = "config"
    #: the values allowed (case-insensitive), when the setting is a choice
    choices: tuple[str, ...] = ()
    #: a secret: ``config list`` never prints a configured value of it
    secret: bool = False


_S = Setting

SETTINGS: tuple[Setting, ...] = (
    # ---------------------------------------------------------------- instance
    _S("GREENMFG_INSTANCE_PATH", "str", "./instance", "core.app",
       "The instance folder: config.py, the generated secret key (without GREENMFG_SECRET_KEY), the SQLite "
       "database (without a database URL) and stored files (local store). Relative to the working directory.",
       kind="env"),
    _S("GREENMFG_REGION", "str", "national", "core.app",
       "The region plugin this instance runs (national or any installed region plugin; greenmfg plugins lists them)."),
    _S("GREENMFG_DATABASE_URL", "str", None, "core.app",
       "The database (SQLAlchemy URL, e.g. postgresql+psycopg://user:password@host/db); stands for "
       "SQLALCHEMY_DATABASE_URI. Default: SQLite in the instance folder.", secret=True),
    _S("GREENMFG_AUDIT_CHAIN_KEY", "str", None, "core.services.audit_chain",
       "The key of the audit log's hash chain, a secret the database never holds (default: derived from the "
       "secret key; set it before rotating GREENMFG_SECRET_KEY).", secret=True),
    _S("GREENMFG_AUDIT_ANCHOR_KEY_FILE", "str", None, "core.services.audit_chain",
       "The key (Ed25519 PEM, or an SM2 key file from greenmfg keys generate) that signs the audit chain's anchors "
       "(default: the recommendation signing key, else a key made in the anchor folder with "
       "GREENMFG_SIGNING_ALGORITHM)."),
    _S("GREENMFG_AUDIT_ANCHOR_DIR", "str", None, "core.services.audit_chain",
       "The folder of the audit chain's signed anchors (audit-anchors.jsonl) and last verification, apart from the "
       "database (default: the instance folder); copy it off the server or mount write-once storage here."),
    _S("GREENMFG_SECRET_KEY", "str", None, "core.app",
       "Signs sessions and forms; stands for SECRET_KEY. Required in production; default: generated and kept "
       "in the instance folder.", secret=True),
    _S("GREENMFG_EXTRA_PLUGINS", "list", [], "core.app",
       "Extra plugin modules to register, as \"name=module.path\" strings."),
    _S("GREENMFG_RULES_YEAR", "int", None, "core.app",
       "The year whose rules are validated at start-up (default: this year)."),
    _S("GREENMFG_TRACE_HOOKS", "bool", False, "core.app",
       "Log every hook call and its answer (logger greenmfg.hooks) to debug a plugin."),
    _S("GREENMFG_PRODUCTION", "bool", False, "core.app",
       "Refuse to start without HTTPS, a configured secret key, jobs on Redis and (provinces) the signing key."),
    _S("GREENMFG_TRAINING", "bool", False, "core.clock",
       "A training instance: every page says so and an administrator may move its clock forward (greenmfg clock "
       "set); production mode refuses it."),
    _S("GREENMFG_HTTPS", "bool", False, "core.accounts",
       "Served over HTTPS behind the reverse proxy: Secure, __Host- cookies."),
    _S("GREENMFG_INSTANCE_NAME", "str", None, "core.ratelimit",
       "What rate-limit counters, kept pages and job queues are keyed by in a shared Redis (default: the "
       "region and a digest of the database's host, port and name, never its user or password)."),
    _S("GREENMFG_BASE_URL", "str", "http://127.0.0.1:5000/", "core.notifications",
       "The instance's public address: the links in e-mails start with it."),
    # ---------------------------------------------------------------- logs
    _S("GREENMFG_LOG_LEVEL", "str", "INFO", "core.logs",
       "The lowest level written to the log (standard error) by web workers, job workers and commands.",
       choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    _S("GREENMFG_LOG_FORMAT", "str", "plain", "core.logs",
       "plain: one readable line per record; json: one JSON object per line (for a log collector). Every line "
       "has its time and the request id (- outside a request).", choices=("plain", "json")),
    # ---------------------------------------------------------------- database
    _S("GREENMFG_DB_CONNECT_TIMEOUT", "float", 5, "core.config",
       "Seconds to wait for a database connection before the request answers 503 with Retry-After."),
    _S("GREENMFG_DB_STATEMENT_TIMEOUT", "float", 8, "core.config",
       "Seconds one SQL statement may run (PostgreSQL statement_timeout), well under gunicorn's 30 s; 0 for no "
       "limit (greenmfg db upgrade lifts it)."),
    _S("GREENMFG_DB_CLIENT_TIMEOUT", "float", 9, "core.kernel.db_deadline",
       "Seconds the application waits on any database reply (a statement, commit or rollback) before it gives "
       "up on a stalled network path and answers 503 with Retry-After."),
    _S("GREENMFG_DB_PING_TIMEOUT", "float", 2, "core.kernel.db_deadline",
       "Seconds the pool's check of a kept connection may take before the connection is replaced."),
    _S("GREENMFG_DB_PING_AFTER_IDLE", "float", 5, "core.kernel.db_deadline",
       "A kept connection back in the pool for less than this many seconds, with nothing from the server waiting "
       "on it, is handed out without the pool's check (one round trip less a request); 0 checks every time."),
    _S("GREENMFG_RETRY_AFTER_SECONDS", "int", 30, "core.security",
       "The Retry-After of the 503 answered while the database does not answer."),
    # ---------------------------------------------------------------- accounts
    _S("GREENMFG_SESSION_IDLE_MINUTES", "int", 30, "core.accounts",
       "A signed-in session ends after this many minutes without activity."),
    _S("GREENMFG_SESSION_MAX_HOURS", "int", 12, "core.accounts",
       "A signed-in session ends this many hours after log-in."),
    _S("GREENMFG_MFA_ROLES", "list", ["province", "ministry", "admin"], "core.accounts",
       "Roles that must set up a second factor (TOTP) before anything else."),
    # ---------------------------------------------------------------- unified identity (OpenID Connect)
    _S("GREENMFG_OIDC_ISSUER", "str", None, "core.accounts.oidc",
       "The province's unified identity service (统一身份认证) as an OpenID provider: its issuer URL, whose "
       "/.well-known/openid-configuration is read. Sign-in through it is off while this or the client id is unset."),
    _S("GREENMFG_OIDC_CLIENT_ID", "str", None, "core.accounts.oidc",
       "The client id the identity service registered for this instance."),
    _S("GREENMFG_OIDC_CLIENT_SECRET_FILE", "str", None, "core.accounts.oidc",
       "A file holding the client secret (its first line; mode 0600, outside the instance folder)."),
    _S("GREENMFG_OIDC_CLIENT_SECRET", "str", None, "core.accounts.oidc",
       "The client secret itself, from a secret manager (instead of the file).", secret=True),
    _S("GREENMFG_OIDC_SCOPES", "list", ["openid", "profile"], "core.accounts.oidc",
       "The scopes asked for (openid first); add the scope under which the service releases the credit code."),
    _S("GREENMFG_OIDC_CLAIM_USCC", "str", "uscc", "core.accounts.oidc",
       "The claim carrying an enterprise's (法人) unified social credit code: the organization it signs in as."),
    _S("GREENMFG_OIDC_CLAIM_ORG_NAME", "str", "name", "core.accounts.oidc",
       "The claim carrying the enterprise's registered name (proposed when its organization is new)."),
    _S("GREENMFG_OIDC_CLAIM_STAFF", "str", "preferred_username", "core.accounts.oidc",
       "The claim whose value an administrator records on a staff account (a staff id or e-mail) to link it."),
    _S("GREENMFG_OIDC_MFA_AMR", "list", ["mfa", "otp", "hwk", "sc", "sms"], "core.accounts.oidc",
       "amr values (RFC 8176) that mean the service used a second factor; with none of them (nor an acr of "
       "GREENMFG_OIDC_MFA_ACR) an account with a second factor is asked for its own code."),
    _S("GREENMFG_OIDC_MFA_ACR", "list", [], "core.accounts.oidc",
       "acr values that mean the service used a second factor."),
    _S("GREENMFG_OIDC_BUTTON", "bool", True, "core.accounts.oidc",
       "Show the 统一身份认证登录 button on the log-in page (false: configured but not offered)."),
    _S("GREENMFG_OIDC_LEEWAY_SECONDS", "int", 60, "core.accounts.oidc",
       "Clock skew allowed when the ID token's exp, iat and nbf are checked."),
    _S("GREENMFG_OIDC_TIMEOUT_SECONDS", "float", 5, "core.accounts.oidc",
       "Seconds to wait for the identity service (discovery, keys, token and userinfo requests)."),
    # ---------------------------------------------------------------- API
    _S("GREENMFG_IDEMPOTENCY_HOURS", "int", 24, "core.api.idempotency",
       "Hours the first answer to an API request's Idempotency-Key is kept: a retry with the same key and body within "
       "them receives that answer again instead of doing the work twice."),
    # ---------------------------------------------------------------- rate limits
    _S("GREENMFG_RATELIMIT_ENABLED", "bool", True, "core.ratelimit", "Limit log-ins, registrations and public reports."),
    _S("GREENMFG_RATELIMIT_LOGIN", "str", "10 per minute;60 per hour", "core.ratelimit",
       "Log-in attempts per client address."),
    _S("GREENMFG_RATELIMIT_REGISTER", "str", "5 per hour;20 per day", "core.ratelimit",
       "Registrations per client address."),
    _S("GREENMFG_RATELIMIT_PUBLIC_REPORT", "str", "5 per hour;20 per day", "core.ratelimit",
       "Public objections and complaints per client address."),
    _S("GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ADDRESS", "str", "5 per 15 minutes", "core.ratelimit",
       "Failed log-ins per account and client address (throttled, never locked out)."),
    _S("GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT", "str", "10 per minute", "core.ratelimit",
       "Failed log-ins per account from every address."),
    _S("GREENMFG_RATELIMIT_STORAGE", "str", None, "core.ratelimit",
       "Where counters live (a limits storage URI); default: GREENMFG_REDIS_URL when it answers at start-up, else "
       "memory."),
    _S("GREENMFG_PROXY_HOPS", "int", 0, "core.ratelimit",
       "Reverse proxies in front (nginx: 1); the client address is read from X-Forwarded-For accordingly."),
    # ---------------------------------------------------------------- JSON API
    _S("GREENMFG_API_MAX_JSON_BYTES", "int", 5 * 1024 * 1024, "core.api", "Largest JSON body the API reads."),
    _S("GREENMFG_API_MAX_JSON_DEPTH", "int", 32, "core.api", "Deepest nesting of a JSON body the API reads."),
    _S("GREENMFG_API_MAX_TEXT", "int", 100_000, "core.api", "Longest text value in a JSON body."),
    _S("GREENMFG_GC_FREEZE", "bool", True, "core.services.memory",
       "Once the app is built, set what its start made (some 220,000 objects) aside from the garbage collector's "
       "full passes (Python's gc.freeze): each pass would rescan them, 0.3-0.4 ms a list page on average. Once "
       "per process, never for a TESTING app: what is set aside is never collected as a cycle."),
    # ---------------------------------------------------------------- kept pages and Redis
    _S("GREENMFG_REDIS_URL", "str", "redis://127.0.0.1:6379/0", "core.jobs",
       "The instance's Redis: the job queue, the kept list pages and the rate-limit counters (unless "
       "GREENMFG_RATELIMIT_STORAGE names another), keys prefixed with the instance's name.", secret=True),
    _S("GREENMFG_PAGE_CACHE", "str", "auto", "core.web",
       "Keep list pages in Redis: auto (when Redis answers at start-up), redis (required) or off.",
       choices=("auto", "redis", "off")),
    _S("GREENMFG_PAGE_CACHE_SECONDS", "int", 60, "core.web", "A kept page is made again after this many seconds."),
    _S("GREENMFG_PAGE_CACHE_REDIS_TIMEOUT", "float", 0.25, "core.web",
       "A Redis slower than this (seconds) counts as down for 5 s: pages are made meanwhile."),
    # ---------------------------------------------------------------- jobs
    _S("GREENMFG_JOBS_BACKEND", "str", "auto", "core.jobs",
       "auto (Redis when it answers at start-up), redis, or thread (jobs in the web process: the demo).",
       choices=("auto", "redis", "thread")),
    _S("GREENMFG_JOBS_THREADS", "int", 2, "core.jobs", "Job threads of the web process (thread back end)."),
    _S("GREENMFG_JOBS_HEARTBEAT_SECONDS", "float", 5, "core.jobs", "A running job writes its progress this often."),
    _S("GREENMFG_JOBS_STALE_SECONDS", "float", 60, "core.jobs",
       "A running job silent this long is sent again (its worker died)."),
    _S("GREENMFG_JOBS_REQUEUE_SECONDS", "float", 600, "core.jobs",
       "A queued job nobody took for this long is sent to the queue again."),
    _S("GREENMFG_JOBS_TICK_SECONDS", "float", 30, "core.jobs", "The scheduler's period."),
    _S("GREENMFG_JOBS_SCHEDULE", "dict", None, "core.jobs",
       "Periods (seconds; 0 turns one off) of the scheduled jobs, e.g. {\"management.run_due\": 300, "
       "\"storage.sweep\": 3600, \"jobs.prune\": 86400} (the default)."),
    _S("GREENMFG_JOBS_EMBEDDED_SCHEDULER", "bool", True, "core.jobs",
       "With the thread back end, run the scheduler as a thread of the web process."),
    _S("GREENMFG_JOBS_KEEP_DAYS", "int", 30, "core.jobs", "Finished jobs are removed after this many days."),
    _S("GREENMFG_JOBS_INLINE_ROWS", "int", 300, "core.applications",
       "Summary exports of more applications run as a job."),
    _S("GREENMFG_JOBS_INLINE_BYTES", "int", 256 * 1024, "core.applications",
       "Summary and list-history imports larger than this (bytes) run as a job."),
    # ---------------------------------------------------------------- printing to PDF
    _S("GREENMFG_PDF_RENDERER", "str", "kept", "core.services.office",
       "kept: the job worker keeps one LibreOffice running (unoserver) and prints every PDF with it, falling back to "
       "a one-shot soffice only when it cannot start; oneshot: start soffice for each PDF.", choices=("kept", "oneshot")),
    _S("GREENMFG_PDF_PORT", "int", 2003, "core.services.office",
       "The loopback port of the kept LibreOffice's listener (unoserver); LibreOffice itself takes the next port."),
    _S("GREENMFG_PDF_PYTHON", "str", None, "core.services.office",
       "The Python that has LibreOffice's uno module and runs the listener (default: the first of /usr/bin/python3 "
       "(Debian's python3-uno), LibreOffice's program/python)."),
    _S("GREENMFG_PDF_TIMEOUT_SECONDS", "int", 120, "core.services.office",
       "Seconds one conversion may take; past this the kept LibreOffice is stopped (started again on next use)."),
    _S("GREENMFG_PDF_START_SECONDS", "float", 90, "core.services.office",
       "Seconds to wait for the kept LibreOffice to answer when it starts, before printing with a one-shot soffice."),
    # ---------------------------------------------------------------- stored files
    _S("GREENMFG_STORAGE", "str", "local", "core.storage", "The file store: local (a folder) or s3.",
       choices=("local", "s3")),
    _S("GREENMFG_EVIDENCE_DIR", "str", None, "core.storage",
       "The local store's folder (default: <instance>/evidence)."),
    _S("GREENMFG_S3_BUCKET", "str", None, "core.storage", "The S3 bucket (GREENMFG_STORAGE = s3)."),
    _S("GREENMFG_S3_PREFIX", "str", "", "core.storage", "Key prefix inside the bucket."),
    _S("GREENMFG_S3_ENDPOINT_URL", "str", None, "core.storage", "S3-compatible endpoint (MinIO, Ceph…)."),
    _S("GREENMFG_S3_REGION", "str", None, "core.storage", "The S3 region name."),
    _S("GREENMFG_STORAGE_MIN_FREE_BYTES", "int", 256 * 1024 * 1024, "core.storage",
       "Below this much free room a local store reports itself short of room in /readyz."),
    _S("GREENMFG_EVIDENCE_MAX_BYTES", "int", 10 * 1024 * 1024, "core.applications", "Largest uploaded file (bytes)."),
    _S("GREENMFG_PDF_CHECK_CPU_SECONDS", "int", 10, "core.applications",
       "CPU seconds the check of one uploaded PDF may use."),
    _S("GREENMFG_PDF_CHECK_SECONDS", "float", 20.0, "core.applications",
       "Seconds the upload waits for the PDF check's answer."),
    # ---------------------------------------------------------------- notifications
    _S("GREENMFG_SMTP_HOST", "str", None, "core.notifications",
       "SMTP server for e-mail; without one, e-mails are written to the log (logger greenmfg.mail, INFO)."),
    _S("GREENMFG_SMTP_PORT", "int", 25, "core.notifications", "SMTP port."),
    _S("GREENMFG_SMTP_USER", "str", None, "core.notifications", "SMTP user name."),
    _S("GREENMFG_SMTP_PASSWORD", "str", None, "core.notifications", "SMTP password.", secret=True),
    _S("GREENMFG_SMTP_STARTTLS", "bool", False, "core.notifications", "Use STARTTLS."),
    _S("GREENMFG_SMTP_FROM", "str", "greenmfg@localhost", "core.notifications", "The sender address."),
    _S("GREENMFG_SMTP_TIMEOUT", "float", 30, "core.notifications", "Seconds to wait for the SMTP server."),
    _S("GREENMFG_SMS_GATEWAY", "str", "log", "core.notifications",
       "The SMS gateway (entry point group greenmfg.sms_gateways); log writes messages to the log."),
    # ---------------------------------------------------------------- rules the deployer sets
    _S("GREENMFG_NOTICE_PERIODS", "dict", None, "core.lists",
       "Notice periods where a document requires a notice but names none, e.g. "
       "{\"provincial\": [10, \"working_days\"]} (platform default: 5 working days)."),
    _S("GREENMFG_FILING_REMINDER_DAYS", "list", (10, 3), "core.management",
       "Working days before the annual filing's due date on which reminders go out."),
    _S("GREENMFG_REVIEW_MIN_EXPERTS", "int", None, "core.review",
       "Experts per panel for every application, overriding the region's rule."),
    _S("GREENMFG_MINISTRY_MAY_MANAGE", "bool", False, "core.review",
       "On a provincial instance, let the ministry's account run review, notices and the evaluator registry."),
    # ---------------------------------------------------------------- recommendation files
    _S("GREENMFG_SIGNING_ALGORITHM", "str", "ed25519", "core.lists",
       "The signature algorithm of recommendation files and audit anchors: ed25519, or sm2 (SM2 with SM3, GB/T "
       "32918 and GB/T 32905, for provinces assessed under GB/T 39786-2021). greenmfg keys generate makes keys of "
       "it, and a configured signing key of the other algorithm stops the start.", choices=("ed25519", "sm2")),
    _S("GREENMFG_RECOMMENDATION_KEY_FILE", "str", None, "core.lists",
       "The province's signing key (Ed25519 PEM or SM2 key file, written by greenmfg keys generate, outside the "
       "instance folder)."),
    _S("GREENMFG_RECOMMENDATION_KEY", "str", None, "core.lists",
       "The signing key itself, from a secret manager (instead of the file).", secret=True),
    _S("GREENMFG_RECOMMENDATION_MAX_AGE_DAYS", "int", 60, "core.lists",
       "A national instance refuses recommendation files exported longer ago than this."),
    # ---------------------------------------------------------------- tests
    _S("GREENMFG_TEST_PG_URL", "str", "postgresql+psycopg://postgres@127.0.0.1:5432/test", "tests",
       "The PostgreSQL server the test suite makes its throwaway databases on.", kind="test"),
    _S("GREENMFG_TEST_DB_PREFIX", "str", "greenmfg_test_", "tests",
       "The test suite names its throwaway PostgreSQL databases this plus a random suffix.", kind="test"),
    _S("GREENMFG_TEST_REDIS_URL", "str", "redis://127.0.0.1:6379/1", "tests",
       "The Redis server and first database of the four the operations tests take (tests/ops/ops_kit.py).",
       kind="test"),
    _S("GREENMFG_SEEDS", "str", "../shared/seeds", "tests",
       "The folder of seed policy documents the rule tests read.", kind="test"),
    _S("GREENMFG_TEST_PAGE_CACHE", "bool", False, "tests",
       "Run the suite with every list page kept in Redis (GREENMFG_TEST_PAGE_CACHE=1 scripts/test).", kind="test"),
    _S("GREENMFG_TEST_WORKERS", "str", "auto", "tests",
       "pytest-xdist workers scripts/test starts (0: in its own process).", kind="test"),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
#: a name read by building it (``f"GREENMFG_RATELIMIT_{scope}"``): the settings it may stand for are declared
PREFIXES = ("GREENMFG_RATELIMIT_",)
