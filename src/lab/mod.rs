//! The built-in practice servers, on 127.0.0.1 ephemeral ports, in-process.
//!
//! One module serves three uses: the integration tests, `tlslens lab` for people to
//! practise on, and the TUI's default screen. Every server thread stops when the
//! [`Lab`] is dropped; every connection is bounded in time.

mod catalogue;
pub mod certs;
pub mod hostile;
pub mod proxy;
mod servers;

pub use catalogue::{catalogue, reach_catalogue};

use crate::profile::{Profile, Sni, Trust};
use certs::LabPki;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;

/// What kind of peer a lab server is.
#[derive(Clone, Debug)]
pub enum Peer {
    /// An OpenSSL acceptor.
    Openssl(OpensslServer),
    /// A rustls acceptor, TLS 1.3 only.
    Rustls,
    /// Reads the ClientHello, then resets the TCP connection (SO_LINGER 0).
    Reset,
    /// Speaks plain HTTP on a port the client thinks is TLS.
    PlainHttp,
    /// Accepts and never answers.
    Silent,
    /// Reads the ClientHello and misbehaves (see [`hostile::Hostile`]).
    Hostile(hostile::Hostile),
    /// Speaks a protocol's upgrade, then TLS as the OpenSSL acceptor (or refuses).
    Starttls {
        proto: crate::profile::Starttls,
        refuse: bool,
    },
    /// A proxy (not a TLS server): HTTP CONNECT or SOCKS5, with or without credentials.
    Proxy {
        proto: proxy::ProxyProto,
        auth: bool,
    },
}

/// Which of the lab's certificates a server presents.
#[derive(Clone, Copy, Debug)]
pub enum CertChoice {
    Leaf,
    Expired,
    WrongHost,
    SelfSigned,
    Weak,
    /// Subject with a terminal escape and a bidi override in it.
    HostileName,
}

#[derive(Clone, Debug)]
pub struct OpensslServer {
    pub min: Option<crate::profile::TlsVersion>,
    pub max: Option<crate::profile::TlsVersion>,
    pub ciphers: Option<&'static str>,
    pub cert: CertChoice,
    pub require_client_cert: bool,
    /// Refuse (alert unrecognized_name) any hello whose SNI is not `localhost`.
    pub require_sni: bool,
    /// Choose suites in the server's order, not the client's.
    pub server_order: bool,
    /// The key-exchange groups it accepts (OpenSSL list), if not the default.
    pub groups: Option<&'static str>,
    /// Also present an ECDSA certificate, for ECDSA suites and signature schemes.
    pub also_ecdsa: bool,
    /// Accept DHE suites with a 1024-bit prime (RFC 5114 group 1): weak on purpose.
    pub weak_dh: bool,
    /// Refuse encrypt-then-MAC (RFC 7366), so CBC records are MAC-then-encrypt.
    pub no_etm: bool,
}

impl Default for OpensslServer {
    fn default() -> Self {
        OpensslServer {
            min: None,
            max: None,
            ciphers: None,
            cert: CertChoice::Leaf,
            require_client_cert: false,
            require_sni: false,
            server_order: false,
            groups: None,
            also_ecdsa: false,
            weak_dh: false,
            no_etm: false,
        }
    }
}

/// A server in the catalogue.
#[derive(Clone, Debug)]
pub struct ServerSpec {
    pub name: &'static str,
    pub summary: &'static str,
    pub teaches: &'static str,
    pub peer: Peer,
}

/// A running lab server.
#[derive(Clone, Debug)]
pub struct LabServer {
    pub spec: ServerSpec,
    pub addr: SocketAddr,
}

/// Shared state of the running lab.
pub(crate) struct Shared {
    pub stop: AtomicBool,
    pub active: AtomicUsize,
}

/// At most this many connections are served at once per lab.
pub(crate) const MAX_ACTIVE: usize = 64;

/// The server `lab:http-proxy` and the other lab proxies lead to.
pub const PROXIED: &str = "tls12";

