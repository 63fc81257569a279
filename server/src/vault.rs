//! Encryption at rest: every stored text that is not an identifier, a time, a counter, a
//! role or a hash is sealed before it is written and opened after it is read.
//!
//! * **Construction**: crypto-wasm's authenticated v1 envelope (AES-256-CBC, then
//!   HMAC-SHA256 over everything, verified in constant time before decrypting), used
//!   natively. Its bound "room" is the value's place, `table.column/row` (e.g.
//!   `messages.body/42`), so a ciphertext copied into another row or column fails its
//!   MAC and is never shown. Its key version is the id of the data key that sealed it.
//! * **Stored form** (a text column keeps a text):
//!   `"\u{1}h1." key-id "." iv "." ciphertext "." mac` (base64). Every field that is
//!   sealed is validated to hold no control character, so a stored value that starts with
//!   `\u{1}` is always a ciphertext, and one that does not is a plain value from before
//!   the upgrade (accepted only until the upgrade has sealed them all).
//! * **Data keys**: one per scope, `account` (names and e-mail addresses of people, kept
//!   answers) and `workspace:<id>` (everything of a workspace), 32 random bytes each,
//!   stored in `data_keys` sealed under the **master key** (bound to `data_keys/<scope>`,
//!   key version = the master key's id), and cached unwrapped in memory.
//! * **Master key**: 32 random bytes (hex) in a file, `--master-key-file` or
//!   `DATA_DIR/master-key` (created, mode 0600, on first start of a new installation).
//!   `rotate-master-key` seals the data keys under a new one; see [`rotate_master_key`].
//! * **Keyed hashes** for what must stay findable: HMAC-SHA256 under a key derived from
//!   the scope's data key (HKDF, its own `info`), of a purpose and a normalised value —
//!   usernames and e-mail addresses (unique), channel names (unique per workspace),
//!   reaction emoji (one per person and message).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crypto_wasm::envelope::v1::Keys;
use crypto_wasm::envelope::V1Envelope;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{ApiError, ApiResult};

/// What a sealed value starts with.
pub const PREFIX: &str = "\u{1}h1.";

/// Whose key seals a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// People's names and addresses, kept answers.
    Account,
    /// Everything of one workspace.
    Workspace(i64),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Account => f.write_str("account"),
            Scope::Workspace(id) => write!(f, "workspace:{id}"),
        }
    }
}

/// Where a value is stored: what its ciphertext is bound to.
#[derive(Debug, Clone)]
pub struct Place {
    table: &'static str,
    column: &'static str,
    row: String,
}

impl Place {
    /// `table.column` of the row `row` (its id, or its key).
    pub fn new(table: &'static str, column: &'static str, row: impl std::fmt::Display) -> Place {
        Place {
            table,
            column,
            row: row.to_string(),
        }
    }

    fn binding(&self) -> String {
        format!("{}.{}/{}", self.table, self.column, self.row)
    }
}

/// A master key and its id (the first 16 hex digits of its SHA-256).
#[derive(Clone)]
pub struct MasterKey {
    id: String,
    keys: Keys,
    hex: Zeroizing<String>,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({}, <redacted>)", self.id)
    }
}

impl MasterKey {
    /// A key from its 64 hex digits.
    pub fn from_hex(hex: &str) -> Result<MasterKey, String> {
        let hex = hex.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("a master key is 64 hexadecimal digits".into());
        }
        let hex = hex.to_ascii_lowercase();
        let digest = Sha256::digest(hex.as_bytes());
        let id: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Ok(MasterKey {
            id,
            keys: Keys::derive(&hex),
            hex: Zeroizing::new(hex),
        })
    }

    /// A new random key.
    pub fn generate() -> Result<MasterKey, String> {
        MasterKey::from_hex(&crypto_wasm::random::token(32).map_err(|e| e.to_string())?)
    }

    /// Its id (what data keys record they are sealed under).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Reads a key file.
    pub fn read(path: &Path) -> Result<MasterKey, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the master key {}: {e}", path.display()))?;
        MasterKey::from_hex(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Writes the key into a new file readable by the owner only; the file appears whole
    /// or not at all (written beside it, then linked into place), and an existing file is
    /// never replaced.
    pub fn write_new(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private_fs::create_dir(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let suffix = crypto_wasm::random::token(8).map_err(|e| e.to_string())?;
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".partial-{suffix}"));
        let partial = path.with_file_name(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options
            .open(&partial)
            .and_then(|mut f| {
                std::io::Write::write_all(&mut f, format!("{}\n", self.hex.as_str()).as_bytes())?;
                f.sync_all()
            })
            .and_then(|()| std::fs::hard_link(&partial, path));
        let _ = std::fs::remove_file(&partial);
        written.map_err(|e| format!("cannot create {}: {e}", path.display()))
    }

    /// Seals a data key for `scope`.
    fn wrap(&self, scope: &str, data_key: &str) -> ApiResult<String> {
        let env = self
            .keys
            .seal(&format!("data_keys/{scope}"), &self.id, data_key.as_bytes())
            .map_err(ApiError::internal)?;
        Ok(encode(&env))
    }

    /// Opens a data key of `scope`.
    fn unwrap(&self, scope: &str, wrapped: &str) -> Result<Zeroizing<String>, String> {
        let env = decode(wrapped).ok_or("not a sealed data key")?;
        if env.key_version != self.id {
            return Err(format!(
                "sealed under master key {}, not {}",
                env.key_version, self.id
            ));
        }
        self.keys
            .open(&format!("data_keys/{scope}"), &env)
            .map(Zeroizing::new)
            .map_err(|e| e.to_string())
    }
}

