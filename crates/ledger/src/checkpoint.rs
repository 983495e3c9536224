//! C2SP tlog-checkpoints (<https://c2sp.org/tlog-checkpoint>) as signed notes.
//!
//! Body, every line ending in a newline:
//!
//! ```text
//! <origin>
//! <tree size, decimal, no leading zeros>
//! <base64 root hash>
//! timestamp <YYYY-MM-DDTHH:MM:SSZ>      (optional extension line, ours)
//! <other extension lines>               (optional, kept verbatim)
//! ```
//!
//! The timestamp is the log's own time for the tree head, passed in as POSIX
//! seconds and written as RFC 3339 UTC with second precision.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::error::{LedgerError, Result};
use crate::hash::Hash;
use crate::note::{NoteSigner, NoteVerifier, OpenedNote, open_note, sign_note};

/// Prefix of the timestamp extension line.
pub const TIMESTAMP_PREFIX: &str = "timestamp ";

/// A tree head: which log, how many leaves, which root, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's unique name, e.g. `lianban.example/ledger`.
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// POSIX seconds, written as the `timestamp` extension line.
    pub timestamp: Option<u64>,
    /// Further extension lines (without newline), in order.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Checkpoint { origin: origin.into(), size, root, timestamp: None, extensions: Vec::new() }
    }

    pub fn with_timestamp(mut self, posix_seconds: u64) -> Self {
        self.timestamp = Some(posix_seconds);
        self
    }

    /// The note text of the checkpoint.
    pub fn to_body(&self) -> Result<String> {
        check_line(&self.origin)?;
        let mut out = format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root));
        if let Some(t) = self.timestamp {
            out.push_str(TIMESTAMP_PREFIX);
            out.push_str(&format_rfc3339(t)?);
            out.push('\n');
        }
        for e in &self.extensions {
            check_line(e)?;
            if e.starts_with(TIMESTAMP_PREFIX) {
                return Err(LedgerError::MalformedCheckpoint("timestamp given as a plain extension"));
            }
            out.push_str(e);
            out.push('\n');
        }
        Ok(out)
    }

    /// Parses a checkpoint body (the text of a note).
    pub fn parse_body(body: &str) -> Result<Self> {
        let bad = LedgerError::MalformedCheckpoint;
        let body = body.strip_suffix('\n').ok_or(bad("does not end in a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().filter(|l| !l.is_empty()).ok_or(bad("empty origin"))?;
        let size_line = lines.next().ok_or(bad("missing tree size"))?;
        let root_line = lines.next().ok_or(bad("missing root hash"))?;
        if size_line.is_empty()
            || !size_line.bytes().all(|b| b.is_ascii_digit())
            || (size_line.len() > 1 && size_line.starts_with('0'))
        {
            return Err(bad("tree size is not a canonical decimal"));
        }
        let size: u64 = size_line.parse().map_err(|_| bad("tree size out of range"))?;
        let root_bytes = B64.decode(root_line).map_err(|_| bad("root hash is not standard base64"))?;
        let root: Hash = root_bytes.try_into().map_err(|_| bad("root hash is not 32 bytes"))?;
        let mut cp = Checkpoint::new(origin, size, root);
        for line in lines {
            if line.is_empty() {
                return Err(bad("empty extension line"));
            }
            if let Some(t) = line.strip_prefix(TIMESTAMP_PREFIX) {
                if cp.timestamp.is_some() {
                    return Err(bad("duplicate timestamp line"));
                }
                cp.timestamp = Some(parse_rfc3339(t)?);
            } else {
                cp.extensions.push(line.to_owned());
            }
        }
        Ok(cp)
    }

    /// Signs the checkpoint and returns the whole note.
    pub fn sign(&self, signer: &dyn NoteSigner) -> Result<String> {
        sign_note(&self.to_body()?, &[signer])
    }
}

fn check_line(s: &str) -> Result<()> {
    if s.is_empty() || s.chars().any(|c| c.is_control()) {
        return Err(LedgerError::MalformedCheckpoint("empty line or control character"));
    }
    Ok(())
}

/// A checkpoint whose note carried a valid signature of the log's key.
/// Only [`open_checkpoint`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    checkpoint: Checkpoint,
    note: OpenedNote,
}

impl SignedCheckpoint {
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }
    /// The verified note (text and signature lines).
    pub fn note(&self) -> &OpenedNote {
        &self.note
    }
}

/// Verifies a signed checkpoint note against the log's key and parses it;
/// the origin line must equal the key name `log.name()`, as is customary.
pub fn open_checkpoint(msg: &str, log: &dyn NoteVerifier) -> Result<SignedCheckpoint> {
    let note = open_note(msg, &[log])?;
    let checkpoint = Checkpoint::parse_body(&note.text)?;
    if checkpoint.origin != log.name() {
        return Err(LedgerError::OriginMismatch { expected: log.name().to_owned(), got: checkpoint.origin });
    }
    Ok(SignedCheckpoint { checkpoint, note })
}

// Civil-date conversion (proleptic Gregorian, days since 1970-01-01), after
// the well-known era-based algorithm; written for this crate.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Latest second representable as a four-digit year: 9999-12-31T23:59:59Z.
const MAX_TIME: u64 = 253_402_300_799;

/// POSIX seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_rfc3339(t: u64) -> Result<String> {
    if t > MAX_TIME {
        return Err(LedgerError::MalformedCheckpoint("timestamp beyond year 9999"));
    }
    let (days, secs) = ((t / 86_400) as i64, t % 86_400);
    let (y, m, d) = civil_from_days(days);
    Ok(format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60))
}

/// Parses exactly `YYYY-MM-DDTHH:MM:SSZ` (UTC, no fraction) to POSIX seconds.
pub fn parse_rfc3339(s: &str) -> Result<u64> {
    let bad = || LedgerError::MalformedCheckpoint("timestamp is not YYYY-MM-DDTHH:MM:SSZ");
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32> {
        let part = &s[r];
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if y < 1970 || !(1..=12).contains(&mo) || d < 1 || h > 23 || mi > 59 || se > 59 {
        return Err(bad());
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if d > month_days[mo as usize - 1] {
        return Err(bad());
    }
    let days = days_from_civil(y as i64, mo, d) as u64;
    Ok(days * 86_400 + u64::from(h) * 3600 + u64::from(mi) * 60 + u64::from(se))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        assert_eq!(format_rfc3339(0).unwrap(), "1970-01-01T00:00:00Z");
        // 2026-11-22T08:30:05Z
        let t = 1_795_336_205;
        assert_eq!(format_rfc3339(t).unwrap(), "2026-11-22T08:30:05Z");
        assert_eq!(parse_rfc3339("2026-11-22T08:30:05Z").unwrap(), t);
        assert_eq!(parse_rfc3339("2000-02-29T23:59:59Z").unwrap(), 951_868_799);
        for bad in ["2001-02-29T00:00:00Z", "2026-11-22 08:30:05Z", "2026-11-22T08:30:05+08:00", "2026-13-01T00:00:00Z", "1969-12-31T23:59:59Z", "+026-11-22T08:30:05Z"] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
        for t in (0..MAX_TIME).step_by(7_777_777) {
            assert_eq!(parse_rfc3339(&format_rfc3339(t).unwrap()).unwrap(), t);
        }
        assert!(format_rfc3339(MAX_TIME + 1).is_err());
    }
}
