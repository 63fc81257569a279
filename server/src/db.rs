//! Storage: SQLite (the embedded default) or PostgreSQL behind one small API, with the
//! pools and migrations of `sqlx`.
//!
//! * Every use is a transaction ([`Tx`]): [`Db::write`] for changes (SQLite: `BEGIN
//!   IMMEDIATE` on the one writer connection, so that writers queue instead of failing
//!   with `SQLITE_BUSY`; PostgreSQL: `BEGIN`), [`Db::read`] for reads (SQLite: a pool of
//!   read-only connections that read in parallel with the writer under WAL; PostgreSQL:
//!   `REPEATABLE READ READ ONLY`, one snapshot for the whole read).
//! * One set of queries for both databases: `$1`-style parameters, `ON CONFLICT`, `RETURNING`,
//!   `lower()`, `CASE` rather than two-argument `max()`; values are bound as [`Arg`]s and
//!   rows decoded with `sqlx::FromRow` (tuples or derived structs), identically on both.
//! * Migrations: `migrations/sqlite` and `migrations/postgres`, the same versions with the
//!   dialect's own DDL, embedded in the binary. A database migrated by a newer server is
//!   refused with a message saying so. A SQLite file made by the servers before sqlx (schema
//!   version in `PRAGMA user_version`) is adopted: its applied migrations are recorded, the
//!   newer ones run, and `user_version` is reset so that those older servers refuse it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{FromRow, Postgres, SqlSafeStr, Sqlite};

use crate::config::Database;
use crate::error::{ApiError, ApiResult};
use crate::vault::{self, Place, Scope, Vault};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The last schema version of the servers before sqlx (`PRAGMA user_version`).
const LEGACY_VERSION: i64 = 5;

/// A handle to the database, cheap to clone; with a [`Vault`], its transactions seal and
/// open values (see `vault`).
#[derive(Clone)]
pub struct Db {
    pools: Arc<Pools>,
    vault: Option<Arc<Vault>>,
}

enum Pools {
    Sqlite {
        write: SqlitePool,
        read: SqlitePool,
        path: PathBuf,
    },
    Postgres(PgPool),
}

/// Which database a [`Db`] or [`Tx`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// An open transaction; dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    conn: Conn,
    vault: Option<Arc<Vault>>,
    writable: bool,
}

enum Conn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A value bound to a `$n` parameter.
#[derive(Debug, Clone)]
pub enum Arg {
    /// An integer (or NULL).
    Int(Option<i64>),
    /// A text (or NULL).
    Text(Option<String>),
    /// Bytes (or NULL).
    Bytes(Option<Vec<u8>>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::Int(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Arg {
        Arg::Text(v)
    }
}
impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Arg {
        Arg::Bytes(Some(v))
    }
}
impl From<&[u8]> for Arg {
    fn from(v: &[u8]) -> Arg {
        Arg::Bytes(Some(v.to_vec()))
    }
}
impl From<Option<Vec<u8>>> for Arg {
    fn from(v: Option<Vec<u8>>) -> Arg {
        Arg::Bytes(v)
    }
}

/// The parameters of a statement: `args![a, b]` is `vec![Arg::from(a), Arg::from(b)]`.
#[macro_export]
macro_rules! args {
    ($($a:expr),* $(,)?) => { vec![$($crate::db::Arg::from($a)),*] };
}

/// A row type both drivers decode (tuples of `i64`, `String`, `Vec<u8>`, their
/// `Option`s, and structs deriving `sqlx::FromRow` of those).
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// The type of a column read by [`Tx::values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `INTEGER` / `BIGINT`, not null.
    Int,
    /// `INTEGER` / `BIGINT`, nullable.
    OptInt,
    /// `TEXT`, not null.
    Text,
    /// `TEXT`, nullable.
    OptText,
    /// `BLOB` / `BYTEA`, not null.
    Bytes,
    /// `BLOB` / `BYTEA`, nullable.
    OptBytes,
}

/// Reads column `i` of a row of either driver as an [`Arg`].
macro_rules! value_of {
    ($row:expr, $i:expr, $kind:expr) => {{
        use sqlx::Row as _;
        match $kind {
            Column::Int => Arg::Int(Some($row.try_get::<i64, _>($i)?)),
            Column::OptInt => Arg::Int($row.try_get::<Option<i64>, _>($i)?),
            Column::Text => Arg::Text(Some($row.try_get::<String, _>($i)?)),
            Column::OptText => Arg::Text($row.try_get::<Option<String>, _>($i)?),
            Column::Bytes => Arg::Bytes(Some($row.try_get::<Vec<u8>, _>($i)?)),
            Column::OptBytes => Arg::Bytes($row.try_get::<Option<Vec<u8>>, _>($i)?),
        }
    }};
}