/// A data key, unwrapped.
struct DataKey {
    id: i64,
    keys: Keys,
    index: Zeroizing<[u8; 32]>,
}

impl DataKey {
    fn new(id: i64, hex: &str) -> DataKey {
        let mut index = Zeroizing::new([0u8; 32]);
        hkdf::Hkdf::<Sha256>::new(None, hex.as_bytes())
            .expand(b"huddle/at-rest keyed hash v1", &mut *index)
            .expect("32 bytes is a valid HKDF-SHA256 length");
        DataKey {
            id,
            keys: Keys::derive(hex),
            index,
        }
    }
}

fn encode(env: &V1Envelope) -> String {
    format!(
        "{PREFIX}{}.{}.{}.{}",
        env.key_version, env.iv, env.encrypted, env.mac
    )
}

fn decode(stored: &str) -> Option<V1Envelope> {
    let rest = stored.strip_prefix(PREFIX)?;
    let mut parts = rest.split('.');
    let (key_version, iv, encrypted, mac) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(V1Envelope {
        v: 1,
        key_version: key_version.to_owned(),
        iv: iv.to_owned(),
        encrypted: encrypted.to_owned(),
        mac: mac.to_owned(),
    })
}

/// Whether a stored value is sealed.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// The master key and the data keys in use; shared by every transaction.
pub struct Vault {
    master: RwLock<MasterKey>,
    /// Where the master key was read from (re-read after a rotation).
    path: PathBuf,
    by_id: RwLock<HashMap<i64, Arc<DataKey>>>,
    by_scope: RwLock<HashMap<Scope, Arc<DataKey>>>,
    /// Whether plain values from before the upgrade may still be read.
    plain_allowed: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(<redacted>)")
    }
}

/// Shown instead of a name that is damaged in the database (see `Tx::open_name`).
pub const UNREADABLE_NAME: &str = "(unreadable name)";

/// Logs that the value at `place` cannot be opened: where it is, never its content.
fn log_unreadable(place: &Place, why: &str) {
    tracing::error!(
        table = place.table,
        column = place.column,
        row = %place.row,
        why,
        "a stored value cannot be opened (damaged or moved in the database)"
    );
}

/// The unreadable-item error (for a value already logged by [`log_unreadable`]).
fn unreadable(place: &Place) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "UNREADABLE",
        format!(
            "this item cannot be read: its {} is damaged in the database",
            place.column.replace('_', " ")
        ),
    )
}

impl Vault {
    /// A vault with `master`, read from `path`.
    pub fn new(master: MasterKey, path: PathBuf, plain_allowed: bool) -> Vault {
        Vault {
            master: RwLock::new(master),
            path,
            by_id: RwLock::default(),
            by_scope: RwLock::default(),
            plain_allowed: std::sync::atomic::AtomicBool::new(plain_allowed),
        }
    }

    /// The master key's id.
    pub fn master_id(&self) -> String {
        self.master.read().expect("vault lock").id.clone()
    }

