//! Where a list or a task goes among its siblings: a rank, a key between the ranks of
//! its new neighbours, so that a move changes one row. Ranks are fractional indexes
//! written with the 62 digits `0-9A-Za-z` (in ASCII order, so that ranks compare byte by
//! byte), never empty and never ending in `0`: between any two there is always another.
//! A rank after the last one increments it, one before the first decrements it (a digit
//! more every 61 additions at an end); a rank between two neighbours is their midpoint
//! (a digit more about every six moves into one gap). When ranks grow long (many moves into one gap) or a stored one is
//! unreadable, every sibling gets a new rank, spread out evenly, in the same transaction
//! as the move.
//!
//! (The `fractional_index` crate was tried first: its `new_between` computes
//! `right[i] - 1` on bytes and overflows when the upper bound holds a zero byte, which
//! its own `new_before` makes: a panic in debug builds, a rank that is not between its
//! bounds in release builds.)

/// The digits, in ascending order (ASCII order too).
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The longest rank kept: a longer one spreads the siblings out again. Halving a gap
/// adds a digit about every six moves; spread ranks are at most 4 digits up to 900,000
/// siblings.
pub const MAX_LEN: usize = 48;

fn value(d: u8) -> usize {
    match d {
        b'0'..=b'9' => (d - b'0') as usize,
        b'A'..=b'Z' => (d - b'A') as usize + 10,
        b'a'..=b'z' => (d - b'a') as usize + 36,
        _ => unreachable!("checked by `valid`"),
    }
}

/// Whether `r` is a rank: digits only, not empty, not ending in `0`.
pub fn valid(r: &str) -> bool {
    !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric()) && !r.ends_with('0')
}

/// A key strictly between `a` (`""`: before everything) and `b` (`None`: after
/// everything); `a < b`, neither ends in `0`.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> Vec<u8> {
    if let Some(b) = b {
        // The prefix they share (`a` read as if followed by zeros) stays.
        let n = (0..b.len())
            .take_while(|&i| a.get(i).copied().unwrap_or(b'0') == b[i])
            .count();
        if n > 0 {
            let mut out = b[..n].to_vec();
            out.extend(midpoint(a.get(n..).unwrap_or(&[]), Some(&b[n..])));
            return out;
        }
    }
    let da = a.first().map_or(0, |&d| value(d));
    let db = b.map_or(DIGITS.len(), |b| value(b[0]));
    if db - da > 1 {
        return vec![DIGITS[(da + db) / 2]];
    }
    match b {
        // `b`'s first digit alone is below `b` and above `a`.
        Some(b) if b.len() > 1 => vec![b[0]],
        _ => {
            let mut out = vec![DIGITS[da]];
            out.extend(midpoint(a.get(1..).unwrap_or(&[]), None));
            out
        }
    }
}

/// The shortest simple key above `a`: its last digit below `z` plus one, what follows
/// dropped (`"k5"` → `"k6"`, `"kzz"` → `"l"`), or `a` and a `1` (`"zz"` → `"zz1"`).
fn increment(a: &[u8]) -> Vec<u8> {
    for i in (0..a.len()).rev() {
        let d = value(a[i]);
        if d + 1 < DIGITS.len() {
            let mut out = a[..i].to_vec();
            out.push(DIGITS[d + 1]);
            return out;
        }
    }
    let mut out = a.to_vec();
    out.push(b'1');
    out
}

/// A short key below `b` (and above nothing): `"V"` → `"U"`, `"1x"` → `"1"`, `"1"` →
/// `"0z"`, `"0z"` → `"0y"`.
fn decrement(b: &[u8]) -> Vec<u8> {
    match value(b[0]) {
        d if d >= 2 => vec![DIGITS[d - 1]],
        1 if b.len() > 1 => vec![b'1'],
        1 => b"0z".to_vec(),
        _ => {
            let mut out = vec![b'0'];
            out.extend(decrement(&b[1..]));
            out
        }
    }
}

