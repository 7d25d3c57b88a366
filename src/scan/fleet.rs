//! Many targets: read `HOST[:PORT]` lines, keep every N-th for this shard, scan a
//! bounded number at once under one shared concurrency bound (each with its own
//! `--max-connections` cap), and hand each report to
//! the caller as it finishes (JSON Lines). Memory stays flat however long the list:
//! lines are read as they are needed and reports are not kept.

use super::{Options, ScanReport, scan};
use crate::profile::Profile;
use std::io::BufRead;
use tokio::task::JoinSet;

/// Take every `of`-th target starting at `index` (0-based): `--shard K/N` is K-1 of N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub of: usize,
}

impl Shard {
    /// Parse `K/N` with 1 ≤ K ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("'{s}' is not K/N (e.g. 2/8)"))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("'{k}' is not a number"))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("'{n}' is not a number"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("'{s}': K must be between 1 and N"));
        }
        Ok(Shard {
            index: k - 1,
            of: n,
        })
    }

    fn takes(&self, line_no: usize) -> bool {
        line_no % self.of == self.index
    }
}

/// Targets scanned at once; each also shares the global connection limit.
const TARGETS_AT_ONCE: usize = 16;

/// Scan every target of `lines` that belongs to `shard`, with `base` as the profile
/// (host and port replaced per line). `out` gets each report as it finishes, or the
/// line's input error. Returns how many targets were scanned.
pub async fn fleet(
    lines: impl BufRead,
    shard: Shard,
    base: &Profile,
    opts: &Options,
    mut out: impl FnMut(Result<ScanReport, String>),
) -> usize {
    // The concurrency bound is global; each target has its own connection cap and
    // count (its report's `connections` is its own).
    let limits = super::limits(base, opts);
    let mut running: JoinSet<ScanReport> = JoinSet::new();
    let mut done = 0usize;
    let mut targets = lines
        .lines()
        .map_while(Result::ok)
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .enumerate()
        .filter(|(i, _)| shard.takes(*i))
        .map(|(_, l)| l);
    loop {
        while running.len() < TARGETS_AT_ONCE {
            let Some(line) = targets.next() else { break };
            match target_profile(base, &line) {
                Ok(p) => {
                    let (opts, limits) = (opts.clone(), limits.for_target());
                    running.spawn(async move { scan(&p, &opts, Some(limits)).await });
                }
                Err(e) => out(Err(e)),
            }
        }
        match running.join_next().await {
            Some(Ok(r)) => {
                done += 1;
                out(Ok(r));
            }
            Some(Err(e)) => out(Err(format!("a scan failed inside tlslens: {e}"))),
            None => break,
        }
    }
    done
}

fn target_profile(base: &Profile, line: &str) -> Result<Profile, String> {
    let (host, port) = crate::profile::parse_target(line).map_err(|e| format!("{line}: {e}"))?;
    Ok(Profile {
        host,
        port,
        ..base.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_a_list_without_overlap() {
        let a = Shard::parse("1/3").unwrap();
        let b = Shard::parse("3/3").unwrap();
        assert!(a.takes(0) && a.takes(3) && !a.takes(1));
        assert!(b.takes(2) && !b.takes(0));
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
        assert!(Shard::parse("x").is_err());
    }
}
