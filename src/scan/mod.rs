//! The scanner: what a server accepts — versions, suites in its order, groups, the
//! usual checks — learnt from ClientHellos tlslens writes itself (`wire::write`) and
//! the first answers the server gives. It never finishes a handshake, so it needs no
//! TLS library and offers the whole IANA registry, not only what a library implements.
//!
//! Connections run at once on tokio, bounded by [`Options`]: concurrency, a cap, a
//! delay, a timeout for each connect and each answer. `run` scans one target;
//! `fleet` scans many, each line of JSON as it finishes.

mod checks;
mod conn;
pub mod fleet;
mod groups;
mod hellos;
mod suites;

use crate::cancel::Cancel;
use crate::certinfo::CertInfo;
use crate::iana;
use crate::profile::Profile;
use conn::Limits;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

pub use fleet::{Shard, fleet};

/// How hard a scan may push.
#[derive(Clone, Debug)]
pub struct Options {
    /// Connections open at once (a one-connection-at-a-time server such as
    /// `openssl s_server` just queues them in its backlog).
    pub concurrency: usize,
    /// Pause before each connection, for fragile servers.
    pub delay: Duration,
    /// No scan opens more connections than this.
    pub max_connections: usize,
    /// Counts connections as they open, for a progress display.
    pub progress: Option<Arc<std::sync::atomic::AtomicUsize>>,
    /// Stops the scan (the TUI's Esc): no connection opens once it is set, and [`run`]
    /// returns at once, dropping the connections under way.
    pub cancel: Option<Cancel>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            concurrency: 8,
            delay: Duration::ZERO,
            max_connections: 400,
            progress: None,
            cancel: None,
        }
    }
}

