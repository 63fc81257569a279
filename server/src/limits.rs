//! Rate limits on costly requests (token buckets from `governor`, in memory, per
//! process): sign-ups per client (each costs a 600,000-round hash), confirmation links
//! followed per client, mail to one address (sign-up must not become a way to flood
//! someone's inbox; over the limit no mail goes, and the answer is the same), passkey sign-ins
//! started per client (each keeps a ceremony in the database), room joins per
//! person (each rotates a room key and pushes a key part to every member), and frames a
//! relay connection may publish (see `realtime::ws`). Sign-in has its own limiter
//! (`rate_limit`). A refused request answers 429 `RATE_LIMITED` with `Retry-After`.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// Sign-ups a client may make at once …
pub const SIGNUP_BURST: u32 = 20;
/// … and then one per this many seconds.
pub const SIGNUP_EVERY_SECS: u64 = 180;
/// Confirmation links a client may follow at once …
pub const VERIFY_BURST: u32 = 20;
/// … and then one per this many seconds.
pub const VERIFY_EVERY_SECS: u64 = 3;
/// Mails to one address at once …
pub const MAIL_BURST: u32 = 3;
/// … and then one per this many seconds.
pub const MAIL_EVERY_SECS: u64 = 600;
/// Room joins a person may make at once …
pub const JOIN_BURST: u32 = 60;
/// … and then this many per second.
pub const JOINS_PER_SEC: u32 = 2;
/// Passkey sign-ins a client may start at once …
pub const PASSKEY_BURST: u32 = 30;
/// … and then this many per second (each keeps a ceremony for five minutes).
pub const PASSKEYS_PER_SEC: u32 = 1;
/// Frames a relay connection may publish at once …
pub const PUBLISH_BURST: u32 = 40;
/// … and then this many per second.
pub const PUBLISHES_PER_SEC: u32 = 10;
/// Keys kept before idle ones are dropped.
const PRUNE_AT: usize = 10_000;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// The limiters of an API process.
pub struct Limits {
    signup: DefaultKeyedRateLimiter<String>,
    verify: DefaultKeyedRateLimiter<String>,
    mail: DefaultKeyedRateLimiter<String>,
    join: DefaultKeyedRateLimiter<i64>,
    passkey: DefaultKeyedRateLimiter<String>,
}

impl Default for Limits {
    fn default() -> Self {
        let every = |secs, burst| {
            Quota::with_period(Duration::from_secs(secs))
                .expect("a non-zero period")
                .allow_burst(nz(burst))
        };
        let signup = every(SIGNUP_EVERY_SECS, SIGNUP_BURST);
        let join = Quota::per_second(nz(JOINS_PER_SEC)).allow_burst(nz(JOIN_BURST));
        let passkey = Quota::per_second(nz(PASSKEYS_PER_SEC)).allow_burst(nz(PASSKEY_BURST));
        Limits {
            signup: RateLimiter::keyed(signup),
            verify: RateLimiter::keyed(every(VERIFY_EVERY_SECS, VERIFY_BURST)),
            mail: RateLimiter::keyed(every(MAIL_EVERY_SECS, MAIL_BURST)),
            join: RateLimiter::keyed(join),
            passkey: RateLimiter::keyed(passkey),
        }
    }
}

/// The 429 error for a wait of `wait`.
pub fn too_many(wait: Duration, what: &str) -> ApiError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ApiError::rate_limited(i64::try_from(secs).unwrap_or(i64::MAX), what)
}

fn check<K: Clone + std::hash::Hash + Eq>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    what: &str,
) -> Result<(), ApiError> {
    if limiter.len() > PRUNE_AT {
        limiter.retain_recent();
    }
    limiter
        .check_key(key)
        .map_err(|n| too_many(n.wait_time_from(DefaultClock::default().now()), what))
}

impl Limits {
    /// One more sign-up from the client group `client`.
    pub fn signup(&self, client: &str) -> Result<(), ApiError> {
        check(
            &self.signup,
            &client.to_owned(),
            "sign-ups from this address",
        )
    }

    /// One more confirmation link followed from the client group `client`.
    pub fn signup_verify(&self, client: &str) -> Result<(), ApiError> {
        check(
            &self.verify,
            &client.to_owned(),
            "confirmation links from this address",
        )
    }

    /// Whether one more mail may go to `address` (compared without case).
    pub fn mail_to(&self, address: &str) -> bool {
        check(&self.mail, &address.to_lowercase(), "mail").is_ok()
    }

    /// One more passkey sign-in started from the client group `client`.
    pub fn passkey_signin(&self, client: &str) -> Result<(), ApiError> {
        check(
            &self.passkey,
            &client.to_owned(),
            "passkey sign-ins from this address",
        )
    }

    /// One more room join by `user`.
    pub fn join(&self, user: i64) -> Result<(), ApiError> {
        check(&self.join, &user, "room joins")
    }
}

/// A relay connection's publish allowance.
pub fn publisher() -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::per_second(nz(PUBLISHES_PER_SEC)).allow_burst(nz(PUBLISH_BURST)))
}
