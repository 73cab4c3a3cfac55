//! The operator's command line: `serve` (the default), `create-admin`,
//! `seed-demo` and `set-directory`. Every option can also come from a
//! `USERS_CONSOLE_*` environment variable.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args, Parser, Subcommand};
use users_api::validation::{PersonName, ValidNewUser};
use users_api::{Email, SETTINGS_ROLE};

use crate::crypto::{TokenCrypto, TokenKey};
use crate::storage::{Location, Store};

/// The company `create-admin`, `seed-demo` and `set-directory` use by default.
pub const DEFAULT_COMPANY: &str = "Acme Robotics";

pub(crate) type CliResult<T> = Result<T, Box<dyn std::error::Error>>;

/// How long closing the database may take at exit.
const CLOSE_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Debug, Parser)]
#[command(
    name = "users-server",
    version,
    about = "The Users console's API server and operator tools."
)]
pub struct Cli {
    /// Directory for the SQLite database and the token key (unused with a
    /// postgres:// database URL and an explicit key).
    #[arg(
        long,
        global = true,
        env = "USERS_CONSOLE_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,
    /// Database URL: sqlite:PATH, or postgres://USER:PASSWORD@HOST/DATABASE
    /// for several instances sharing one database (default:
    /// <data-dir>/users.db, created if missing).
    #[arg(long, global = true, env = "USERS_CONSOLE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// File holding the 32-byte token encryption key (raw or hex), generated
    /// with mode 0600 when missing (default: <data-dir>/token.key). Every
    /// instance on one database must use the same key; the key can instead
    /// come from USERS_CONSOLE_TOKEN_KEY (64 hex digits).
    #[arg(long, global = true, env = "USERS_CONSOLE_TOKEN_KEY_FILE")]
    pub token_key_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (and the built app with --static-dir). The default.
    Serve(ServeArgs),
    /// Create the company if missing and an administrator holding Settings;
    /// print the administrator's access token alone on the last line.
    CreateAdmin(CreateAdminArgs),
    /// Add deterministic demo users, groups and agents to a company.
    SeedDemo(SeedDemoArgs),
    /// Mark a company's users as managed in a directory, or not.
    SetDirectory(SetDirectoryArgs),
    /// Delete audit entries older than a date, in small batches that do not
    /// hold up the server's writes; the pruning itself is audited.
    PruneAudit(PruneAuditArgs),
}

#[derive(Debug, Clone, Parser)]
pub struct PruneAuditArgs {
    /// Entries before this day (YYYY-MM-DD, UTC) or time (RFC 3339) go.
    #[arg(long)]
    pub before: String,
}

#[derive(Debug, Clone, Parser)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port).
    #[arg(long, env = "USERS_CONSOLE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The built app to serve (Trunk's dist/).
    #[arg(long, env = "USERS_CONSOLE_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,
    /// An origin allowed to call the API from a browser (repeatable; the
    /// environment variable takes a comma-separated list).
    #[arg(
        long = "cors-origin",
        env = "USERS_CONSOLE_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Seconds a stop (SIGTERM, Ctrl-C) may take: requests in progress
    /// finish, or roll back when the time is up.
    #[arg(long, env = "USERS_CONSOLE_SHUTDOWN_TIMEOUT", default_value_t = 10)]
    pub shutdown_timeout: u64,
    /// Seconds a client has to send a request's headers; also how long an
    /// idle keep-alive connection stays open.
    #[arg(long, env = "USERS_CONSOLE_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a client has to send a request's body (else 408).
    #[arg(long, env = "USERS_CONSOLE_BODY_TIMEOUT", default_value_t = 30)]
    pub body_timeout: u64,
    /// Connections open at once; beyond them a client gets a fast 503.
    /// Default: 4096, or fewer when the descriptor limit is lower.
    #[arg(long, env = "USERS_CONSOLE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
}

#[derive(Debug, Clone, Args)]
pub struct CreateAdminArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub first_name: String,
    #[arg(long)]
    pub last_name: String,
    #[arg(long, default_value = DEFAULT_COMPANY)]
    pub company: String,
}

