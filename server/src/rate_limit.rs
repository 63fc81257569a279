//! Sign-in limits that slow guessing down without locking anyone out.
//!
//! Every attempt counts, before its password is checked (so that parallel guesses cannot
//! all get through while the first ones are being hashed), against:
//! * the **account** (or, for a name that is no account, that name): [`ACCOUNT_FREE`]
//!   failures come free, then each next attempt waits twice as long as the one before
//!   (30 s, 1 min, 2 min, … up to [`MAX_DELAY`]);
//! * the **client** (its address, grouped: see `client_addr`): [`CLIENT_FREE`] failures,
//!   then the same growing delay, across all the accounts it tries;
//! * for the code of two-factor sign-in, the account's **second factor** (reached only
//!   with its password), with the account's allowance;
//! * instead of the account, a **known device**: a browser that has signed in to that
//!   account before carries a device cookie (see `device`) and is counted on its own
//!   ([`DEVICE_FREE`]), so a stranger's guesses at an account never keep its owner out on
//!   their own browser.
//!
//! A success forgets the account's and device's failures and takes back the client's
//! attempt. Failures are forgotten [`FORGET`] seconds after the last one. A refused
//! attempt (429 with `Retry-After`) costs no hash and counts nothing.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failures of an account before attempts are delayed.
pub const ACCOUNT_FREE: u32 = 5;
/// Failures of a client (over all accounts) before its attempts are delayed.
pub const CLIENT_FREE: u32 = 20;
/// Failures from a known device before its attempts are delayed.
pub const DEVICE_FREE: u32 = 10;
/// The first delay, in seconds (after the free failures).
pub const FIRST_DELAY: i64 = 30;
/// The longest delay between two attempts, in seconds.
pub const MAX_DELAY: i64 = 15 * 60;
/// Seconds after its last failure that a counter is forgotten.
pub const FORGET: i64 = 24 * 3600;
/// Counters kept at most (the oldest are dropped beyond it).
const MAX_ENTRIES: usize = 200_000;

/// Seconds to wait after the last of `failures` failures, when `free` come free.
pub fn delay(failures: u32, free: u32) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(20);
    (FIRST_DELAY << doublings).min(MAX_DELAY)
}

/// What an attempt counts against: a key and the failures it allows for free.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counter {
    /// E.g. `account:12`, `login:bob`, `client:192.0.2.1`, `device:…`.
    pub key: String,
    /// Failures before attempts are delayed.
    pub free: u32,
}

impl Counter {
    /// An account's counter (by id), or that of a name no account has.
    pub fn account(id: Option<i64>, login: &str) -> Counter {
        let key = match id {
            Some(id) => format!("account:{id}"),
            None => format!("login:{}", login.to_lowercase()),
        };
        Counter {
            key,
            free: ACCOUNT_FREE,
        }
    }

    /// A client's counter, by its address group.
    pub fn client(group: &str) -> Counter {
        Counter {
            key: format!("client:{group}"),
            free: CLIENT_FREE,
        }
    }

    /// The counter of second-factor codes for an account (reached only with its
    /// password).
    pub fn second_factor(user: i64) -> Counter {
        Counter {
            key: format!("second-factor:{user}"),
            free: ACCOUNT_FREE,
        }
    }

    /// The counter of password guesses at a Drive share link.
    pub fn share_link(id: i64) -> Counter {
        Counter {
            key: format!("share-link:{id}"),
            free: ACCOUNT_FREE,
        }
    }

