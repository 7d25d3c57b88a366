//! The profile's proxy in the targets that open their own socket (Python, Node, Java):
//! module-level constants naming the proxy, and one function per language
//! (`open_tunnel` / `openTunnel`) that connects to it and asks for the tunnel — HTTP
//! CONNECT (Basic credentials), or SOCKS5 (RFC 1928, user/password RFC 1929;
//! `socks5h://` sends the name, `socks5://` resolves it here and sends the address).
//! TLS then runs over the tunnelled socket exactly as it does over a direct one.
//!
//! The function is the same text for every profile: only the constants change, so
//! editing `PROXY_KIND` switches the kind. It is emitted only when the profile names a
//! proxy (and never for the client backends, whose relay does the tunnel).
//! The proxy's refusal comes back in the script's usual error line and exit code:
//! the status line of a non-2xx CONNECT answer, the meaning of a SOCKS5 reply code.

use super::quote::{c_like_str, py_str, shown};
use crate::profile::{Profile, ProxyKind, ProxyUrl, proxy_setting, socks_reply_text};
use std::fmt::Write as _;

/// The proxy kinds these targets express.
pub(super) const KINDS: [ProxyKind; 3] = [ProxyKind::Http, ProxyKind::Socks5, ProxyKind::Socks5h];

/// The profile's proxy, when it names one.
pub(super) fn proxy_of(p: &Profile) -> Option<ProxyUrl> {
    proxy_setting(p.proxy.as_deref()).ok().flatten()
}

/// The comment lines above the constants.
fn about(u: &ProxyUrl, function: &str) -> Vec<String> {
    let how = match u.kind {
        ProxyKind::Http => "HTTP CONNECT",
        ProxyKind::Socks5 => "SOCKS5, the target's name resolved here",
        ProxyKind::Socks5h => "SOCKS5, the proxy resolves the target's name",
    };
    let mut v = vec![format!(
        "Through the proxy {} ({how}): see {function}.",
        shown(&u.redacted())
    )];
    if u.auth.is_some() {
        v.push(
            "NOTE: this file holds the proxy password (as curl's --proxy does): keep it private."
                .into(),
        );
    }
    v
}

const KIND_NOTE: &str =
    "'http' (CONNECT), 'socks5' (resolved here) or 'socks5h' (resolved by the proxy)";

/// The SOCKS5 reply codes 1-8 with tlslens' words for them, each as `fmt(code, text)`.
fn socks_replies(fmt: impl Fn(u8, &str) -> String) -> Vec<String> {
    (1..=8u8).map(|c| fmt(c, socks_reply_text(c))).collect()
}

/// Python: the constants (after the timeouts).
pub(super) fn python_consts(o: &mut String, u: &ProxyUrl) {
    for l in about(u, "open_tunnel") {
        let _ = writeln!(o, "# {l}");
    }
    let _ = writeln!(o, "PROXY_KIND = {}  # {KIND_NOTE}", py_str(u.kind.scheme()));
    let _ = writeln!(o, "PROXY_HOST = {}", py_str(&u.host));
    let _ = writeln!(o, "PROXY_PORT = {}", u.port);
    match &u.auth {
        Some((user, pass)) => {
            let _ = writeln!(o, "PROXY_USER = {}", py_str(user));
            let _ = writeln!(o, "PROXY_PASS = {}", py_str(pass));
        }
        None => o.push_str("PROXY_USER = None  # no credentials\nPROXY_PASS = None\n"),
    }
}

/// Python: the reply table, the error class and `open_tunnel` (before make_context).
pub(super) fn python_fn(o: &mut String) {
    o.push_str("SOCKS_REPLIES = {\n");
    for l in socks_replies(|c, t| format!("    {c}: {},\n", py_str(t))) {
        o.push_str(&l);
    }
    o.push_str("}\n\n\n");
    o.push_str(PYTHON_TUNNEL);
}

const PYTHON_TUNNEL: &str = r#"class ProxyError(Exception):
    """The proxy would not open the tunnel: its own answer, not a TLS error."""


