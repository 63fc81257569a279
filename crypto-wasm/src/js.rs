//! The JavaScript API of the npm package (`wasm-bindgen` exports, camelCase names).
//!
//! Every failure is thrown as a JS `Error` named `CryptoError` with a readable message
//! and a stable `code` property (see [`crate::Error::code`]); nothing here panics on
//! input, so nothing traps.

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::envelope::{Envelope, Format, RawEnvelope};
use crate::{random, Error, RoomKeyring};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A Twake-compatible, unauthenticated envelope. */
export interface EnvelopeV0 {
  /** Base64 AES-256-CBC ciphertext. */
  encrypted: string;
  /** Hex IV (16 bytes). */
  iv: string;
  /** Hex PBKDF2 salt (256 bytes). */
  salt: string;
  key_version: string;
}
/** An authenticated envelope (AES-256-CBC + HMAC-SHA256, bound to room and key version). */
export interface EnvelopeV1 {
  v: 1;
  key_version: string;
  /** Base64 IV (16 bytes). */
  iv: string;
  /** Base64 ciphertext. */
  encrypted: string;
  /** Base64 HMAC-SHA256 tag (32 bytes). */
  mac: string;
}
export type Envelope = EnvelopeV0 | EnvelopeV1;
export type EnvelopeFormat = "v0" | "v1";
export interface EncryptOptions {
  /** Defaults to "v1". */
  format?: EnvelopeFormat;
  /** The room the envelope is for; bound into v1 envelopes. Defaults to "". */
  room?: string;
}
export interface DecryptOptions {
  /** The room the envelope must be for (v1). Defaults to "". */
  room?: string;
}
export interface RoomKeyringOptions {
  /** How many keys to keep, newest first (default 8), so messages sealed just before a rotation still open. */
  retain?: number;
  /** Also open unauthenticated Twake (v0) envelopes (default false: they throw V0_REJECTED). */
  acceptV0?: boolean;
}
export interface CurrentKey {
  version: string;
  key: string;
}
/** The keys of one segmented file. */
export interface SegmentKeyOptions {
  /** The file's own random key: 32 bytes (e.g. `randomBytes(32)`), for this one file only. */
  fileKey: Uint8Array;
  /** What the file is (its id, its version): bound into every segment. */
  context: string;
  /** The installation's salt, mixed into the keys by HKDF (default: none). */
  salt?: Uint8Array;
}
/** Errors thrown by this package: `err.name === "CryptoError"`, `err.code` is stable. */
export interface CryptoError extends Error {
  name: "CryptoError";
  code: "KEY_LENGTH" | "IV_LENGTH" | "CIPHERTEXT_LENGTH" | "BAD_PADDING" | "BAD_MAC" | "NOT_UTF8"
      | "BAD_ENVELOPE" | "UNKNOWN_FORMAT" | "UNKNOWN_KEY_VERSION" | "NO_KEY" | "V0_REJECTED"
      | "BAD_SEGMENT" | "TRUNCATED" | "BAD_ARGUMENT" | "RANDOM";
}
"#;

fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("CryptoError");
    let _ = Reflect::set(&err, &"code".into(), &e.code().into());
    err.into()
}

fn arg_error(msg: String) -> JsValue {
    js_error(Error::Argument(msg))
}

/// A string argument. Taken as `JsValue` because the glue does not type-check `&str`
/// parameters: a number or object there would reach wasm as a bogus buffer.
fn string_arg(v: &JsValue, what: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| arg_error(format!("{what} must be a string")))
}

fn count(n: f64, what: &str, max: usize) -> Result<usize, JsValue> {
    if n.is_finite() && n.fract() == 0.0 && n >= 0.0 && n <= max as f64 {
        Ok(n as usize)
    } else {
        Err(arg_error(format!(
            "{what} must be a whole number from 0 to {max}, got {n}"
        )))
    }
}

/// `n` random bytes from the platform CSPRNG (`crypto.getRandomValues`).
#[wasm_bindgen(js_name = randomBytes)]
pub fn random_bytes(n: f64) -> Result<Vec<u8>, JsValue> {
    random::bytes(count(n, "randomBytes: n", random::MAX_RANDOM_BYTES)?).map_err(js_error)
}

/// A random token: `bytes` (default 32) random bytes as lowercase hex.
#[wasm_bindgen(js_name = randomToken)]
pub fn random_token(bytes: Option<f64>) -> Result<String, JsValue> {
    let n = count(
        bytes.unwrap_or(32.0),
        "randomToken: bytes",
        random::MAX_TOKEN_BYTES,
    )?;
    random::token(n).map_err(js_error)
}