/// The running lab: drop it to stop every server.
pub struct Lab {
    pub servers: Vec<LabServer>,
    /// STARTTLS servers and proxies ([`reach_catalogue`]).
    pub reach: Vec<LabServer>,
    pub pki: LabPki,
    /// Directory holding ca.crt, client.crt and client.key.
    pub dir: PathBuf,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Lab {
    /// Generate the PKI and start every server of the catalogue.
    pub fn start() -> io::Result<Lab> {
        Lab::from_pki(LabPki::generate().map_err(io::Error::other)?)
    }

    /// Write the lab's files and start its servers with keys already generated (the
    /// slow part): a caller that may stop meanwhile (the TUI) decides in between.
    pub fn from_pki(pki: LabPki) -> io::Result<Lab> {
        let dir = write_files(&pki)?;
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            active: AtomicUsize::new(0),
        });
        let mut threads = Vec::new();
        let mut start = |specs: Vec<ServerSpec>| -> io::Result<Vec<LabServer>> {
            let mut out = Vec::new();
            for spec in specs {
                let listener = TcpListener::bind("127.0.0.1:0")?;
                let addr = listener.local_addr()?;
                let handler = servers::handler(&spec.peer, &pki, spec.name)?;
                let sh = shared.clone();
                threads.push(std::thread::spawn(move || {
                    servers::accept_loop(listener, handler, sh)
                }));
                out.push(LabServer { spec, addr });
            }
            Ok(out)
        };
        let servers = start(catalogue())?;
        let reach = start(reach_catalogue())?;
        Ok(Lab {
            servers,
            reach,
            pki,
            dir,
            shared,
            threads,
        })
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }
    pub fn client_cert(&self) -> PathBuf {
        self.dir.join("client.crt")
    }
    pub fn client_key(&self) -> PathBuf {
        self.dir.join("client.key")
    }

    pub fn server(&self, name: &str) -> Option<&LabServer> {
        self.servers
            .iter()
            .chain(&self.reach)
            .find(|s| s.spec.name == name)
    }

    /// The URL of a lab proxy, credentials included for the `-auth` ones.
    pub fn proxy_url(&self, name: &str) -> Option<String> {
        let s = self.server(name)?;
        let Peer::Proxy { proto, auth } = s.spec.peer else {
            return None;
        };
        let scheme = match proto {
            proxy::ProxyProto::Http => "http",
            proxy::ProxyProto::Socks5 => "socks5h",
        };
        let creds = if auth {
            format!("{}:{}@", proxy::USER, proxy::PASSWORD)
        } else {
            String::new()
        };
        Some(format!("{scheme}://{creds}{}", s.addr))
    }

    /// The profile a correct client uses for this server: trust the lab CA, check
    /// the name `localhost`, library defaults otherwise.
    /// A lab proxy's profile is [`PROXIED`] reached through it.
    pub fn profile(&self, name: &str) -> Option<Profile> {
        let s = self.server(name)?;
        let starttls = match s.spec.peer {
            Peer::Proxy { .. } => {
                return Some(Profile {
                    proxy: self.proxy_url(name),
                    ..self.profile(PROXIED)?
                });
            }
            Peer::Starttls { proto, .. } => Some(proto),
            _ => None,
        };
        Some(Profile {
            starttls,
            host: s.addr.ip().to_string(),
            port: s.addr.port(),
            sni: Sni::Name("localhost".into()),
            trust: Trust::File,
            cacert: Some(self.ca_file()),
            handshake_timeout: if matches!(s.spec.peer, Peer::Silent) {
                2.0
            } else {
                10.0
            },
            ..Profile::default()
        })
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake every accept() so its loop sees the flag.
        for s in self.servers.iter().chain(&self.reach) {
            let _ = TcpStream::connect_timeout(&s.addr, std::time::Duration::from_millis(200));
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The lab's files in a private directory: 0700 with an unpredictable name (created
/// with O_EXCL, so nothing planted beforehand is followed), files 0600. It is removed
/// when the lab is dropped.
fn write_files(pki: &LabPki) -> io::Result<PathBuf> {
    let dir = tempfile::Builder::new()
        .prefix("tlslens-lab-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()?
        .keep();
    let pem = |r: Result<Vec<u8>, openssl::error::ErrorStack>| r.map_err(io::Error::other);
    let write =
        |name: &str, bytes: Vec<u8>| crate::files::write_new_private(&dir.join(name), &bytes);
    write("ca.crt", pem(pki.ca.cert.to_pem())?)?;
    write("client.crt", pem(pki.client.cert.to_pem())?)?;
    write(
        "client.key",
        pem(pki.client.key.private_key_to_pem_pkcs8())?,
    )?;
    Ok(dir)
}