    /// Whether plain values may still be read.
    pub fn plain_allowed(&self) -> bool {
        self.plain_allowed
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// Refuses plain values from now on (every one has been sealed).
    pub fn forbid_plain(&self) {
        self.plain_allowed
            .store(false, std::sync::atomic::Ordering::Release);
    }

    /// The master key with id `id`: the one in memory, or (after a rotation by another
    /// process) the one now in the key file or its `.next` file.
    fn master_with_id(&self, id: &str) -> Result<MasterKey, String> {
        let current = self.master.read().expect("vault lock").clone();
        if current.id == id {
            return Ok(current);
        }
        for path in [self.path.clone(), next_path(&self.path)] {
            if let Ok(key) = MasterKey::read(&path) {
                if key.id == id {
                    *self.master.write().expect("vault lock") = key.clone();
                    return Ok(key);
                }
            }
        }
        Err(format!(
            "master key {id} is needed and neither {} nor {} holds it",
            self.path.display(),
            next_path(&self.path).display()
        ))
    }

    fn cache(&self, scope: Scope, key: DataKey) -> Arc<DataKey> {
        let key = Arc::new(key);
        self.by_id
            .write()
            .expect("vault lock")
            .insert(key.id, key.clone());
        self.by_scope
            .write()
            .expect("vault lock")
            .insert(scope, key.clone());
        key
    }
}

/// The `.next` file beside a master key file (written first by a rotation).
pub fn next_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".next");
    path.with_file_name(name)
}

/// The sealing operations of a transaction (see `db::Tx::vault`).
pub(crate) mod ops {
    use super::*;
    use crate::args;
    use crate::db::Tx;

    async fn master_id_in_db(tx: &mut Tx) -> ApiResult<Option<String>> {
        let sql = format!(
            "SELECT value FROM settings WHERE name = 'master_key_id'{}",
            tx.for_update()
        );
        let row: Option<(String,)> = tx.optional(sqlx::AssertSqlSafe(sql), args![]).await?;
        Ok(row.map(|(v,)| v))
    }

    /// The data key of `scope`, created (and sealed under the master key) on first use
    /// in a write transaction; `None` in a read transaction before its first use.
    async fn key_for(tx: &mut Tx, vault: &Vault, scope: Scope) -> ApiResult<Option<Arc<DataKey>>> {
        if let Some(k) = vault.by_scope.read().expect("vault lock").get(&scope) {
            return Ok(Some(k.clone()));
        }
        let name = scope.to_string();
        let found: Option<(i64, String, String)> = tx
            .optional(
                "SELECT id, wrapped, master_key_id FROM data_keys WHERE scope = $1",
                args![&name],
            )
            .await?;
        if let Some((id, wrapped, master)) = found {
            return open_data_key(vault, scope, id, &wrapped, &master).map(Some);
        }
        if !tx.writable() {
            return Ok(None);
        }
        // Sealed under the master key the database says is current (a rotation by another
        // process may have replaced the one in memory).
        let master = match master_id_in_db(tx).await? {
            Some(id) => vault.master_with_id(&id).map_err(ApiError::internal)?,
            None => vault.master.read().expect("vault lock").clone(),
        };
        let hex = Zeroizing::new(crypto_wasm::random::token(32).map_err(ApiError::internal)?);
        let wrapped = master.wrap(&name, &hex)?;
        let created: Option<(i64,)> = tx
            .optional(
                "INSERT INTO data_keys (scope, wrapped, master_key_id, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (scope) DO NOTHING RETURNING id",
                args![&name, wrapped, master.id(), crate::db::now()],
            )
            .await?;
        match created {
            Some((id,)) => Ok(Some(vault.cache(scope, DataKey::new(id, &hex)))),
            None => {
                let (id, wrapped, master): (i64, String, String) = tx
                    .one(
                        "SELECT id, wrapped, master_key_id FROM data_keys WHERE scope = $1",
                        args![&name],
                    )
                    .await?;
                open_data_key(vault, scope, id, &wrapped, &master).map(Some)
            }
        }
    }

    fn open_data_key(
        vault: &Vault,
        scope: Scope,
        id: i64,
        wrapped: &str,
        master: &str,
    ) -> ApiResult<Arc<DataKey>> {
        let master = vault.master_with_id(master).map_err(ApiError::internal)?;
        let hex = master
            .unwrap(&scope.to_string(), wrapped)
            .map_err(|e| ApiError::internal(format!("data key {id} cannot be opened: {e}")))?;
        Ok(vault.cache(scope, DataKey::new(id, &hex)))
    }