/// A random version 4 UUID (lowercase).
#[wasm_bindgen(js_name = randomUuid)]
pub fn random_uuid() -> Result<String, JsValue> {
    random::uuid_v4().map_err(js_error)
}

/// Which AES core this build runs: `"vperm-relaxed-simd"` (WebAssembly relaxed SIMD,
/// chosen at load time where the engine has it), `"vperm-simd128"` (WebAssembly SIMD), or
/// `"rustcrypto"` (other targets). Both vector-permute builds give identical results.
#[wasm_bindgen(js_name = aesBackend)]
pub fn aes_backend() -> String {
    crate::cbc::BACKEND.to_owned()
}

/// AES-CBC encryption with PKCS#7 padding; AES-128/192/256 by key length (16/24/32).
#[wasm_bindgen(js_name = aesCbcEncrypt)]
pub fn aes_cbc_encrypt(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, JsValue> {
    crate::cbc::encrypt(key, iv, plaintext).map_err(js_error)
}

/// AES-CBC decryption, checking and removing PKCS#7 padding.
#[wasm_bindgen(js_name = aesCbcDecrypt)]
pub fn aes_cbc_decrypt(
    key: &[u8],
    iv: &[u8],
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ciphertext: Vec<u8>,
) -> Result<Vec<u8>, JsValue> {
    // By value: the copy the glue makes into wasm memory is decrypted in place.
    crate::cbc::decrypt_owned(key, iv, ciphertext).map_err(js_error)
}

/// Twake's key mixing: `sha256_hex(keyA + keyB)`; a new room's first key is
/// `mixKeys("", keyB)`.
#[wasm_bindgen(js_name = mixKeys)]
pub fn mix_keys(
    #[wasm_bindgen(js_name = keyA, unchecked_param_type = "string")] key_a: JsValue,
    #[wasm_bindgen(js_name = keyB, unchecked_param_type = "string")] key_b: JsValue,
) -> Result<String, JsValue> {
    Ok(crate::mix_keys(
        &string_arg(&key_a, "mixKeys: keyA")?,
        &string_arg(&key_b, "mixKeys: keyB")?,
    ))
}

/// Forgets the room keys (and derived keys) cached by `encryptEnvelope` and
/// `decryptEnvelope`. Keyrings keep their own keys until freed.
#[wasm_bindgen(js_name = clearKeyCache)]
pub fn clear_key_cache() {
    crate::clear_key_cache();
}

/// The property names read from envelopes, as JS strings made once: making one per read
/// costs a string decode and two calls across the wasm boundary.
struct Names {
    v: JsValue,
    encrypted: JsValue,
    iv: JsValue,
    salt: JsValue,
    mac: JsValue,
    key_version: JsValue,
}

thread_local! {
    static NAMES: Names = Names {
        v: "v".into(),
        encrypted: "encrypted".into(),
        iv: "iv".into(),
        salt: "salt".into(),
        mac: "mac".into(),
        key_version: "key_version".into(),
    };
}

/// Reads an optional string property.
fn opt_string(obj: &JsValue, name: &str, what: &str) -> Result<Option<String>, JsValue> {
    opt_string_at(obj, &name.into(), name, what)
}

/// [`opt_string`] with the property name already a JS string.
fn opt_string_at(
    obj: &JsValue,
    key: &JsValue,
    name: &str,
    what: &str,
) -> Result<Option<String>, JsValue> {
    let v = Reflect::get(obj, key).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| js_error(Error::Envelope(format!("{what} `{name}` must be a string"))))
}

fn is_object(v: &JsValue) -> bool {
    v.is_object() && !v.is_null()
}

fn options_string(options: &JsValue, name: &str) -> Result<Option<String>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !is_object(options) {
        return Err(arg_error("options must be an object".into()));
    }
    opt_string(options, name, "option")
        .map_err(|_| arg_error(format!("option `{name}` must be a string")))
}

fn format_option(options: &JsValue) -> Result<Format, JsValue> {
    parse_format(options_string(options, "format")?)
}

fn parse_format(f: Option<String>) -> Result<Format, JsValue> {
    match f.as_deref() {
        None => Ok(Format::V1),
        Some(s) => s
            .parse()
            .map_err(|_| arg_error(format!("format must be \"v0\" or \"v1\", got {s:?}"))),
    }
}