/// The rank between `lower` and `upper` (either absent: no bound on that side), or
/// `None` if a bound is not a rank, they are out of order, or the result would be longer
/// than [`MAX_LEN`]: then [`spread`] the siblings.
pub fn between(lower: Option<&str>, upper: Option<&str>) -> Option<String> {
    if !lower.is_none_or(valid) || !upper.is_none_or(valid) {
        return None;
    }
    let rank = match (lower, upper) {
        (None, None) => vec![DIGITS[DIGITS.len() / 2]],
        (Some(a), None) => increment(a.as_bytes()),
        (None, Some(b)) => decrement(b.as_bytes()),
        (Some(a), Some(b)) if a < b => midpoint(a.as_bytes(), Some(b.as_bytes())),
        _ => return None,
    };
    let rank = String::from_utf8(rank).expect("digits");
    (rank.len() <= MAX_LEN).then_some(rank)
}

/// `n` ranks in order, evenly spread, as short as `n` allows.
pub fn spread(n: usize) -> Vec<String> {
    let base = DIGITS.len() as u128;
    // Room for about 16 halvings of each gap before ranks grow past their width.
    let mut width = 1u32;
    while base.pow(width) < 16 * (n as u128 + 1) {
        width += 1;
    }
    let step = base.pow(width) / (n as u128 + 1);
    (1..=n as u128)
        .map(|i| {
            let mut v = i * step;
            let mut digits = vec![0u8; width as usize];
            for d in digits.iter_mut().rev() {
                *d = DIGITS[(v % base) as usize];
                v /= base;
            }
            // Trailing zeros dropped: the order stays (every rank has the same width).
            while digits.last() == Some(&b'0') {
                digits.pop();
            }
            String::from_utf8(digits).expect("digits")
        })
        .collect()
}

/// Where an item goes among `siblings` (in order, the moving item left out): after
/// `after`, or first if `None`. An `after` that is not among them puts it last.
/// The neighbours' ranks, below and above.
pub fn neighbours(siblings: &[(i64, String)], after: Option<i64>) -> (Option<&str>, Option<&str>) {
    let at = position(siblings, after);
    let rank = |i: usize| siblings.get(i).map(|(_, r)| r.as_str());
    (at.checked_sub(1).and_then(rank), rank(at))
}

fn position(siblings: &[(i64, String)], after: Option<i64>) -> usize {
    match after {
        None => 0,
        Some(a) => siblings
            .iter()
            .position(|(id, _)| *id == a)
            .map_or(siblings.len(), |i| i + 1),
    }
}