/// Binds `args` to a query of either driver.
macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Runs one fetch method of a `query_as` on whichever database `$tx` is on.
macro_rules! fetch {
    ($tx:expr, $sql:expr, $args:expr, $method:ident) => {{
        let sql = $sql.into_sql_str();
        match &mut $tx.conn {
            Conn::Sqlite(t) => {
                bind_all!(sqlx::query_as::<Sqlite, T>(sql), $args)
                    .$method(&mut **t)
                    .await
            }
            Conn::Postgres(t) => {
                bind_all!(sqlx::query_as::<Postgres, T>(sql), $args)
                    .$method(&mut **t)
                    .await
            }
        }
    }};
}

impl Tx {
    /// Which database this transaction is on.
    pub fn dialect(&self) -> Dialect {
        match self.conn {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Whether this is a write transaction.
    pub fn writable(&self) -> bool {
        self.writable
    }

    fn vault(&self) -> ApiResult<Arc<Vault>> {
        self.vault
            .clone()
            .ok_or_else(|| ApiError::internal("the database was opened without its keys"))
    }

    /// Seals `plain`, to be stored at `place`, under the data key of `scope`.
    pub async fn seal(&mut self, scope: Scope, place: &Place, plain: &str) -> ApiResult<String> {
        let vault = self.vault()?;
        vault::ops::seal(self, &vault, scope, place, plain).await
    }

    /// Opens a value stored at `place` (an `UNREADABLE` error, logged, if it was damaged
    /// or moved).
    pub async fn open(&mut self, place: &Place, stored: &str) -> ApiResult<String> {
        let vault = self.vault()?;
        vault::ops::open(self, &vault, place, stored).await
    }

    /// Opens a value stored at `place`; `None` (logged) if it was damaged or moved, so
    /// that one damaged item in a list does not fail the whole list.
    pub async fn try_open(&mut self, place: &Place, stored: &str) -> ApiResult<Option<String>> {
        let vault = self.vault()?;
        vault::ops::try_open(self, &vault, place, stored).await
    }

    /// Opens a name (of a person, a channel, a workspace) stored at `place`; a damaged
    /// one (logged) reads [`vault::UNREADABLE_NAME`], so that a list showing it still
    /// answers.
    pub async fn open_name(&mut self, place: &Place, stored: &str) -> ApiResult<String> {
        Ok(self
            .try_open(place, stored)
            .await?
            .unwrap_or_else(|| vault::UNREADABLE_NAME.to_owned()))
    }

    /// The keyed hash of `value` for `purpose` under `scope` (see `vault`).
    pub async fn blind(&mut self, scope: Scope, purpose: &str, value: &str) -> ApiResult<String> {
        let vault = self.vault()?;
        vault::ops::blind(self, &vault, scope, purpose, value).await
    }

    /// ` FOR UPDATE` on PostgreSQL (locks the rows a read-modify-write reads), nothing on
    /// SQLite (whose write transactions already exclude each other).
    pub fn for_update(&self) -> &'static str {
        match self.conn {
            Conn::Sqlite(_) => "",
            Conn::Postgres(_) => " FOR UPDATE",
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(
        &mut self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
    ) -> Result<u64, sqlx::Error> {
        let sql = sql.into_sql_str();
        Ok(match &mut self.conn {
            Conn::Sqlite(t) => bind_all!(sqlx::query::<Sqlite>(sql), args)
                .execute(&mut **t)
                .await?
                .rows_affected(),
            Conn::Postgres(t) => bind_all!(sqlx::query::<Postgres>(sql), args)
                .execute(&mut **t)
                .await?
                .rows_affected(),
        })
    }

    /// The one row of a query (an error if there is none).
    pub async fn one<T: Record>(
        &mut self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
    ) -> Result<T, sqlx::Error> {
        fetch!(self, sql, args, fetch_one)
    }

    /// The first row of a query, if any.
    pub async fn optional<T: Record>(
        &mut self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
    ) -> Result<Option<T>, sqlx::Error> {
        fetch!(self, sql, args, fetch_optional)
    }

    /// Every row of a query.
    pub async fn all<T: Record>(
        &mut self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
    ) -> Result<Vec<T>, sqlx::Error> {
        fetch!(self, sql, args, fetch_all)
    }

    /// Every row of a query, each column read as `columns` says (for code that moves
    /// rows it does not interpret, such as `copy-database`).
    pub async fn values(
        &mut self,
        sql: impl SqlSafeStr,
        args: Vec<Arg>,
        columns: &[Column],
    ) -> Result<Vec<Vec<Arg>>, sqlx::Error> {
        let sql = sql.into_sql_str();
        let mut out = Vec::new();
        match &mut self.conn {
            Conn::Sqlite(t) => {
                for row in bind_all!(sqlx::query::<Sqlite>(sql), args)
                    .fetch_all(&mut **t)
                    .await?
                {
                    let mut values = Vec::with_capacity(columns.len());
                    for (i, kind) in columns.iter().enumerate() {
                        values.push(value_of!(row, i, kind));
                    }
                    out.push(values);
                }
            }
            Conn::Postgres(t) => {
                for row in bind_all!(sqlx::query::<Postgres>(sql), args)
                    .fetch_all(&mut **t)
                    .await?
                {
                    let mut values = Vec::with_capacity(columns.len());
                    for (i, kind) in columns.iter().enumerate() {
                        values.push(value_of!(row, i, kind));
                    }
                    out.push(values);
                }
            }
        }
        Ok(out)
    }

    /// Inserts `rows` (each one value per column) into `table`, many per statement.
    /// `table` and `columns` are names from the code, never input.
    pub async fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Arg>>,
    ) -> Result<(), sqlx::Error> {
        let per_statement = (1000 / columns.len().max(1)).max(1);
        for chunk in rows.chunks(per_statement) {
            let mut n = 0;
            let values: Vec<String> = chunk
                .iter()
                .map(|row| {
                    let params: Vec<String> = row
                        .iter()
                        .map(|_| {
                            n += 1;
                            format!("${n}")
                        })
                        .collect();
                    format!("({})", params.join(", "))
                })
                .collect();
            // Only names from the code and numbered placeholders are formatted in.
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES {}",
                columns.join(", "),
                values.join(", ")
            );
            self.execute(sqlx::AssertSqlSafe(sql), chunk.concat())
                .await?;
        }
        Ok(())
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.conn {
            Conn::Sqlite(t) => t.commit().await,
            Conn::Postgres(t) => t.commit().await,
        }
    }
}

/// Why a database could not be opened.
#[derive(Debug)]
pub struct OpenError(pub String);

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OpenError {}

fn newer(version: i64, known: &Migrator) -> OpenError {
    let ours = known.iter().map(|m| m.version).max().unwrap_or(0);
    OpenError(format!(
        "the database was migrated by a newer Huddle server (it has schema version {version}; \
         this server knows versions up to {ours}): run that newer server, or restore a backup \
         made for this version"
    ))
}

fn migrate_error(e: MigrateError, known: &Migrator) -> OpenError {
    match e {
        MigrateError::VersionMissing(v) => newer(v, known),
        other => OpenError(format!("cannot migrate the database: {other}")),
    }
}

impl Db {
    /// Opens (creating it if needed) and migrates the database.
    pub async fn open(database: &Database) -> Result<Db, OpenError> {
        match database {
            Database::Sqlite(path) => Db::open_sqlite(path).await,
            Database::Postgres(url) => Db::open_postgres(url).await,
        }
    }