    /// A known device's counter.
    pub fn device(id: &str) -> Counter {
        Counter {
            key: format!("device:{id}"),
            free: DEVICE_FREE,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    failures: u32,
    last: i64,
}

/// An attempt that was let through and counted (see [`SignInLimiter::reserve`]).
#[must_use]
#[derive(Debug)]
pub struct Attempt {
    counters: Vec<Counter>,
}

/// The counters, in memory (per process).
#[derive(Default)]
pub struct SignInLimiter {
    entries: Mutex<HashMap<String, Entry>>,
}

impl SignInLimiter {
    /// Lets an attempt through and counts it as a failure against each of `counters`, or
    /// answers how many seconds to wait first (counting nothing).
    pub fn reserve(&self, counters: Vec<Counter>, now: i64) -> Result<Attempt, i64> {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let wait = counters
            .iter()
            .filter_map(|c| {
                let e = map.get(&c.key)?;
                (now - e.last < FORGET).then(|| e.last + delay(e.failures, c.free) - now)
            })
            .max()
            .unwrap_or(0);
        if wait > 0 {
            return Err(wait);
        }
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, e| now - e.last < FORGET);
            if map.len() >= MAX_ENTRIES {
                // Still full (a flood of distinct names): forget the oldest half.
                let mut lasts: Vec<i64> = map.values().map(|e| e.last).collect();
                lasts.sort_unstable();
                let cut = lasts[lasts.len() / 2];
                map.retain(|_, e| e.last > cut);
            }
        }
        for c in &counters {
            let e = map.entry(c.key.clone()).or_insert(Entry {
                failures: 0,
                last: now,
            });
            if now - e.last >= FORGET {
                e.failures = 0;
            }
            e.failures = e.failures.saturating_add(1);
            e.last = now;
        }
        Ok(Attempt { counters })
    }

    /// The attempt succeeded: counters in `forget` are cleared, the others take the
    /// attempt back.
    pub fn succeeded(&self, attempt: Attempt, forget: &[&Counter]) {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for c in &attempt.counters {
            if forget.contains(&c) {
                map.remove(&c.key);
            } else if let Some(e) = map.get_mut(&c.key) {
                e.failures = e.failures.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        assert_eq!(delay(4, 5), 0);
        assert_eq!(delay(5, 5), 30);
        assert_eq!(delay(6, 5), 60);
        assert_eq!(delay(9, 5), 480);
        assert_eq!(delay(10, 5), MAX_DELAY);
        assert_eq!(delay(u32::MAX, 5), MAX_DELAY);
    }

    #[test]
    fn attempts_are_counted_before_they_are_checked() {
        let l = SignInLimiter::default();
        let alice = || vec![Counter::account(Some(1), "alice"), Counter::client("x")];
        // Five at once, none finished: all let through, the sixth waits.
        let held: Vec<Attempt> = (0..5).map(|_| l.reserve(alice(), 100).unwrap()).collect();
        assert_eq!(l.reserve(alice(), 100).unwrap_err(), 30);
        assert_eq!(l.reserve(alice(), 110).unwrap_err(), 20);
        assert_eq!(held.len(), 5);
        // After the delay, one more; then twice as long.
        let _ = l.reserve(alice(), 130).unwrap();
        assert_eq!(l.reserve(alice(), 130).unwrap_err(), 60);
        // Forgotten a day after the last failure.
        let _ = l.reserve(alice(), 130 + FORGET).unwrap();
    }

    #[test]
    fn a_success_clears_the_account_and_takes_back_the_client_attempt() {
        let l = SignInLimiter::default();
        let account = Counter::account(Some(1), "alice");
        let client = Counter::client("x");
        for _ in 0..4 {
            let _ = l
                .reserve(vec![account.clone(), client.clone()], 10)
                .unwrap();
        }
        let ok = l
            .reserve(vec![account.clone(), client.clone()], 10)
            .unwrap();
        l.succeeded(ok, &[&account]);
        let map = l.entries.lock().unwrap();
        assert!(!map.contains_key(&account.key));
        assert_eq!(map[&client.key].failures, 4);
    }

    #[test]
    fn a_known_device_is_not_held_up_by_guesses_at_its_account() {
        let l = SignInLimiter::default();
        let account = Counter::account(Some(1), "alice");
        for i in 0..30 {
            let _ = l.reserve(vec![account.clone(), Counter::client(&format!("c{i}"))], 50);
        }
        assert!(l.reserve(vec![account.clone()], 50).is_err());
        // The owner's browser counts on its own device counter, not the account's.
        let own = vec![Counter::device("d1"), Counter::client("home")];
        assert!(l.reserve(own, 50).is_ok());
    }

    #[test]
    fn names_no_account_has_are_counted_too() {
        let a = Counter::account(None, "Nobody");
        assert_eq!(a.key, "login:nobody");
        assert_eq!(Counter::account(Some(7), "nobody").key, "account:7");
    }
}