/// The scan of one target: the `scan --json` contract of DESIGN.md, and more.
#[derive(Clone, Debug, Serialize)]
pub struct ScanReport {
    pub target: crate::report::Target,
    /// The address scanned.
    pub address: Option<String>,
    /// The STARTTLS protocol every connection upgraded with first.
    pub starttls: Option<String>,
    /// The proxy every connection went through (password redacted, and where it came
    /// from when the environment chose it).
    pub proxy: Option<String>,
    /// SSLv3 … TLSv1.3, each with `supported`, its evidence and its suites.
    pub versions: Vec<VersionReport>,
    /// TLS 1.3 groups, in the server's order (from HelloRetryRequests), then the
    /// TLS ≤ 1.2 curves of its ServerKeyExchange not already listed.
    pub groups: Vec<String>,
    /// TLS 1.3 groups alone, in the order the server picks them.
    pub groups_tls13: Vec<String>,
    /// Whether that order is the server's own (else it follows the client's).
    pub groups_server_order: Option<bool>,
    /// TLS ≤ 1.2 ECDHE curves, in the server's order.
    pub curves_tls12: Vec<String>,
    /// Size in bits of the DHE prime, when DHE suites are accepted.
    pub dhe_bits: Option<usize>,
    /// TLS 1.2 signature algorithms of its ServerKeyExchange, in the server's order.
    pub signature_algorithms: Vec<String>,
    /// Certificates seen in the clear (TLS ≤ 1.2): one chain per key type.
    pub certificates: Vec<CertInfo>,
    pub checks: Checks,
    /// Whether the answer changes without SNI, or with a name the server cannot know.
    pub sni: Option<SniCheck>,
    /// Oddities: a suite chosen that was not offered, ...
    pub anomalies: Vec<String>,
    /// Connections opened.
    pub connections: usize,
    pub elapsed_ms: f64,
    /// Why the scan could not run at all (resolution failed, nothing listens).
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VersionReport {
    pub version: String,
    pub supported: bool,
    /// The answer to this version's first hello, in words.
    pub evidence: String,
    /// IANA names; in the server's order when `server_order`.
    pub ciphers: Vec<String>,
    pub server_order: bool,
}

/// The usual checks; `None` where the check could not be made (no TLS ≤ 1.2, …).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Checks {
    /// Refuses a downgraded hello carrying TLS_FALLBACK_SCSV (RFC 7507).
    pub fallback_scsv: Option<bool>,
    /// renegotiation_info in the ServerHello (RFC 5746).
    pub secure_renegotiation: Option<bool>,
    /// Chose DEFLATE when offered (CRIME).
    pub compression: Option<bool>,
    /// Echoed the heartbeat extension (RFC 6520).
    pub heartbeat: Option<bool>,
    /// Heartbleed (CVE-2014-0160): `false` when the server has no heartbeat (so no
    /// Heartbleed); `None` when it has one (tlslens does not send the malformed
    /// heartbeat that would tell).
    pub heartbleed: Option<bool>,
    pub extended_master_secret: Option<bool>,
    pub encrypt_then_mac: Option<bool>,
    pub session_ticket: Option<bool>,
    pub ocsp_stapling: Option<bool>,
    /// The protocol the server chose from `--alpn` (TLS ≤ 1.2 ServerHello).
    pub alpn: Option<String>,
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

impl Checks {
    /// The checks in words, as both front ends print them: (label, line).
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            (
                "checks",
                format!(
                    "fallback SCSV {} · secure renegotiation {} · compression {} · heartbeat {} · Heartbleed {}",
                    yes_no(self.fallback_scsv),
                    yes_no(self.secure_renegotiation),
                    yes_no(self.compression),
                    yes_no(self.heartbeat),
                    match self.heartbleed {
                        Some(false) => "no",
                        Some(true) => "VULNERABLE",
                        None => "-",
                    }
                ),
            ),
            (
                "extensions",
                format!(
                    "extended master secret {} · encrypt-then-MAC {} · session ticket {} · OCSP stapling {}",
                    yes_no(self.extended_master_secret),
                    yes_no(self.encrypt_then_mac),
                    yes_no(self.session_ticket),
                    yes_no(self.ocsp_stapling)
                ),
            ),
        ];
        if let Some(a) = &self.alpn {
            out.push(("ALPN", crate::text::sanitize(a, 64)));
        }
        out
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SniCheck {
    /// "same", or what the server did instead.
    pub without_sni: String,
    pub other_name: String,
}

/// What every connection of one scan shares.
pub(crate) struct Scanner {
    limits: Arc<Limits>,
    addr: conn::Dest,
    sni: Option<String>,
    alpn: Vec<String>,
}

impl Scanner {
    /// The hello for `version` offering `suites`, with the profile's SNI and ALPN.
    fn hello(&self, version: u16, suites: &[u16]) -> crate::wire::write::ClientHelloSpec {
        let mut spec = if version == hellos::TLS13 {
            hellos::tls13(self.sni.as_deref(), suites, &hellos::all_groups())
        } else {
            hellos::legacy(version, self.sni.as_deref(), suites)
        };
        if !self.alpn.is_empty() && version > hellos::SSL3 {
            spec.set(crate::wire::write::Ext::Alpn(self.alpn.clone()));
        }
        spec
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// Scan one target described by a profile (host, port, SNI, ALPN, timeouts).
pub async fn scan(p: &Profile, opts: &Options, shared: Option<Arc<Limits>>) -> ScanReport {
    let started = Instant::now();
    let limits = shared.unwrap_or_else(|| limits(p, opts));
    let before = limits.opened.load(Ordering::SeqCst);
    let mut report = ScanReport {
        target: crate::report::Target {
            host: p.host.clone(),
            port: p.port,
            sni: p.sni_name().map(String::from),
            verify_name: p.verify_name().to_string(),
        },
        address: None,
        starttls: p.starttls.map(|s| s.name().to_string()),
        proxy: crate::net::proxy_for(p)
            .ok()
            .flatten()
            .map(|(u, from)| crate::net::proxy_shown(&u, &from)),
        versions: Vec::new(),
        groups: Vec::new(),
        groups_tls13: Vec::new(),
        groups_server_order: None,
        curves_tls12: Vec::new(),
        dhe_bits: None,
        signature_algorithms: Vec::new(),
        certificates: Vec::new(),
        checks: Checks::default(),
        sni: None,
        anomalies: Vec::new(),
        connections: 0,
        elapsed_ms: 0.0,
        error: None,
    };
    match first_address(p, &limits).await {
        Ok(addr) => {
            report.address = Some(addr.addr.to_string());
            let sc = Scanner {
                limits: limits.clone(),
                addr,
                sni: p.sni_name().map(String::from),
                alpn: p.alpn.clone(),
            };
            fill(&sc, &mut report).await;
        }
        Err(e) => report.error = Some(e),
    }
    report.connections = limits.opened.load(Ordering::SeqCst).saturating_sub(before);
    report.elapsed_ms = ms(started.elapsed());
    report
}

/// The limits of one scan, from its options and the profile's timeouts.
pub(crate) fn limits(p: &Profile, opts: &Options) -> Arc<Limits> {
    Limits::new(
        opts,
        crate::net::timeout(p.connect_timeout),
        crate::net::timeout(p.handshake_timeout),
    )
}

/// The first resolved address that accepts a TCP connection (curl's order); through a
/// proxy or a STARTTLS upgrade, where `net::open` reaches (one trial opening).
async fn first_address(p: &Profile, limits: &Limits) -> Result<conn::Dest, String> {
    let routed = p.starttls.is_some() || matches!(crate::net::proxy_for(p), Ok(Some(_)));
    if routed {
        let route = Arc::new(p.clone());
        let (_, addr) = conn::open_routed(route.clone()).await?;
        limits.opened.fetch_add(1, Ordering::SeqCst);
        return Ok(conn::Dest {
            addr,
            route: Some(route),
        });
    }
    let addrs = crate::net::resolve(&p.host, p.port).map_err(|e| e.message)?;
    let mut why = Vec::new();
    for a in addrs {
        match tokio::time::timeout(limits.connect_timeout, tokio::net::TcpStream::connect(a)).await
        {
            Ok(Ok(_)) => {
                limits.opened.fetch_add(1, Ordering::SeqCst);
                return Ok(conn::Dest {
                    addr: a,
                    route: None,
                });
            }
            Ok(Err(e)) => why.push(format!("{a}: {e}")),
            Err(_) => why.push(format!("{a}: connect timed out")),
        }
    }
    Err(format!("cannot connect: {}", why.join(", ")))
}

async fn fill(sc: &Scanner, report: &mut ScanReport) {
    let found = suites::versions(sc).await;
    let best = suites::best_legacy(&found);
    let tls13 = groups::has_tls13(&found);
    let newest = found
        .iter()
        .filter(|v| v.supported)
        .max_by_key(|v| v.version);
    let g13 = async {
        match tls13 {
            Some(v) => groups::tls13(sc, &v.suites).await,
            None => (Vec::new(), None),
        }
    };
    let g12 = async {
        match best {
            Some(v) => groups::legacy(sc, v).await,
            None => (Vec::new(), None),
        }
    };
    let sni = async {
        match newest {
            Some(v) => checks::sni(sc, v).await,
            None => None,
        }
    };
    let ((g13, g_order), (curves, dhe_bits), (checks, certs, sigalgs), sni) =
        tokio::join!(g13, g12, checks::run(sc, &found, best), sni);
    report.groups_tls13 = g13.iter().map(|g| iana::group_name(*g)).collect();
    report.groups_server_order = g_order;
    report.curves_tls12 = curves.iter().map(|g| iana::group_name(*g)).collect();
    report.groups = report.groups_tls13.clone();
    for c in &report.curves_tls12 {
        if !report.groups.contains(c) {
            report.groups.push(c.clone());
        }
    }
    report.dhe_bits = dhe_bits;
    report.checks = checks;
    report.signature_algorithms = sigalgs.iter().map(|s| iana::sigscheme_name(*s)).collect();
    report.certificates = certs
        .iter()
        .take(16)
        .filter_map(|d| CertInfo::from_der(d))
        .collect();
    report.sni = sni;
    for v in &found {
        report.anomalies.extend(v.anomalies.iter().cloned());
    }
    report.versions = found
        .into_iter()
        .map(|v| VersionReport {
            version: version_label(v.version),
            supported: v.supported,
            evidence: crate::text::sanitize(&v.evidence, 200),
            ciphers: v.suites.iter().map(|s| iana::cipher_name(*s)).collect(),
            server_order: v.server_order,
        })
        .collect();
}

/// "SSLv3", "TLSv1.0", … as OpenSSL and Python print them.
fn version_label(v: u16) -> String {
    if v == hellos::SSL3 {
        "SSLv3".into()
    } else {
        iana::version_name(v)
    }
}

/// Scan on a runtime of its own (the CLI's and the TUI's entry point for one target).
/// Once `opts.cancel` is set it returns `Interrupted` within [`STOP_POLL`], and the
/// runtime, dropped, closes every connection still open.
pub fn run(p: &Profile, opts: &Options) -> std::io::Result<ScanReport> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let Some(cancel) = opts.cancel.clone() else {
        return Ok(rt.block_on(scan(p, opts, None)));
    };
    rt.block_on(async {
        tokio::select! {
            r = scan(p, opts, None) => Ok(r),
            () = stopped(&cancel) => Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "the scan was stopped",
            )),
        }
    })
}

/// How often a cancellable scan looks at its flag (only while it runs).
pub const STOP_POLL: Duration = Duration::from_millis(50);

/// Resolves once `cancel` is set. [`Cancel`] is a plain flag shared with threads, so
/// this polls it; connections check it too before they open (`conn::ask`).
async fn stopped(cancel: &Cancel) {
    while !cancel.is_cancelled() {
        tokio::time::sleep(STOP_POLL).await;
    }
}