#[derive(Debug, Clone, Args)]
pub struct SeedDemoArgs {
    /// How many users to add.
    #[arg(long, default_value_t = 200)]
    pub users: usize,
    /// Entries of made-up history to add to the audit log, older than any
    /// already there (default: five per user added).
    #[arg(long)]
    pub audit_entries: Option<u64>,
    #[arg(long, default_value = DEFAULT_COMPANY)]
    pub company: String,
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("directory").required(true).args(["provider", "none"])))]
pub struct SetDirectoryArgs {
    #[arg(long, default_value = DEFAULT_COMPANY)]
    pub company: String,
    /// The directory's name, e.g. "Azure AD".
    #[arg(long)]
    pub provider: Option<String>,
    /// Manage the company's users in the console again.
    #[arg(long)]
    pub none: bool,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // Tasks still running now (past the shutdown timeout) are dropped; their
    // transactions roll back when their connections close with the process.
    runtime.shutdown_timeout(CLOSE_WITHIN);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command.
pub async fn run(cli: Cli) -> CliResult<()> {
    let command = match cli.command {
        Some(command) => command,
        // No subcommand: `serve` with its defaults and environment.
        None => Command::Serve(ServeArgs::try_parse_from(["serve"])?),
    };
    let store = open_store(
        &cli.data_dir,
        cli.database_url.as_deref(),
        cli.token_key_file.as_deref(),
    )
    .await?;
    let mut out = std::io::stdout();
    let result = match command {
        Command::Serve(args) => crate::serve::serve(store.clone(), &args).await,
        Command::CreateAdmin(args) => create_admin(&store, &args, &mut out).await,
        Command::SeedDemo(args) => seed_demo(&store, &args, &mut out).await,
        Command::SetDirectory(args) => set_directory(&store, &args, &mut out).await,
        Command::PruneAudit(args) => prune_audit(&store, &args, &mut out).await,
    };
    // Bounded: a stop must not wait on a connection that never comes back.
    if tokio::time::timeout(CLOSE_WITHIN, store.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still busy at exit: closed with the process");
    }
    result
}

/// The environment variable that may hold the token key itself (64 hex
/// digits), for deployments that pass secrets through the environment.
pub const TOKEN_KEY_VAR: &str = "USERS_CONSOLE_TOKEN_KEY";

/// Opens the database, creating the data directory and the token key as needed.
pub async fn open_store(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    key_file: Option<&std::path::Path>,
) -> CliResult<Store> {
    let location = match database_url {
        Some(url) => Location::Url(url.to_string()),
        None => {
            create_data_dir(data_dir)?;
            Location::File(data_dir.join("users.db"))
        }
    };
    let key = token_key(data_dir, &location, key_file)?;
    Ok(Store::open(&location, TokenCrypto::new(&key)).await?)
}

/// The token key: from USERS_CONSOLE_TOKEN_KEY, else the key file (created
/// when missing). A shared PostgreSQL database needs the key named
/// explicitly: a key made up per machine would leave each instance unable
/// to read the others' tokens.
fn token_key(
    data_dir: &std::path::Path,
    location: &Location,
    key_file: Option<&std::path::Path>,
) -> CliResult<TokenKey> {
    if let Ok(text) = std::env::var(TOKEN_KEY_VAR) {
        return Ok(TokenKey::from_hex(&text)
            .ok_or_else(|| format!("{TOKEN_KEY_VAR} must hold 64 hex digits (32 bytes)"))?);
    }
    let path = match key_file {
        Some(path) => path.to_path_buf(),
        None if location.is_postgres() => {
            return Err(format!(
                "a PostgreSQL database is shared by every instance, so they must share one \
                 token key: give --token-key-file PATH (created when missing; copy it to every \
                 instance) or set {TOKEN_KEY_VAR}"
            )
            .into())
        }
        None => {
            create_data_dir(data_dir)?;
            data_dir.join(crate::crypto::KEY_FILE_NAME)
        }
    };
    Ok(TokenKey::load_or_create(&path)?)
}

fn create_data_dir(data_dir: &std::path::Path) -> CliResult<()> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        format!(
            "cannot create the data directory {}: {e}",
            data_dir.display()
        )
    })?;
    Ok(())
}