def open_tunnel(host, port):
    """A TCP connection to (host, port) through the proxy: HTTP CONNECT, or SOCKS5
    (RFC 1928, user/password RFC 1929). CONNECT_TIMEOUT bounds the connect to the
    proxy and HANDSHAKE_TIMEOUT each step of its dialogue, as in tlslens."""
    sock = socket.create_connection((PROXY_HOST, PROXY_PORT), timeout=CONNECT_TIMEOUT)
    try:
        sock.settimeout(HANDSHAKE_TIMEOUT)

        def read(n):
            data = b''
            while len(data) < n:
                more = sock.recv(n - len(data))
                if not more:
                    raise ProxyError('the proxy closed the connection')
                data += more
            return data

        target = f'[{host}]:{port}' if ':' in host else f'{host}:{port}'
        if PROXY_KIND == 'http':
            request = f'CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n'
            if PROXY_USER is not None:
                token = base64.b64encode(f'{PROXY_USER}:{PROXY_PASS}'.encode()).decode()
                request += f'Proxy-Authorization: Basic {token}\r\n'
            sock.sendall((request + '\r\n').encode())
            head = bytearray()
            while not head.endswith(b'\r\n\r\n'):  # status line and headers, at most 64 KiB
                if len(head) >= 65536:
                    raise ProxyError('the proxy sent more than 64 KiB of headers')
                head += read(1)
            status = head.split(b'\r\n', 1)[0].decode('latin-1')
            words = status.split()
            if not status.startswith('HTTP/') or len(words) < 2:
                raise ProxyError(f'the proxy did not answer in HTTP: {status!r}')
            if len(words[1]) != 3 or not words[1].startswith('2'):
                raise ProxyError(f'proxy refused the tunnel: {status}')
            return sock
        methods = b'\x00\x02' if PROXY_USER is not None else b'\x00'  # no-auth, user/password
        sock.sendall(bytes([5, len(methods)]) + methods)
        version, method = read(2)
        if version != 5:
            raise ProxyError('the proxy is not a SOCKS5 server (its answer is not version 5)')
        if method == 2 and PROXY_USER is not None:
            user, password = PROXY_USER.encode(), PROXY_PASS.encode()
            sock.sendall(bytes([1, len(user)]) + user + bytes([len(password)]) + password)
            status = read(2)[1]
            if status != 0:
                raise ProxyError(
                    f'the SOCKS5 proxy refused our user name and password (SOCKS auth status {status})'
                )
        elif method != 0:
            raise ProxyError(
                f'the SOCKS5 proxy accepts none of our authentication methods ({method:#04x})'
            )
        if PROXY_KIND == 'socks5':  # resolved here: the proxy gets the first address
            host = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0]
        for family, atyp in ((socket.AF_INET, 1), (socket.AF_INET6, 4)):
            try:
                address = bytes([atyp]) + socket.inet_pton(family, host)
                break
            except OSError:
                pass
        else:  # a name, for the proxy to resolve
            name = host.encode()
            address = bytes([3, len(name)]) + name
        sock.sendall(bytes([5, 1, 0]) + address + port.to_bytes(2, 'big'))
        version, reply, _, atyp = read(4)
        if version != 5:
            raise ProxyError('the proxy sent a reply that is not SOCKS5')
        if reply != 0:
            meaning = SOCKS_REPLIES.get(reply, 'unassigned reply code')
            raise ProxyError(
                f'the SOCKS5 proxy could not connect to {target}: reply {reply}, {meaning}'
            )
        if atyp not in (1, 3, 4):
            raise ProxyError('the proxy sent an unknown address type')
        bound = {1: 4, 4: 16}.get(atyp) or read(1)[0]
        read(bound + 2)  # the address and port the proxy bound
        return sock
    except BaseException:
        sock.close()
        raise


"#;