    async fn open_sqlite(path: &Path) -> Result<Db, OpenError> {
        crate::private_fs::sqlite_file(path)
            .map_err(|e| OpenError(format!("cannot create {}: {e}", path.display())))?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Deleted and overwritten content is zeroed, not left in free pages.
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(5));
        let cannot = |e: sqlx::Error| OpenError(format!("cannot open {}: {e}", path.display()));
        // One writer: SQLite allows one write transaction at a time; queueing them here
        // (rather than in SQLite's busy handler) keeps their order fair.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone().create_if_missing(true))
            .await
            .map_err(cannot)?;
        adopt_legacy(&write).await?;
        SQLITE_MIGRATIONS
            .run(&write)
            .await
            .map_err(|e| migrate_error(e, &SQLITE_MIGRATIONS))?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get().max(2)) as u32;
        let read = SqlitePoolOptions::new()
            .max_connections(readers)
            .connect_with(options.read_only(true))
            .await
            .map_err(cannot)?;
        Ok(Db {
            pools: Arc::new(Pools::Sqlite {
                write,
                read,
                path: path.to_owned(),
            }),
            vault: None,
        })
    }

    async fn open_postgres(url: &str) -> Result<Db, OpenError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| OpenError(format!("--database: not a PostgreSQL URL: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| OpenError(format!("cannot connect to PostgreSQL: {e}")))?;
        POSTGRES_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|e| migrate_error(e, &POSTGRES_MIGRATIONS))?;
        Ok(Db {
            pools: Arc::new(Pools::Postgres(pool)),
            vault: None,
        })
    }

    /// This database with `vault`'s keys (see `vault::load`).
    pub fn with_vault(mut self, vault: Arc<Vault>) -> Db {
        self.vault = Some(vault);
        self
    }

    /// The keys, if loaded.
    pub fn vault(&self) -> Option<&Vault> {
        self.vault.as_deref()
    }

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        match &*self.pools {
            Pools::Sqlite { .. } => Dialect::Sqlite,
            Pools::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The SQLite file, if this is SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &*self.pools {
            Pools::Sqlite { path, .. } => Some(path),
            Pools::Postgres(_) => None,
        }
    }

    /// A write transaction.
    pub async fn write(&self) -> Result<Tx, sqlx::Error> {
        let conn = match &*self.pools {
            Pools::Sqlite { write, .. } => Conn::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Pools::Postgres(pool) => Conn::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            conn,
            vault: self.vault.clone(),
            writable: true,
        })
    }

    /// A read-only transaction that sees one consistent state.
    pub async fn read(&self) -> Result<Tx, sqlx::Error> {
        let conn = match &*self.pools {
            Pools::Sqlite { read, .. } => Conn::Sqlite(read.begin().await?),
            Pools::Postgres(pool) => Conn::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        };
        Ok(Tx {
            conn,
            vault: self.vault.clone(),
            writable: false,
        })
    }

    /// Writes a consistent copy of a SQLite database to `to` (`VACUUM INTO` a temporary
    /// file beside it, then renamed), while writers go on.
    pub async fn backup_to(&self, to: &Path) -> Result<(), String> {
        let Pools::Sqlite { read, .. } = &*self.pools else {
            return Err("backup: for PostgreSQL, use pg_dump (docs/deploy.md)".into());
        };
        if to.exists() {
            return Err(format!("{} exists: choose a new file", to.display()));
        }
        let name = to
            .file_name()
            .ok_or_else(|| format!("{}: not a file name", to.display()))?;
        let partial = to.with_file_name(format!(".{}.partial", name.to_string_lossy()));
        let _ = std::fs::remove_file(&partial);
        // An empty file of the owner's that VACUUM INTO fills.
        crate::private_fs::create_file(&partial)
            .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
        let target = partial
            .to_str()
            .ok_or_else(|| format!("{}: not UTF-8", partial.display()))?
            .to_owned();
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(read)
            .await
            .map_err(|e| format!("backup failed: {e}"))?;
        std::fs::rename(&partial, to).map_err(|e| format!("cannot rename the backup: {e}"))
    }

    /// SQLite: rewrites the file without its free pages and empties the write-ahead log
    /// (after values were replaced, nothing of the old ones is left on disk).
    pub async fn vacuum(&self) -> Result<(), sqlx::Error> {
        if let Pools::Sqlite { write, .. } = &*self.pools {
            sqlx::query("VACUUM").execute(write).await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(write)
                .await?;
        }
        Ok(())
    }

    /// Closes the pools (waits for their connections to be returned).
    pub async fn close(&self) {
        match &*self.pools {
            Pools::Sqlite { write, read, .. } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

/// Adopts a SQLite file of the servers before sqlx: see the module docs.
async fn adopt_legacy(pool: &SqlitePool) -> Result<(), OpenError> {
    let fail = |e: sqlx::Error| OpenError(format!("cannot read the database: {e}"));
    let tracked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await
    .map_err(fail)?;
    if tracked > 0 {
        return Ok(());
    }
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(pool)
        .await
        .map_err(fail)?;
    if version == 0 {
        return Ok(());
    }
    if version > LEGACY_VERSION {
        return Err(newer(version, &SQLITE_MIGRATIONS));
    }
    SQLITE_MIGRATIONS
        .skip(pool, Some(version))
        .await
        .map_err(|e| migrate_error(e, &SQLITE_MIGRATIONS))?;
    sqlx::query("PRAGMA user_version = 0")
        .execute(pool)
        .await
        .map_err(fail)?;
    tracing::info!(from = version, "adopted a database of an earlier server");
    Ok(())
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Whether an error is a violated unique constraint (a race another request won).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// A text column holding one of an enum's values, read with `parse` (e.g. `Role::parse`);
/// another text is a server error, not a panic.
pub fn enum_value<T>(text: &str, parse: fn(&str) -> Option<T>) -> ApiResult<T> {
    parse(text)
        .ok_or_else(|| ApiError::internal(format!("unexpected value {text:?} in the database")))
}
