//! Sign-in rate limiting: after [`MAX_FAILURES`] failed attempts for one account name or
//! from one client address within [`WINDOW_SECS`], further attempts are refused with 429
//! until the window passes.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failures allowed per window.
pub const MAX_FAILURES: u32 = 10;
/// Window length.
pub const WINDOW_SECS: i64 = 15 * 60;

/// Failure counters, in memory.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl LoginLimiter {
    /// Seconds to wait if any of `keys` is over the limit.
    pub fn retry_after(&self, keys: &[String], now: i64) -> Option<i64> {
        let map = self.failures.lock().ok()?;
        keys.iter()
            .filter_map(|k| map.get(k))
            .filter(|(n, start)| *n >= MAX_FAILURES && now - start < WINDOW_SECS)
            .map(|(_, start)| WINDOW_SECS - (now - start))
            .max()
    }

    /// Records a failure for each of `keys`.
    pub fn fail(&self, keys: &[String], now: i64) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() > 100_000 {
                map.retain(|_, (_, start)| now - *start < WINDOW_SECS);
            }
            for k in keys {
                let e = map.entry(k.clone()).or_insert((0, now));
                if now - e.1 >= WINDOW_SECS {
                    *e = (0, now);
                }
                e.0 += 1;
            }
        }
    }

    /// Forgets the failures of `keys` (after a successful sign-in).
    pub fn succeed(&self, keys: &[String]) {
        if let Ok(mut map) = self.failures.lock() {
            for k in keys {
                map.remove(k);
            }
        }
    }
}