/// Node: the constants (after TIMEOUT_MS).
pub(super) fn node_consts(o: &mut String, u: &ProxyUrl) {
    for l in about(u, "openTunnel") {
        let _ = writeln!(o, "// {l}");
    }
    let _ = writeln!(
        o,
        "const PROXY_KIND = {};  // {KIND_NOTE}",
        c_like_str(u.kind.scheme())
    );
    let _ = writeln!(o, "const PROXY_HOST = {};", c_like_str(&u.host));
    let _ = writeln!(o, "const PROXY_PORT = {};", u.port);
    match &u.auth {
        Some((user, pass)) => {
            let _ = writeln!(o, "const PROXY_USER = {};", c_like_str(user));
            let _ = writeln!(o, "const PROXY_PASS = {};", c_like_str(pass));
        }
        None => {
            o.push_str("const PROXY_USER = null;  // no credentials\nconst PROXY_PASS = null;\n")
        }
    }
    o.push('\n');
}

/// Node: the reply table and `openTunnel` (before options()).
pub(super) fn node_fn(o: &mut String) {
    o.push_str("const SOCKS_REPLIES = {\n");
    for l in socks_replies(|c, t| format!("  {c}: {},\n", c_like_str(t))) {
        o.push_str(&l);
    }
    o.push_str("};\n\n");
    o.push_str(NODE_TUNNEL);
}