/// Converts a JS envelope (object, or its JSON text) to a validated [`Envelope`].
fn envelope_from_js(value: &JsValue) -> Result<Envelope, JsValue> {
    let obj = match value.as_string() {
        Some(text) => JSON::parse(&text)
            .map_err(|_| js_error(Error::Envelope("envelope text is not JSON".into())))?,
        None => value.clone(),
    };
    if !is_object(&obj) || Array::is_array(&obj) {
        return Err(js_error(Error::Envelope(
            "expected an envelope object or its JSON text".into(),
        )));
    }
    NAMES.with(|names| read_envelope(&obj, names))
}

fn read_envelope(obj: &JsValue, names: &Names) -> Result<Envelope, JsValue> {
    let v = Reflect::get(obj, &names.v).unwrap_or(JsValue::UNDEFINED);
    let v = if v.is_undefined() || v.is_null() {
        None
    } else {
        Some(
            v.as_f64()
                .ok_or_else(|| js_error(Error::Envelope("field `v` must be a number".into())))?,
        )
    };
    let field = |key: &JsValue, name: &str| opt_string_at(obj, key, name, "field");
    let raw = RawEnvelope {
        v,
        encrypted: field(&names.encrypted, "encrypted")?,
        iv: field(&names.iv, "iv")?,
        salt: field(&names.salt, "salt")?,
        mac: field(&names.mac, "mac")?,
        key_version: field(&names.key_version, "key_version")?,
    };
    Envelope::try_from(raw).map_err(js_error)
}

/// Appends `s` as a JSON string literal.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
    } else {
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

/// The envelope as a plain JS object, fields in their documented order.
///
/// Setting each field across the wasm boundary costs two strings and a call per field,
/// more than sealing a short message; so the object comes from one `JSON.parse` of
/// text built here. The ciphertext, which may be megabytes, is not in that text (it
/// would be scanned twice more): it is set afterwards, into the place its empty
/// placeholder holds in the field order.
fn envelope_to_js(env: &Envelope) -> Result<JsValue, JsValue> {
    let (fields, encrypted): (&[(&str, &str)], &str) = match env {
        Envelope::V0(e) => (
            &[
                ("encrypted", ""),
                ("iv", &e.iv),
                ("salt", &e.salt),
                ("key_version", &e.key_version),
            ],
            &e.encrypted,
        ),
        Envelope::V1(e) => (
            &[
                ("key_version", &e.key_version),
                ("iv", &e.iv),
                ("encrypted", ""),
                ("mac", &e.mac),
            ],
            &e.encrypted,
        ),
    };
    let mut text = String::with_capacity(
        fields
            .iter()
            .map(|(k, v)| k.len() + v.len() + 6)
            .sum::<usize>()
            + 16,
    );
    text.push('{');
    if let Envelope::V1(e) = env {
        text.push_str(&format!("\"v\":{},", e.v));
    }
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        push_json_string(&mut text, k);
        text.push(':');
        push_json_string(&mut text, v);
    }
    text.push('}');
    let failed = |_| {
        js_error(Error::Envelope(
            "could not build the envelope object".into(),
        ))
    };
    let obj = JSON::parse(&text).map_err(failed)?;
    NAMES
        .with(|names| Reflect::set(&obj, &names.encrypted, &encrypted.into()))
        .map_err(failed)?;
    Ok(obj)
}

/// Seals `plaintext` under room key `key` as key version `keyVersion`.
/// `options.format` is `"v1"` (default, authenticated) or `"v0"` (Twake-compatible);
/// `options.room` is bound into v1 envelopes.
#[wasm_bindgen(js_name = encryptEnvelope, unchecked_return_type = "Envelope")]
pub fn encrypt_envelope(
    #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    #[wasm_bindgen(js_name = keyVersion, unchecked_param_type = "string")] key_version: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] plaintext: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "EncryptOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let key = string_arg(&key, "encryptEnvelope: key")?;
    let key_version = string_arg(&key_version, "encryptEnvelope: keyVersion")?;
    let plaintext = string_arg(&plaintext, "encryptEnvelope: plaintext")?;
    let format = format_option(&options)?;
    let room = options_string(&options, "room")?.unwrap_or_default();
    crate::seal(&key, &key_version, &plaintext, format, &room)
        .map_err(js_error)
        .and_then(|e| envelope_to_js(&e))
}

/// Opens an envelope (object or JSON text) of either format with room key `key`.
/// A v1 envelope must have been sealed for `options.room` (default `""`).
#[wasm_bindgen(js_name = decryptEnvelope)]
pub fn decrypt_envelope(
    #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Envelope | string")] envelope: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "DecryptOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let key = string_arg(&key, "decryptEnvelope: key")?;
    let room = options_string(&options, "room")?.unwrap_or_default();
    let env = envelope_from_js(&envelope)?;
    crate::open(&key, &env, &room).map_err(js_error)
}