    /// The data key with id `id`.
    async fn key_by_id(tx: &mut Tx, vault: &Vault, id: i64) -> ApiResult<Option<Arc<DataKey>>> {
        if let Some(k) = vault.by_id.read().expect("vault lock").get(&id) {
            return Ok(Some(k.clone()));
        }
        let found: Option<(String, String, String)> = tx
            .optional(
                "SELECT scope, wrapped, master_key_id FROM data_keys WHERE id = $1",
                args![id],
            )
            .await?;
        let Some((scope, wrapped, master)) = found else {
            return Ok(None);
        };
        let scope = match scope.as_str() {
            "account" => Scope::Account,
            s => match s.strip_prefix("workspace:").and_then(|n| n.parse().ok()) {
                Some(n) => Scope::Workspace(n),
                None => return Err(ApiError::internal(format!("data key {id}: bad scope"))),
            },
        };
        open_data_key(vault, scope, id, &wrapped, &master).map(Some)
    }

    /// Seals `plain` for `place` under the data key of `scope`.
    pub async fn seal(
        tx: &mut Tx,
        vault: &Vault,
        scope: Scope,
        place: &Place,
        plain: &str,
    ) -> ApiResult<String> {
        let key = key_for(tx, vault, scope)
            .await?
            .ok_or_else(|| ApiError::internal("sealing needs a write transaction"))?;
        let env = key
            .keys
            .seal(&place.binding(), &key.id.to_string(), plain.as_bytes())
            .map_err(ApiError::internal)?;
        Ok(encode(&env))
    }

    /// Opens what is stored at `place`.
    pub async fn open(
        tx: &mut Tx,
        vault: &Vault,
        place: &Place,
        stored: &str,
    ) -> ApiResult<String> {
        try_open(tx, vault, place, stored)
            .await?
            .ok_or_else(|| unreadable(place))
    }

    /// Like [`open`], but a damaged or moved value is `None` (logged) rather than an
    /// error; errors are the database's only.
    pub async fn try_open(
        tx: &mut Tx,
        vault: &Vault,
        place: &Place,
        stored: &str,
    ) -> ApiResult<Option<String>> {
        let damaged = |why: &str| {
            log_unreadable(place, why);
            Ok(None)
        };
        let Some(env) = decode(stored) else {
            if !is_sealed(stored) && vault.plain_allowed() {
                return Ok(Some(stored.to_owned()));
            }
            return damaged("not a sealed value");
        };
        let Ok(id) = env.key_version.parse::<i64>() else {
            return damaged("bad key id");
        };
        let Some(key) = key_by_id(tx, vault, id).await? else {
            return damaged("unknown data key");
        };
        match key.keys.open(&place.binding(), &env) {
            Ok(text) => Ok(Some(text)),
            Err(_) => damaged("MAC or padding check failed"),
        }
    }