const NODE_TUNNEL: &str = r#"// A TCP connection to host:port through the proxy: HTTP CONNECT, or SOCKS5 (RFC 1928,
// user/password RFC 1929). TIMEOUT_MS bounds the proxy's dialogue too. Resolves to the
// socket; rejects with a ProxyError carrying the proxy's own answer.
function openTunnel(host, port) {
  return new Promise((resolve, reject) => {
    const refused = (message) => Object.assign(new Error(message), { name: 'ProxyError' });
    const raw = net.connect({ host: PROXY_HOST, port: PROXY_PORT });
    const fail = (e) => {
      raw.destroy();
      reject(e);
    };
    const closed = () => fail(refused('the proxy closed the connection'));
    raw.setTimeout(TIMEOUT_MS, () => fail(refused('the proxy timed out')));
    raw.on('error', fail);
    // Later than a refusal already read: a proxy closes right after its 407.
    const ended = () => setImmediate(closed);
    raw.on('end', ended);
    // Exactly n bytes, once they have arrived.
    const read = (n) => new Promise((done) => {
      const attempt = () => {
        const b = raw.read(n);
        if (b === null) raw.once('readable', attempt);
        else if (b.length < n) closed();
        else done(b);
      };
      attempt();
    });
    const ipv6Bytes = (a) => {
      const v4 = a.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
      if (v4) {
        const [w, x, y, z] = v4.slice(1).map(Number);
        a = `${a.slice(0, v4.index)}${((w << 8) | x).toString(16)}:${((y << 8) | z).toString(16)}`;
      }
      const [l, r] = a.includes('::') ? a.split('::') : [a, null];
      const left = l ? l.split(':') : [];
      const right = r ? r.split(':') : [];
      const words = r === null ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
      return Buffer.from(words.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]));
    };
    const target = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
    const dialogue = async () => {
      if (PROXY_KIND === 'http') {
        let request = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n`;
        if (PROXY_USER !== null) {
          const token = Buffer.from(`${PROXY_USER}:${PROXY_PASS}`).toString('base64');
          request += `Proxy-Authorization: Basic ${token}\r\n`;
        }
        raw.write(`${request}\r\n`);
        let head = '';
        while (!head.endsWith('\r\n\r\n')) { // status line and headers, at most 64 KiB
          if (head.length >= 65536) throw refused('the proxy sent more than 64 KiB of headers');
          head += (await read(1)).toString('latin1');
        }
        const status = head.split('\r\n')[0];
        const code = status.split(' ')[1] || '';
        if (!status.startsWith('HTTP/') || !code) {
          throw refused(`the proxy did not answer in HTTP: ${JSON.stringify(status)}`);
        }
        if (!/^2\d\d$/.test(code)) throw refused(`proxy refused the tunnel: ${status}`);
        return;
      }
      raw.write(Buffer.from(PROXY_USER !== null ? [5, 2, 0, 2] : [5, 1, 0])); // no-auth, user/password
      const [version, method] = await read(2);
      if (version !== 5) throw refused('the proxy is not a SOCKS5 server (its answer is not version 5)');
      if (method === 2 && PROXY_USER !== null) {
        const user = Buffer.from(PROXY_USER);
        const pass = Buffer.from(PROXY_PASS);
        raw.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
        const status = (await read(2))[1];
        if (status !== 0) {
          throw refused(`the SOCKS5 proxy refused our user name and password (SOCKS auth status ${status})`);
        }
      } else if (method !== 0) {
        throw refused(`the SOCKS5 proxy accepts none of our authentication methods (0x${method.toString(16)})`);
      }
      // socks5: resolved here, the proxy gets the first address; socks5h: the name.
      const address = PROXY_KIND === 'socks5' ? (await dns.promises.lookup(host)).address : host;
      const name = Buffer.from(address);
      const dst = net.isIPv4(address) ? Buffer.from([1, ...address.split('.').map(Number)])
        : net.isIPv6(address) ? Buffer.concat([Buffer.from([4]), ipv6Bytes(address)])
          : Buffer.concat([Buffer.from([3, name.length]), name]);
      raw.write(Buffer.concat([Buffer.from([5, 1, 0]), dst, Buffer.from([port >> 8, port & 255])]));
      const [v, reply, , atyp] = await read(4);
      if (v !== 5) throw refused('the proxy sent a reply that is not SOCKS5');
      if (reply !== 0) {
        const meaning = SOCKS_REPLIES[reply] || 'unassigned reply code';
        throw refused(`the SOCKS5 proxy could not connect to ${target}: reply ${reply}, ${meaning}`);
      }
      const bound = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? (await read(1))[0] : -1;
      if (bound < 0) throw refused('the proxy sent an unknown address type');
      await read(bound + 2); // the address and port the proxy bound
    };
    raw.once('connect', () => dialogue().then(() => {
      // The tunnel is open: the socket is TLS's from here on.
      raw.setTimeout(0);
      raw.removeListener('error', fail);
      raw.removeListener('end', ended);
      raw.removeAllListeners('readable');
      resolve(raw);
    }, fail));
  });
}

"#;

/// Java: the constants (after the timeouts).
pub(super) fn java_consts(o: &mut String, u: &ProxyUrl) {
    for l in about(u, "openTunnel") {
        let _ = writeln!(o, "    // {l}");
    }
    let _ = writeln!(
        o,
        "    static final String PROXY_KIND = {};  // {}",
        c_like_str(u.kind.scheme()),
        KIND_NOTE.replace('\'', "\"")
    );
    let _ = writeln!(
        o,
        "    static final String PROXY_HOST = {};",
        c_like_str(&u.host)
    );
    let _ = writeln!(o, "    static final int PROXY_PORT = {};", u.port);
    match &u.auth {
        Some((user, pass)) => {
            let _ = writeln!(
                o,
                "    static final String PROXY_USER = {}, PROXY_PASS = {};",
                c_like_str(user),
                c_like_str(pass)
            );
        }
        None => o.push_str(
            "    static final String PROXY_USER = null, PROXY_PASS = null;  // no credentials\n",
        ),
    }
    o.push('\n');
}

/// Java: the reply table and `openTunnel` (before main).
pub(super) fn java_fn(o: &mut String) {
    o.push_str("    static final String[] SOCKS_REPLIES = {\n        \"succeeded\",\n");
    for l in socks_replies(|_, t| format!("        {},\n", c_like_str(t))) {
        o.push_str(&l);
    }
    o.push_str("    };\n\n");
    o.push_str(JAVA_TUNNEL);
}

/// The imports `openTunnel` needs beyond the plain export's.
pub(super) const JAVA_IMPORTS: &str = "import java.io.ByteArrayOutputStream;\n\
     import java.io.IOException;\n\
     import java.io.InputStream;\n\
     import java.io.OutputStream;\n\
     import java.net.InetAddress;\n\
     import java.nio.charset.StandardCharsets;\n\
     import java.util.Base64;\n";

const JAVA_TUNNEL: &str = r#"    // A TCP connection to host:port through the proxy: HTTP CONNECT, or SOCKS5 (RFC 1928,
    // user/password RFC 1929). CONNECT_MS bounds the connect to the proxy and
    // HANDSHAKE_MS each read of its dialogue, as in tlslens. An IOException carries the
    // proxy's own answer.
    static Socket openTunnel(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(PROXY_HOST, PROXY_PORT), CONNECT_MS);
            s.setSoTimeout(HANDSHAKE_MS);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String target = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
            if (PROXY_KIND.equals("http")) {
                String request = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
                if (PROXY_USER != null) {
                    String token = Base64.getEncoder().encodeToString(
                        (PROXY_USER + ":" + PROXY_PASS).getBytes(StandardCharsets.UTF_8));
                    request += "Proxy-Authorization: Basic " + token + "\r\n";
                }
                out.write((request + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                // The status line and headers, at most 64 KiB, up to the empty line.
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                for (int last4 = 0; last4 != 0x0d0a0d0a; ) {
                    int b = in.read();
                    if (b < 0) throw new IOException("the proxy closed the connection");
                    if (head.size() >= 65536) throw new IOException("the proxy sent more than 64 KiB of headers");
                    head.write(b);
                    last4 = (last4 << 8) | b;
                }
                String status = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
                String[] words = status.split(" ");
                if (!status.startsWith("HTTP/") || words.length < 2) {
                    throw new IOException("the proxy did not answer in HTTP: " + status);
                }
                if (!words[1].matches("2\\d\\d")) throw new IOException("proxy refused the tunnel: " + status);
                return s;
            }
            // SOCKS5: methods no-auth, and user/password when there are credentials.
            out.write(PROXY_USER != null ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0});
            byte[] r = in.readNBytes(2);
            if (r.length < 2 || r[0] != 5) {
                throw new IOException("the proxy is not a SOCKS5 server (its answer is not version 5)");
            }
            int method = r[1] & 0xff;
            if (method == 2 && PROXY_USER != null) {
                byte[] user = PROXY_USER.getBytes(StandardCharsets.UTF_8);
                byte[] pass = PROXY_PASS.getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream auth = new ByteArrayOutputStream();
                auth.write(1);
                auth.write(user.length);
                auth.writeBytes(user);
                auth.write(pass.length);
                auth.writeBytes(pass);
                out.write(auth.toByteArray());
                r = in.readNBytes(2);
                int status = r.length < 2 ? -1 : r[1] & 0xff;
                if (status != 0) {
                    throw new IOException("the SOCKS5 proxy refused our user name and password (SOCKS auth status " + status + ")");
                }
            } else if (method != 0) {
                throw new IOException(String.format("the SOCKS5 proxy accepts none of our authentication methods (0x%02x)", method));
            }
            // socks5: resolved here, the proxy gets the first address; socks5h: the name.
            String address = PROXY_KIND.equals("socks5") ? InetAddress.getByName(host).getHostAddress() : host;
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(new byte[] {5, 1, 0});
            if (address.matches("[0-9.]+") || address.contains(":")) {
                byte[] ip = InetAddress.getByName(address).getAddress();  // a literal: no lookup
                req.write(ip.length == 4 ? 1 : 4);
                req.writeBytes(ip);
            } else {
                byte[] name = address.getBytes(StandardCharsets.UTF_8);
                req.write(3);
                req.write(name.length);
                req.writeBytes(name);
            }
            req.write(port >> 8);
            req.write(port & 0xff);
            out.write(req.toByteArray());
            byte[] h = in.readNBytes(4);
            if (h.length < 4 || h[0] != 5) throw new IOException("the proxy sent a reply that is not SOCKS5");
            int reply = h[1] & 0xff;
            if (reply != 0) {
                String meaning = reply < SOCKS_REPLIES.length ? SOCKS_REPLIES[reply] : "unassigned reply code";
                throw new IOException("the SOCKS5 proxy could not connect to " + target + ": reply " + reply + ", " + meaning);
            }
            int bound = h[3] == 1 ? 4 : h[3] == 4 ? 16 : h[3] == 3 ? in.read() : -1;
            if (bound < 0) throw new IOException("the proxy sent an unknown address type");
            if (in.readNBytes(bound + 2).length < bound + 2) {  // the address and port it bound
                throw new IOException("the proxy closed the connection");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

"#;
