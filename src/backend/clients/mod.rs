//! Real clients beside the three stacks: Python's `ssl`, curl, `openssl s_client`,
//! Java's JSSE and Node's `tls`, each running exactly the code `tlslens export` prints
//! for it (`export_via`: only the TCP destination differs), pointed at a loopback
//! recording relay that forwards to the target through the wire tap. Their handshakes
//! are decoded, classified and diagnosed like the in-process stacks'; their own words
//! (exit status, the line they printed) come back in [`ClientRun`].
//!
//! Bounded: the child runs in its own process group, is killed at its deadline (or as
//! soon as the attempt is cancelled, which shuts the target connection), its output is
//! captured up to a limit and shown with escapes escaped.

mod child;
mod relay;
mod words;

use super::{Backend, BackendId, LibError, LibView, Unsupported, Verify};
use crate::export::{Lang, export_via};
use crate::materials::Materials;
use crate::profile::{Profile, VerifyMode};
use crate::tap::Tap;
use serde::Serialize;
use std::time::{Duration, Instant};

/// How much of each output stream goes into the report.
const SHOWN: usize = 4096;

/// What the client program did, in its own words.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClientRun {
    /// The program run ("python3", "java", ...).
    pub program: String,
    /// False: the runtime is not on this machine (not a failure of the handshake).
    pub installed: bool,
    /// The command line, in the directory holding the exported file.
    pub command: String,
    pub exit: Option<i32>,
    /// Killed at its deadline (it hung).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub killed: bool,
    /// The line in which the client stated what it negotiated.
    pub said: Option<String>,
    /// The line in which it said why it failed (Python's exception, curl's `curl: (35)`).
    pub error_line: Option<String>,
    pub stdout: String,
    pub stderr: String,
    /// More output than was kept.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl ClientRun {
    /// "exit 1", "killed at the timeout", or "-" (never started).
    pub fn exit_words(&self) -> String {
        match (self.killed, self.exit) {
            (true, _) => "killed at the timeout".into(),
            (_, Some(n)) => format!("exit {n}"),
            (_, None) => "-".into(),
        }
    }
}

/// One client program behind the `Backend` trait.
pub struct Client(BackendId);

pub static PYTHON: Client = Client(BackendId::Python);
pub static CURL: Client = Client(BackendId::Curl);
pub static S_CLIENT: Client = Client(BackendId::SClient);
pub static JAVA: Client = Client(BackendId::Java);
pub static NODE: Client = Client(BackendId::Node);

/// The exporter whose code the client runs.
pub fn lang(b: BackendId) -> Option<Lang> {
    Some(match b {
        BackendId::Python => Lang::Python,
        BackendId::Curl => Lang::Curl,
        BackendId::SClient => Lang::SClient,
        BackendId::Java => Lang::Java,
        BackendId::Node => Lang::Node,
        _ => return None,
    })
}

/// The programs a client needs on PATH (the first is the one named in reports).
fn programs(b: BackendId) -> &'static [&'static str] {
    match b {
        BackendId::Python => &["python3"],
        BackendId::Curl => &["curl", "bash"],
        BackendId::SClient => &["openssl", "bash", "timeout"],
        BackendId::Java => &["java"],
        BackendId::Node => &["node"],
        _ => &[],
    }
}