/// The siblings in their new order, the mover put where [`neighbours`] says, with the
/// ranks of [`spread`].
pub fn respread(siblings: &[(i64, String)], mover: i64, after: Option<i64>) -> Vec<(i64, String)> {
    let mut order: Vec<i64> = siblings.iter().map(|(id, _)| *id).collect();
    order.insert(position(siblings, after), mover);
    order.into_iter().zip(spread(siblings.len() + 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(ranks: &[String]) -> bool {
        ranks.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes())
    }

    #[test]
    fn ranks_fall_between_their_neighbours() {
        let first = between(None, None).unwrap();
        let after = between(Some(&first), None).unwrap();
        let before = between(None, Some(&first)).unwrap();
        let mid = between(Some(&first), Some(&after)).unwrap();
        assert!(sorted(&[before, first, mid, after]));
        assert_eq!(between(Some("kzz"), None).as_deref(), Some("l"));
        assert_eq!(between(None, Some("1")).as_deref(), Some("0z"));
        assert_eq!(between(None, Some("1x")).as_deref(), Some("1"));
        assert_eq!(between(Some("a"), Some("b")).as_deref(), Some("aV"));
        assert_eq!(between(Some("a"), Some("a1")).as_deref(), Some("a0V"));
        assert_eq!(between(Some("zz"), None).as_deref(), Some("zz1"));
    }

    #[test]
    fn out_of_order_or_unreadable_bounds_ask_for_a_spread() {
        assert_eq!(between(Some("b"), Some("a")), None);
        assert_eq!(between(Some("a"), Some("a")), None);
        assert_eq!(between(Some("a0"), None), None, "ends in 0");
        assert_eq!(between(Some(""), None), None);
        assert_eq!(between(None, Some("a-b")), None);
        assert_eq!(between(None, Some("é")), None);
    }

    /// Thousands of inserts at random places (top, bottom, between two neighbours):
    /// every rank is valid and strictly between its neighbours, and adding at an end
    /// keeps ranks short.
    #[test]
    fn random_inserts_keep_a_strict_order() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let mut list: Vec<String> = Vec::new();
        for _ in 0..5000 {
            let at = next(list.len() + 1);
            let lower = at.checked_sub(1).map(|i| list[i].as_str());
            let upper = list.get(at).map(String::as_str);
            match between(lower, upper) {
                Some(r) => {
                    assert!(valid(&r), "{r}");
                    list.insert(at, r);
                }
                None => {
                    // Too long: spread, as the store does.
                    list = spread(list.len());
                }
            }
            assert!(sorted(&list));
        }
        let mut bottom = vec![between(None, None).unwrap()];
        let mut top: Vec<String> = Vec::new();
        // Adding at an end grows a rank by a digit every 61 additions (a spread
        // after about 2,800).
        for _ in 0..1000 {
            let b = between(bottom.last().map(String::as_str), None).unwrap();
            bottom.push(b);
            let t = between(None, Some(top.last().unwrap_or(&bottom[0]).as_str())).unwrap();
            top.push(t);
        }
        assert!(bottom.iter().chain(&top).all(|r| r.len() <= 18 && valid(r)));
        assert!(sorted(&bottom));
        top.reverse();
        assert!(sorted(&top));
    }

    #[test]
    fn halving_one_gap_ends_in_a_spread() {
        let mut lo = between(None, None).unwrap();
        let hi = between(Some(&lo), None).unwrap();
        let mut moves = 0;
        while let Some(r) = between(Some(&lo), Some(&hi)) {
            assert!(sorted(&[lo.clone(), r.clone(), hi.clone()]));
            lo = r;
            moves += 1;
        }
        assert!(moves > 200, "{moves} moves into one gap before a spread");
    }

    #[test]
    fn spread_ranks_are_ordered_short_and_roomy() {
        for n in [0, 1, 2, 3, 15, 16, 100, 4095, 10_000, 200_000] {
            let r = spread(n);
            assert_eq!(r.len(), n);
            assert!(sorted(&r), "n = {n}");
            assert!(r.iter().all(|x| x.len() <= 4 && valid(x)), "n = {n}");
            for w in r.windows(2).take(50) {
                let mut lo = w[0].clone();
                for _ in 0..4 {
                    lo = between(Some(&lo), Some(&w[1])).unwrap();
                }
                assert!(lo.len() <= 8, "{lo}");
            }
        }
    }

    #[test]
    fn a_missing_neighbour_puts_the_item_last() {
        let s: Vec<(i64, String)> = vec![(1, "F".into()), (2, "V".into()), (3, "k".into())];
        assert_eq!(neighbours(&s, None), (None, Some("F")));
        assert_eq!(neighbours(&s, Some(2)), (Some("V"), Some("k")));
        assert_eq!(neighbours(&s, Some(3)), (Some("k"), None));
        assert_eq!(neighbours(&s, Some(99)), (Some("k"), None));
        assert_eq!(neighbours(&[], Some(99)), (None, None));
        let order: Vec<i64> = respread(&s, 9, Some(1))
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(order, [1, 9, 2, 3]);
        let order: Vec<i64> = respread(&s, 9, Some(99))
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(order, [1, 2, 3, 9]);
    }
}