/// The client side of room key rotation for one room: seal with the newest key, open
/// with whichever retained key an envelope names.
#[wasm_bindgen(js_name = RoomKeyring)]
pub struct JsRoomKeyring {
    inner: RoomKeyring,
}

#[wasm_bindgen(js_class = RoomKeyring)]
impl JsRoomKeyring {
    /// A keyring for `room`. `options.retain` (default 8) is how many keys it keeps;
    /// `options.acceptV0` (default false) lets it open unauthenticated Twake envelopes.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] room: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RoomKeyringOptions")] options: JsValue,
    ) -> Result<JsRoomKeyring, JsValue> {
        let room = string_arg(&room, "RoomKeyring: room")?;
        let mut retain = crate::keyring::DEFAULT_RETAIN;
        let mut accept_v0 = false;
        if !(options.is_undefined() || options.is_null()) {
            if !is_object(&options) {
                return Err(arg_error("RoomKeyring: options must be an object".into()));
            }
            let r = Reflect::get(&options, &"retain".into()).unwrap_or(JsValue::UNDEFINED);
            if !r.is_undefined() {
                let n = r.as_f64().ok_or_else(|| {
                    arg_error("RoomKeyring: option `retain` must be a number".into())
                })?;
                retain = count(n, "RoomKeyring: retain", 1024)?.max(1);
            }
            let a = Reflect::get(&options, &"acceptV0".into()).unwrap_or(JsValue::UNDEFINED);
            if !a.is_undefined() {
                accept_v0 = a.as_bool().ok_or_else(|| {
                    arg_error("RoomKeyring: option `acceptV0` must be a boolean".into())
                })?;
            }
        }
        Ok(JsRoomKeyring {
            inner: RoomKeyring::with_options(&room, retain, accept_v0),
        })
    }

    /// The room this keyring seals for.
    #[wasm_bindgen(getter)]
    pub fn room(&self) -> String {
        self.inner.room().to_owned()
    }

    /// Installs a key received from the server (over HTTPS) as the newest.
    #[wasm_bindgen(js_name = setKey)]
    pub fn set_key(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] version: JsValue,
    ) -> Result<(), JsValue> {
        let key = string_arg(&key, "setKey: key")?;
        let version = string_arg(&version, "setKey: version")?;
        self.inner.set_key(&key, &version).map_err(js_error)
    }

    /// Mixes key part `keyB` into the newest key and installs the result as `version`.
    #[wasm_bindgen(js_name = addKeyPart)]
    pub fn add_key_part(
        &mut self,
        #[wasm_bindgen(js_name = keyB, unchecked_param_type = "string")] key_b: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] version: JsValue,
    ) -> Result<(), JsValue> {
        let key_b = string_arg(&key_b, "addKeyPart: keyB")?;
        let version = string_arg(&version, "addKeyPart: version")?;
        self.inner.add_key_part(&key_b, &version).map_err(js_error)
    }

    /// Seals `plaintext` with the newest key (`format` defaults to `"v1"`).
    #[wasm_bindgen(unchecked_return_type = "Envelope")]
    pub fn encrypt(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] plaintext: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EnvelopeFormat")] format: JsValue,
    ) -> Result<JsValue, JsValue> {
        let plaintext = string_arg(&plaintext, "encrypt: plaintext")?;
        let format = if format.is_undefined() || format.is_null() {
            None
        } else {
            Some(string_arg(&format, "encrypt: format")?)
        };
        let format = parse_format(format)?;
        self.inner
            .encrypt(&plaintext, format)
            .map_err(js_error)
            .and_then(|e| envelope_to_js(&e))
    }

    /// Opens an envelope (object or JSON text) with the key its `key_version` names.
    pub fn decrypt(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Envelope | string")] envelope: JsValue,
    ) -> Result<String, JsValue> {
        let env = envelope_from_js(&envelope)?;
        self.inner.decrypt(&env).map_err(js_error)
    }

    /// The newest key and its version, or `undefined` before the first key.
    #[wasm_bindgen(unchecked_return_type = "CurrentKey | undefined")]
    pub fn current(&self) -> JsValue {
        match self.inner.current() {
            None => JsValue::UNDEFINED,
            Some((version, key)) => {
                let o = Object::new();
                let _ = Reflect::set(&o, &"version".into(), &version.into());
                let _ = Reflect::set(&o, &"key".into(), &key.into());
                o.into()
            }
        }
    }

    /// The key versions held, oldest first.
    pub fn versions(&self) -> Vec<String> {
        self.inner.versions()
    }
}