fn on_path(prog: &str) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|d| {
            std::fs::metadata(d.join(prog))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Whether this client can run here (its programs are on PATH).
pub fn installed(b: BackendId) -> bool {
    b.is_client() && programs(b).iter().all(|p| on_path(p))
}

/// `--backend clients` means the clients found on this machine: when the list holds
/// all five, those not installed are left out. A client named on its own stays (and
/// shows as "not installed" if it is not).
pub fn found_only(list: &[BackendId]) -> Vec<BackendId> {
    let all_five = BackendId::CLIENTS.iter().all(|c| list.contains(c));
    list.iter()
        .copied()
        .filter(|b| !all_five || !b.is_client() || installed(*b))
        .collect()
}

/// Startup allowance on top of the profile's timeouts: a JVM compiling the source
/// file takes seconds on a busy machine.
fn startup(b: BackendId) -> Duration {
    match b {
        BackendId::Java => Duration::from_secs(30),
        _ => Duration::from_secs(5),
    }
}

/// Where a client that can write NSS key-log lines writes them: curl and the exported
/// Python script read `SSLKEYLOGFILE`, s_client is run with `-keylogfile`, Node takes
/// `--tls-keylog` from `NODE_OPTIONS`. (Java cannot.) With them tlslens decrypts a
/// client's TLS 1.3 flight as it does its own stacks'.
const KEYLOG: &str = crate::export::CLIENT_KEYLOG;

/// The client's environment on top of tlslens': where to write its key log, and no
/// proxy from the environment (curl would send its connection to the relay through it;
/// the relay itself goes through the profile's proxy).
fn client_env(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    let file = dir.join(KEYLOG).display().to_string();
    let node = match std::env::var("NODE_OPTIONS") {
        Ok(o) if !o.trim().is_empty() => format!("{o} --tls-keylog={file}"),
        _ => format!("--tls-keylog={file}"),
    };
    vec![
        ("SSLKEYLOGFILE", file),
        ("NODE_OPTIONS", node),
        ("NO_PROXY", "*".into()),
        ("no_proxy", "*".into()),
    ]
}

/// The protocol whose upgrade the client's code speaks itself (`curl smtp://`,
/// `s_client -starttls`, the Python, Node and Java exports' `starttls`): the relay answers it as the server would, having done the
/// real upgrade with the target. A client whose code cannot speak it starts TLS on its
/// first byte, and the relay's upgrade with the target is all there is.
fn upgrades_itself(p: &Profile, code: &str) -> Option<crate::profile::Starttls> {
    p.starttls
        .filter(|_| !code.contains("NOT EXPRESSIBLE: STARTTLS"))
}

/// The key-log lines the client wrote (bounded).
fn keylog_lines(dir: &std::path::Path) -> Vec<String> {
    use std::io::Read as _;
    let mut text = String::new();
    if let Ok(f) = std::fs::File::open(dir.join(KEYLOG)) {
        let _ = f.take(64 * 1024).read_to_string(&mut text);
    }
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .take(64)
        .map(String::from)
        .collect()
}

/// Which profile field a `NOT EXPRESSIBLE` note is about.
fn field_of(note: &str) -> &'static str {
    const KEYS: [(&str, &str); 12] = [
        ("STARTTLS", "starttls"),
        ("proxy", "proxy"),
        ("security level", "seclevel"),
        ("TLS 1.3 suites", "ciphersuites"),
        ("group", "groups"),
        ("trust", "trust"),
        ("SNI", "sni"),
        ("ALPN", "alpn"),
        ("chain-only", "verify"),
        ("client certificate", "cert"),
        ("cipher", "ciphers"),
        ("minimum", "min_tls"),
    ];
    KEYS.iter()
        .find(|(k, _)| note.contains(k))
        .map_or("profile", |(_, f)| f)
}

impl Backend for Client {
    fn id(&self) -> BackendId {
        self.0
    }

    /// What the exported code says it cannot express.
    fn unsupported(&self, p: &Profile) -> Vec<Unsupported> {
        let Some(l) = lang(self.0) else {
            return Vec::new();
        };
        let mut out: Vec<Unsupported> = Vec::new();
        for line in export_via(p, l, None).lines() {
            if let Some(why) = line.split("NOT EXPRESSIBLE: ").nth(1) {
                let field = field_of(why);
                // The relay does the upgrade and the proxy for a client that cannot.
                let relayed = ["starttls", "proxy"].contains(&field);
                if !relayed && !out.iter().any(|u| u.field == field) {
                    out.push(Unsupported {
                        field,
                        why: why.trim().to_string(),
                    });
                }
            }
        }
        out
    }

    /// A client program does not resume: each run is a fresh process.
    fn handshake(
        &self,
        p: &Profile,
        _m: &Materials,
        tap: Tap,
        _resume: Option<&crate::backend::Resume>,
    ) -> LibView {
        let mut tap = Some(tap);
        run(self.0, p, &mut || tap.take(), &|| false)
    }

    /// The client starts first; the target connection is made once it has connected
    /// to the relay.
    fn handshake_late(
        &self,
        p: &Profile,
        _m: &Materials,
        connect: &mut dyn FnMut() -> Option<Tap>,
        cancelled: &dyn Fn() -> bool,
        _resume: Option<&crate::backend::Resume>,
    ) -> LibView {
        run(self.0, p, connect, cancelled)
    }
}