/// `create-admin`: prints what it did, then the token alone on the last line.
pub async fn create_admin(
    store: &Store,
    args: &CreateAdminArgs,
    out: &mut impl Write,
) -> CliResult<()> {
    let first_name = PersonName::parse(&args.first_name)
        .map_err(|e| format!("--first-name {}", e.join(", ")))?;
    let last_name =
        PersonName::parse(&args.last_name).map_err(|e| format!("--last-name {}", e.join(", ")))?;
    let email = Email::parse(&args.email).map_err(|e| format!("--email {}", e.join(", ")))?;
    let company = args.company.trim();
    if company.is_empty() {
        return Err("--company can't be blank".into());
    }
    let (_, providers) = store.ensure_company(company).await?;
    let provider = providers
        .first()
        .cloned()
        .ok_or("the company has no identity provider")?;
    let user = ValidNewUser {
        first_name,
        last_name,
        email,
        identity_provider: provider,
        roles: vec![SETTINGS_ROLE.to_string()],
    };
    let admin = store.create_admin(company, &user).await?;
    if admin.user_created {
        writeln!(
            out,
            "Created administrator {} {} <{}> (user {}) in {company:?} with the Settings role.",
            user.first_name.as_str(),
            user.last_name.as_str(),
            user.email.as_str(),
            admin.user_id
        )?;
    } else {
        writeln!(
            out,
            "{} (user {}) is already an active user of {company:?}; this is their current token.",
            user.email.as_str(),
            admin.user_id
        )?;
    }
    writeln!(out, "Access token (keep it secret):")?;
    writeln!(out, "{}", admin.token)?;
    out.flush()?;
    Ok(())
}

/// `seed-demo`: deterministic demo data, in one transaction.
pub async fn seed_demo(store: &Store, args: &SeedDemoArgs, out: &mut impl Write) -> CliResult<()> {
    let started = std::time::Instant::now();
    let users = args.users;
    let first = std::sync::atomic::AtomicI64::new(0);
    let summary = store
        .seed_demo(args.company.trim(), |first_id| {
            first.store(first_id, std::sync::atomic::Ordering::Relaxed);
            crate::seed::plan(users, first_id)
        })
        .await?;
    let history = args.audit_entries.unwrap_or(5 * users as u64);
    if users > 0 && history > 0 {
        let people = (first.into_inner(), users as i64);
        store
            .seed_audit_history(summary.company_id, people, history as i64)
            .await?;
    }
    writeln!(
        out,
        "Seeded {:?}: {} users ({} archived), {} groups, {} agents, {history} audit entries in {:.1} s.",
        args.company.trim(),
        summary.users,
        summary.archived,
        summary.groups,
        summary.agents,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// `prune-audit --before DATE`: retention is the operator's choice.
pub async fn prune_audit(
    store: &Store,
    args: &PruneAuditArgs,
    out: &mut impl Write,
) -> CliResult<()> {
    let raw = args.before.trim();
    // A bare day means its start, UTC.
    let full = if raw.len() == 10 {
        format!("{raw}T00:00:00Z")
    } else {
        raw.to_string()
    };
    let before = users_api::audit::parse_rfc3339(&full)
        .filter(|s| *s >= 0)
        .map(users_api::audit::format_utc)
        .ok_or_else(|| {
            format!("--before must be a day (2026-01-31) or an RFC 3339 time, not {raw:?}")
        })?;
    let pruned = store.prune_audit(&before).await?;
    let total: u64 = pruned.per_company.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "Deleted {total} audit entries from before {before} ({} companies).",
        pruned.per_company.len()
    )?;
    Ok(())
}

/// `set-directory`.
pub async fn set_directory(
    store: &Store,
    args: &SetDirectoryArgs,
    out: &mut impl Write,
) -> CliResult<()> {
    let provider = if args.none {
        None
    } else {
        let provider = args.provider.as_deref().map(str::trim).unwrap_or("");
        if provider.is_empty() {
            return Err("--provider can't be blank".into());
        }
        Some(provider)
    };
    store.set_directory(args.company.trim(), provider).await?;
    match provider {
        Some(p) => writeln!(
            out,
            "Users of {:?} are now managed in {p}.",
            args.company.trim()
        )?,
        None => writeln!(
            out,
            "Users of {:?} are now managed in the console.",
            args.company.trim()
        )?,
    }
    Ok(())
}