fn segment_keys(options: &JsValue, what: &str) -> Result<(crate::segments::Keys, String), JsValue> {
    if !is_object(options) {
        return Err(arg_error(format!("{what}: options must be an object")));
    }
    let bytes = |name: &str, required: bool| -> Result<Vec<u8>, JsValue> {
        let v = Reflect::get(options, &name.into()).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() && !required {
            return Ok(Vec::new());
        }
        v.dyn_ref::<js_sys::Uint8Array>()
            .map(|a| a.to_vec())
            .ok_or_else(|| arg_error(format!("{what}: option `{name}` must be a Uint8Array")))
    };
    let file_key = zeroize::Zeroizing::new(bytes("fileKey", true)?);
    let salt = bytes("salt", false)?;
    let context = Reflect::get(options, &"context".into()).unwrap_or(JsValue::UNDEFINED);
    let context = string_arg(&context, &format!("{what}: option `context`"))?;
    let keys = crate::segments::Keys::derive(&file_key, &salt).map_err(js_error)?;
    Ok((keys, context))
}

/// Encrypts a file as it comes, in authenticated 64 KiB segments (see `docs/protocol.md`):
/// `push` each chunk and store what it returns, then store what `finish` returns.
#[wasm_bindgen(js_name = SegmentEncryptor)]
pub struct JsSegmentEncryptor {
    inner: crate::segments::Encryptor,
}

#[wasm_bindgen(js_class = SegmentEncryptor)]
impl JsSegmentEncryptor {
    /// An encryptor for one file.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SegmentKeyOptions")] options: JsValue,
    ) -> Result<JsSegmentEncryptor, JsValue> {
        let (keys, context) = segment_keys(&options, "SegmentEncryptor")?;
        let inner = crate::segments::Encryptor::new(keys, context.as_bytes()).map_err(js_error)?;
        Ok(JsSegmentEncryptor { inner })
    }

    /// Takes the next plaintext bytes; returns the sealed bytes ready to be stored (may
    /// be empty: a segment is sealed once it is known not to be the last).
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>, JsValue> {
        self.inner.push(data).map_err(js_error)
    }

    /// Ends the file; returns its last sealed bytes.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        self.inner.finish().map_err(js_error)
    }

    /// How many plaintext bytes it has taken so far.
    #[wasm_bindgen(getter)]
    pub fn position(&self) -> f64 {
        self.inner.position() as f64
    }
}

/// Decrypts a segmented file as it comes: `push` each stored chunk, then `finish`, which
/// throws `BAD_SEGMENT` if the file was cut short. Only authenticated plaintext is ever
/// returned, and after an error every call throws.
#[wasm_bindgen(js_name = SegmentDecryptor)]
pub struct JsSegmentDecryptor {
    inner: crate::segments::Decryptor,
}

#[wasm_bindgen(js_class = SegmentDecryptor)]
impl JsSegmentDecryptor {
    /// A decryptor for one file, with the keys and context it was sealed with.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SegmentKeyOptions")] options: JsValue,
    ) -> Result<JsSegmentDecryptor, JsValue> {
        let (keys, context) = segment_keys(&options, "SegmentDecryptor")?;
        let inner = crate::segments::Decryptor::new(keys, context.as_bytes()).map_err(js_error)?;
        Ok(JsSegmentDecryptor { inner })
    }

    /// Takes the next stored bytes; returns the plaintext of the segments it could
    /// authenticate (may be empty).
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>, JsValue> {
        self.inner.push(data).map_err(js_error)
    }

    /// Ends the file; returns the plaintext of its last segment.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        self.inner.finish().map_err(js_error)
    }
}

/// The stored size of a segmented file of `length` plaintext bytes.
#[wasm_bindgen(js_name = segmentedLength)]
pub fn segmented_length(length: f64) -> Result<f64, JsValue> {
    // Up to 2^50 bytes, so that the stored size is still a whole number in a double.
    const MAX: f64 = (1u64 << 50) as f64;
    if !(length.is_finite() && length.fract() == 0.0 && (0.0..=MAX).contains(&length)) {
        return Err(arg_error(format!(
            "segmentedLength: length must be a whole number from 0 to 2^50, got {length}"
        )));
    }
    Ok(crate::segments::stored_len(length as u64) as f64)
}