    /// The keyed hash of `value` for `purpose` under `scope`'s index key (hex).
    pub async fn blind(
        tx: &mut Tx,
        vault: &Vault,
        scope: Scope,
        purpose: &str,
        value: &str,
    ) -> ApiResult<String> {
        let Some(key) = key_for(tx, vault, scope).await? else {
            // Nothing was ever hashed under a key that does not exist: match nothing.
            return Ok("-".to_owned());
        };
        let mut m =
            <Hmac<Sha256> as Mac>::new_from_slice(&*key.index).expect("HMAC takes any key length");
        m.update(purpose.as_bytes());
        m.update(&[0]);
        m.update(value.as_bytes());
        Ok(m.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }

    /// Every data key re-sealed under `new` (in the caller's transaction).
    pub async fn rewrap_all(tx: &mut Tx, vault: &Vault, new: &MasterKey) -> ApiResult<usize> {
        let sql = format!(
            "SELECT id, scope, wrapped, master_key_id FROM data_keys ORDER BY id{}",
            tx.for_update()
        );
        let rows: Vec<(i64, String, String, String)> =
            tx.all(sqlx::AssertSqlSafe(sql), args![]).await?;
        for (id, scope, wrapped, master) in &rows {
            let old = vault.master_with_id(master).map_err(ApiError::internal)?;
            let hex = old
                .unwrap(scope, wrapped)
                .map_err(|e| ApiError::internal(format!("data key {id}: {e}")))?;
            tx.execute(
                "UPDATE data_keys SET wrapped = $2, master_key_id = $3 WHERE id = $1",
                args![*id, new.wrap(scope, &hex)?, new.id()],
            )
            .await?;
        }
        Ok(rows.len())
    }

    /// Records `id` as the current master key (in the caller's transaction).
    pub async fn set_master_id(tx: &mut Tx, id: &str) -> ApiResult<()> {
        master_id_in_db(tx).await?;
        tx.execute(
            "INSERT INTO settings (name, value) VALUES ('master_key_id', $1) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            args![id],
        )
        .await?;
        Ok(())
    }
}

/// Where the master key file is.
pub fn master_key_path(config: &crate::Config) -> PathBuf {
    config
        .master_key_file
        .clone()
        .unwrap_or_else(|| config.data_dir.join("master-key"))
}

/// `huddle-server rotate-master-key`: writes a new master key to `<file>.next`, seals
/// every data key under it in one transaction (recording it as current), then moves it
/// over the key file. A server running meanwhile keeps its unwrapped keys, and reads the
/// new key from `.next` or the file when it next needs one. Returns the new key's id.
pub async fn rotate_master_key(db: &crate::db::Db, path: &Path) -> Result<(String, usize), String> {
    let vault = db.vault().ok_or("no vault")?;
    let next = next_path(path);
    let new = match MasterKey::read(&next) {
        // A rotation that stopped before its end: go on with its key.
        Ok(k) => k,
        Err(_) => {
            let k = MasterKey::generate()?;
            k.write_new(&next)?;
            k
        }
    };
    let mut tx = db.write().await.map_err(|e| e.to_string())?;
    let n = ops::rewrap_all(&mut tx, vault, &new)
        .await
        .map_err(|e| e.message)?;
    ops::set_master_id(&mut tx, new.id())
        .await
        .map_err(|e| e.message)?;
    tx.commit().await.map_err(|e| e.to_string())?;
    std::fs::rename(&next, path).map_err(|e| {
        format!(
            "the data keys are sealed under the new key, but {} could not replace {}: {e} (move it by hand)",
            next.display(),
            path.display()
        )
    })?;
    Ok((new.id().to_owned(), n))
}

/// Loads the master key for `db` (see the module docs): from the key file if it exists;
/// else, for a database that holds no data key yet, a new one written there; else a
/// refusal that says where it looked.
pub async fn load(config: &crate::Config, db: &crate::db::Db) -> Result<Arc<Vault>, String> {
    use crate::args;
    let path = master_key_path(config);
    let fail = |e: sqlx::Error| format!("cannot read the database: {e}");
    let mut tx = db.read().await.map_err(fail)?;
    let (keys,): (i64,) = tx
        .one("SELECT count(*) FROM data_keys", args![])
        .await
        .map_err(fail)?;
    let current: Option<(String,)> = tx
        .optional(
            "SELECT value FROM settings WHERE name = 'master_key_id'",
            args![],
        )
        .await
        .map_err(fail)?;
    let sealed: Option<(String,)> = tx
        .optional(
            "SELECT value FROM settings WHERE name = 'plain_values'",
            args![],
        )
        .await
        .map_err(fail)?;
    drop(tx);
    let master = if path.exists() {
        MasterKey::read(&path)?
    } else if keys > 0 || current.is_some() {
        return Err(format!(
            "the database holds encrypted data, but its master key is missing: looked for {} \
             (set --master-key-file or HUDDLE_MASTER_KEY_FILE to where it is)",
            path.display()
        ));
    } else if config.master_key_file.is_some() {
        return Err(format!(
            "--master-key-file {}: no such file (a new installation without this option \
             creates DATA_DIR/master-key)",
            path.display()
        ));
    } else {
        let key = MasterKey::generate()?;
        match key.write_new(&path) {
            Ok(()) => {
                tracing::info!(path = %path.display(), "created a master key");
                key
            }
            // Another server sharing the data directory made it a moment ago.
            Err(_) if path.exists() => MasterKey::read(&path)?,
            Err(e) => return Err(e),
        }
    };
    let vault = Arc::new(Vault::new(
        master.clone(),
        path.clone(),
        sealed.is_none_or(|(v,)| v != "sealed"),
    ));
    match current {
        Some((id,)) if id != master.id() => {
            // A rotation that stopped between its commit and its rename: the key is in
            // `.next`.
            vault.master_with_id(&id).map_err(|_| {
                format!(
                    "{} holds master key {}, but this database's keys are sealed under {id}: \
                     use the key file that belongs to this database",
                    path.display(),
                    master.id()
                )
            })?;
        }
        Some(_) => {}
        None => {
            let mut tx = db.write().await.map_err(fail)?;
            ops::set_master_id(&mut tx, master.id())
                .await
                .map_err(|e| e.message)?;
            tx.commit().await.map_err(fail)?;
        }
    }
    Ok(vault)
}