fn setup_failure(view: &mut LibView, message: String) {
    view.error = Some(LibError {
        message,
        not_attempted: true,
        ..LibError::default()
    });
}

fn run(
    b: BackendId,
    p: &Profile,
    connect: &mut dyn FnMut() -> Option<Tap>,
    cancelled: &dyn Fn() -> bool,
) -> LibView {
    let program = programs(b).first().copied().unwrap_or("?");
    let mut view = LibView {
        library: format!("{program} (the real client, through the recording relay)"),
        ..LibView::default()
    };
    let mut client = ClientRun {
        program: program.to_string(),
        installed: installed(b),
        ..ClientRun::default()
    };
    let Some(l) = lang(b) else {
        setup_failure(&mut view, format!("{b} is not a client"));
        return view;
    };
    if !client.installed {
        let missing: Vec<&str> = programs(b)
            .iter()
            .copied()
            .filter(|p| !on_path(p))
            .collect();
        setup_failure(
            &mut view,
            format!("not installed: {} not found on PATH", missing.join(", ")),
        );
        view.client = Some(client);
        return view;
    }
    let started = (|| -> std::io::Result<_> {
        let relay = relay::Relay::bind()?;
        let dir = tempfile::Builder::new()
            .prefix("tlslens-client-")
            .tempdir()?;
        let file = l.file_name();
        let code = export_via(p, l, Some(relay.addr));
        std::fs::write(dir.path().join(file), &code)?;
        let prog = match b {
            BackendId::Curl | BackendId::SClient => "bash",
            _ => program,
        };
        let argv = vec![prog.to_string(), file.to_string()];
        let child = child::spawn(&argv, dir.path(), &client_env(dir.path()))?;
        Ok((relay, dir, argv, child, upgrades_itself(p, &code)))
    })();
    let (relay, dir, argv, mut child, upgrades) = match started {
        Ok(s) => s,
        Err(e) => {
            setup_failure(&mut view, format!("could not start {program}: {e}"));
            view.client = Some(client);
            return view;
        }
    };
    client.command = argv.join(" ");
    if let Some(proto) = p.starttls {
        view.library = match upgrades {
            Some(_) => format!(
                "{program} (the real client, through the recording relay, which did the {proto} \
                 upgrade with the server and answered the client's own)"
            ),
            None => format!(
                "{program} (the real client, through the recording relay, which did the {proto} \
                 upgrade its code cannot)"
            ),
        };
    }
    let t = |s: f64| crate::net::timeout(s);
    let deadline = Instant::now() + startup(b) + t(p.connect_timeout) + t(p.handshake_timeout) * 2;
    let mut server_done = false;
    let mut up: Option<Tap> = None;
    let accepted = relay.accept(&mut child, cancelled, deadline);
    // One connection only: a second one is refused rather than left in the backlog.
    drop(relay);
    let fin = match accepted {
        Ok(down) => match connect() {
            // The target is unreachable: the client's connection is dropped, and the
            // probe reports why the target could not be reached.
            None => {
                drop(down);
                child.finish(Instant::now() + Duration::from_secs(2), cancelled)
            }
            Some(mut tap) => {
                tap.set_deadline(Some(deadline));
                let down = match upgrades {
                    Some(proto) => relay::upgrade(down, proto, deadline, &mut view.relay_dialogue),
                    None => Some(down),
                };
                match down.map(|down| relay::pump(down, tap)) {
                    // The client did not get through its side of the upgrade: its own
                    // words say why.
                    None => child.finish(deadline, cancelled),
                    Some(Ok(pump)) => {
                        let t0 = Instant::now();
                        let fin = child.finish(deadline, cancelled);
                        view.handshake_time = t0.elapsed();
                        let (done, tap) = pump.close();
                        server_done = done;
                        up = Some(tap);
                        fin
                    }
                    Some(Err(_)) => child.finish(Instant::now(), cancelled),
                }
            }
        },
        Err(relay::NoClient::Cancelled) => child.finish(Instant::now(), cancelled),
        Err(_) => child.finish(deadline, cancelled),
    };
    let text = |c: &(Vec<u8>, bool)| String::from_utf8_lossy(&c.0).into_owned();
    let (stdout, stderr) = (text(&fin.stdout), text(&fin.stderr));
    client.exit = fin.status.and_then(|s| s.code());
    client.killed = fin.killed;
    client.truncated = fin.stdout.1 || fin.stderr.1;
    let said = words::success(b, &stdout, &stderr);
    client.said = said.as_ref().map(|(v, c)| format!("{v} {c}"));
    let exit_ok = fin.status.is_some_and(|s| s.success());
    let after = said.is_some() && !exit_ok && !fin.killed && words::after_handshake(b, &stderr);
    if after {
        // curl said what it negotiated, then its request (GET /, or the mail protocol's
        // commands after a STARTTLS upgrade) failed for reasons of that protocol, not of
        // TLS: the handshake is what is tested. Its words stay in `error_line`.
        client.error_line =
            words::error_line(b, &stdout, &stderr).map(|l| crate::text::escape_controls(&l, 512));
    }
    if !after && (said.is_none() || !exit_ok) {
        let line =
            words::error_line(b, &stdout, &stderr).map(|l| crate::text::escape_controls(&l, 512));
        let message = match (&line, fin.killed) {
            (_, true) if cancelled() => format!("cancelled: {program} was stopped"),
            (_, true) => format!("{program} did not finish: killed at the timeout"),
            (Some(l), _) => l.clone(),
            (None, _) => format!("{program} exited with status {:?}", client.exit),
        };
        let hung = fin.killed || message.to_ascii_lowercase().contains("timed out");
        if let Some(up) = &up
            && said.is_none()
            && !server_done
            && hung
        {
            up.mark_timed_out();
        }
        client.error_line = line;
        view.error = Some(LibError {
            alert_received: words::alert(&message),
            certificate: words::certificate(&message),
            message,
            not_attempted: false,
        });
    }
    if let Some((v, c)) = said {
        view.handshake_done = true;
        view.version = Some(v);
        view.cipher = Some(c);
    }
    view.verify = match (&view.error, p.verify) {
        (Some(e), _) if e.certificate => Verify {
            ok: Some(false),
            reason: Some(e.message.clone()),
            host_ok: None,
        },
        (_, VerifyMode::Off) => Verify {
            ok: None,
            reason: Some("not checked: verification is off".into()),
            host_ok: None,
        },
        _ if view.handshake_done => Verify {
            ok: Some(true),
            reason: None,
            host_ok: None,
        },
        _ => Verify::default(),
    };
    view.keylog = keylog_lines(dir.path());
    client.stdout = crate::text::escape_controls(&stdout, SHOWN);
    client.stderr = crate::text::escape_controls(&stderr, SHOWN);
    view.client = Some(client);
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_client_cannot_express_is_unsupported() {
        let p = Profile {
            seclevel: Some(0),
            ciphersuites: Some("TLS_AES_128_GCM_SHA256".into()),
            ..Profile::default()
        };
        let fields = |b: BackendId| -> Vec<&'static str> {
            b.backend()
                .unsupported(&p)
                .iter()
                .map(|u| u.field)
                .collect()
        };
        assert_eq!(fields(BackendId::Java), ["seclevel"]);
        assert_eq!(fields(BackendId::Python), ["ciphersuites"]);
        assert!(fields(BackendId::Node).is_empty());
        assert!(fields(BackendId::SClient).is_empty());
        let why = BackendId::Java.backend().unsupported(&p);
        assert!(
            why[0].why.contains("JSSE has no security levels"),
            "{why:?}"
        );
    }

    #[test]
    fn clients_means_those_found() {
        let mut list = BackendId::ALL.to_vec();
        list.extend(BackendId::CLIENTS);
        let found = found_only(&list);
        assert_eq!(&found[..3], &BackendId::ALL);
        assert!(found.iter().all(|b| !b.is_client() || installed(*b)));
        // Named alone, a client stays whatever this machine has.
        assert_eq!(found_only(&[BackendId::Java]), [BackendId::Java]);
    }

    #[test]
    fn every_client_runs_its_exporter() {
        for b in BackendId::CLIENTS {
            assert!(lang(b).is_some(), "{b}");
            assert!(!programs(b).is_empty(), "{b}");
        }
        assert!(BackendId::ALL.iter().all(|b| lang(*b).is_none()));
        let run = ClientRun {
            killed: true,
            exit: Some(137),
            ..ClientRun::default()
        };
        assert_eq!(run.exit_words(), "killed at the timeout");
    }
}
