//! Java (JSSE, the JDK's own TLS stack): one source file, run with `java File.java`.

use super::comments::*;
use super::java_starttls;
use super::python_starttls::header_line;
use super::quote::*;
use super::tunnel;
use crate::profile::{Profile, TlsVersion, Trust, VerifyMode};
use std::fmt::Write as _;
use std::net::SocketAddr;

fn jsse_version(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::V1_0 => "TLSv1",
        TlsVersion::V1_1 => "TLSv1.1",
        TlsVersion::V1_2 => "TLSv1.2",
        TlsVersion::V1_3 => "TLSv1.3",
    }
}

const VERSIONS: [TlsVersion; 4] = [
    TlsVersion::V1_0,
    TlsVersion::V1_1,
    TlsVersion::V1_2,
    TlsVersion::V1_3,
];

/// JSSE names suites by their IANA names: an OpenSSL cipher string that is a plain
/// list of suites translates; keywords (DEFAULT, HIGH, !aNULL, @SECLEVEL) do not.
fn iana_list(list: &str) -> Option<Vec<String>> {
    let names: Vec<&str> = list
        .split([':', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return None;
    }
    names
        .iter()
        .map(|n| crate::wire::names::cipher_id_from_name(n).map(crate::wire::names::cipher_name))
        .collect()
}

struct Body {
    o: String,
}

impl Body {
    fn code(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.o, "            {line}");
    }
    fn note(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.o, "            // {line}");
    }
}

pub(super) fn java(p: &Profile, via: Option<SocketAddr>) -> String {
    let mut o = String::new();
    let mut hdr = header_reaching(
        p,
        "Java's JSSE (the JDK's own TLS stack)",
        &tunnel::KINDS,
        true,
    );
    hdr.extend(p.starttls.map(header_line));
    hdr.push(
        "Run: java TlslensRepro.java (JDK 11+). Prints \"<version> <cipher>\" (IANA name)".into(),
    );
    hdr.push("and exits 0, or prints the exception and exits 1.".into());
    comment_block(&mut o, "//", "", &hdr);
    o.push_str(
        "import java.io.FileInputStream;\n\
         import java.net.InetSocketAddress;\n\
         import java.net.Socket;\n\
         import java.security.KeyStore;\n\
         import java.security.Security;\n\
         import java.security.cert.Certificate;\n\
         import java.security.cert.CertificateFactory;\n\
         import java.security.cert.X509Certificate;\n\
         import java.util.ArrayList;\n\
         import java.util.List;\n\
         import javax.net.ssl.*;\n",
    );
    let proxy = tunnel::proxy_of(p);
    if proxy.is_some() {
        o.push_str(tunnel::JAVA_IMPORTS);
    } else if p.starttls.is_some() {
        o.push_str(java_starttls::IMPORTS);
    }
    o.push_str("\npublic class TlslensRepro {\n");
    let (host, port, relay) = super::connect_to(p, via);
    let _ = write!(o, "    static final String HOST = {};", c_like_str(&host));
    let _ = writeln!(
        o,
        "{}",
        relay.map(|r| format!("  // {r}")).unwrap_or_default()
    );
    let _ = writeln!(o, "    static final int PORT = {port};");
    let _ = writeln!(
        o,
        "    static final String CHECK_NAME = {};  // the name the certificate is checked against",
        c_like_str(p.verify_name())
    );
    let _ = writeln!(
        o,
        "    static final int CONNECT_MS = {}, HANDSHAKE_MS = {};\n",
        millis(p.connect_timeout),
        millis(p.handshake_timeout)
    );
    if let Some(u) = &proxy {
        tunnel::java_consts(&mut o, u);
        tunnel::java_fn(&mut o);
    }
    if let Some(proto) = p.starttls {
        java_starttls::java_consts(&mut o, p, proto);
        java_starttls::java_fn(&mut o, proto);
    }
    o.push_str("    public static void main(String[] args) {\n        try {\n");
    let mut b = Body { o };

    // Versions: JDK 17 disables TLS 1.0/1.1 in the java.security policy.
    let lo = p.min_tls.unwrap_or(TlsVersion::V1_2);
    let hi = p.max_tls.unwrap_or(TlsVersion::V1_3);
    if lo < TlsVersion::V1_2 && lo <= hi {
        b.note(OLD_TLS.to_string());
        b.note(
            "JSSE disables TLSv1 and TLSv1.1 in jdk.tls.disabledAlgorithms: take them out of it.",
        );
        b.code("List<String> keep = new ArrayList<>();");
        b.code(
            "for (String a : Security.getProperty(\"jdk.tls.disabledAlgorithms\").split(\",\")) {",
        );
        b.code("    if (!a.trim().equals(\"TLSv1\") && !a.trim().equals(\"TLSv1.1\")) keep.add(a.trim());");
        b.code("}");
        b.code("Security.setProperty(\"jdk.tls.disabledAlgorithms\", String.join(\", \", keep));");
    }
    let groups = p.group_list();
    if !groups.is_empty() {
        b.note("Key-exchange groups (read once, before the first handshake).");
        b.code(format!(
            "System.setProperty(\"jdk.tls.namedGroups\", {});",
            c_like_str(&groups.join(","))
        ));
    }
    if let Some(l) = p.seclevel {
        b.note(format!(
            "NOT EXPRESSIBLE: OpenSSL security level {l}: JSSE has no security levels (its policy is"
        ));
        b.note("jdk.tls.disabledAlgorithms and jdk.certpath.disabledAlgorithms in java.security).");
    }

    // Trust.
    match (p.verify, p.trust) {
        (VerifyMode::Off, _) => {
            b.note(VERIFY_OFF);
            b.code("TrustManager[] trust = { new X509TrustManager() {");
            b.code("    public void checkClientTrusted(X509Certificate[] c, String a) {}");
            b.code("    public void checkServerTrusted(X509Certificate[] c, String a) {}");
            b.code("    public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }");
            b.code("} };");
        }
        (_, Trust::File) if p.cacert.is_some() => {
            b.code("KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());");
            b.code("roots.load(null, null);");
            b.code(format!(
                "try (FileInputStream in = new FileInputStream({})) {{",
                c_like_str(&cacert_path(p))
            ));
            b.code("    int i = 0;");
            b.code("    for (Certificate c : CertificateFactory.getInstance(\"X.509\").generateCertificates(in)) {");
            b.code("        roots.setCertificateEntry(\"ca\" + i++, c);");
            b.code("    }");
            b.code("}");
            b.code("TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());");
            b.code("tmf.init(roots);");
            b.code("TrustManager[] trust = tmf.getTrustManagers();");
        }
        (_, t) => {
            if t == Trust::Webpki {
                b.note(webpki_not_expressible("the JDK's cacerts are used"));
            }
            b.code("TrustManager[] trust = null;  // the JDK's cacerts");
        }
    }
    if let Some(n) = cacert_ignored_note(p) {
        b.note(n);
    }
    if p.cert.is_some() {
        b.note("NOT EXPRESSIBLE: a PEM client certificate: JSSE reads keys from a key store; convert with");
        b.note(
            "`openssl pkcs12 -export -in CERT -inkey KEY -out client.p12` and pass a KeyManager.",
        );
    }
    b.code("SSLContext ctx = SSLContext.getInstance(\"TLS\");");
    b.code("ctx.init(null, trust, null);");
    if proxy.is_some() {
        b.code("Socket raw = openTunnel(HOST, PORT);  // through the proxy");
    } else {
        b.code("Socket raw = new Socket();");
        b.code("raw.connect(new InetSocketAddress(HOST, PORT), CONNECT_MS);");
    }
    b.code("raw.setSoTimeout(HANDSHAKE_MS);");
    if let Some(proto) = p.starttls {
        b.code(format!(
            "starttls(raw);  // the {proto} upgrade: TLS starts after the server's go-ahead"
        ));
    }
    b.note("The name given here is the one the certificate is checked against.");
    b.code("SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, CHECK_NAME, PORT, true);");
    b.code("SSLParameters prm = tls.getSSLParameters();");
    match p.sni_name() {
        Some(n) => b.code(format!(
            "prm.setServerNames(List.of(new SNIHostName({})));",
            c_like_str(n)
        )),
        None => b.code("prm.setServerNames(List.of());  // no SNI"),
    }
    match p.verify {
        VerifyMode::Full => {
            b.code("prm.setEndpointIdentificationAlgorithm(\"HTTPS\");  // check the name")
        }
        VerifyMode::ChainOnly => {
            b.note(NO_HOST_CHECK);
            b.code("prm.setEndpointIdentificationAlgorithm(null);");
        }
        VerifyMode::Off => b.code("prm.setEndpointIdentificationAlgorithm(null);"),
    }
    if p.min_tls.is_some() || p.max_tls.is_some() {
        let list: Vec<String> = VERSIONS
            .iter()
            .filter(|v| **v >= lo && **v <= hi)
            .map(|v| jsse_version(*v).to_string())
            .collect();
        b.code(format!(
            "prm.setProtocols(new String[] {{{}}});",
            literal_list(&list, c_like_str)
        ));
    }
    if p.ciphers.is_some() || p.ciphersuites.is_some() {
        let old = match p.ciphers.as_deref() {
            None => Some(Vec::new()),
            Some(c) => iana_list(c),
        };
        let new = match p.ciphersuites.as_deref() {
            None => Some(
                [
                    "TLS_AES_256_GCM_SHA384",
                    "TLS_AES_128_GCM_SHA256",
                    "TLS_CHACHA20_POLY1305_SHA256",
                ]
                .map(String::from)
                .to_vec(),
            ),
            Some(c) => iana_list(c),
        };
        match (old, new) {
            (Some(old), Some(new)) if p.ciphers.is_some() => {
                b.note(format!("NOTE: cipher list '{}' as JSSE (IANA) names", shown(p.ciphers.as_deref().unwrap_or(""))));
                b.code(format!(
                    "prm.setCipherSuites(new String[] {{{}}});",
                    literal_list(&[new, old].concat(), c_like_str)
                ));
            }
            (Some(_), Some(new)) => b.code(format!(
                "prm.setCipherSuites(new String[] {{{}}});",
                literal_list(&new, c_like_str)
            )),
            _ => b.note(
                "NOT EXPRESSIBLE: an OpenSSL cipher string with keywords: JSSE takes a list of suite names.",
            ),
        }
    }
    if !p.alpn.is_empty() {
        b.code(format!(
            "prm.setApplicationProtocols(new String[] {{{}}});",
            literal_list(&p.alpn, c_like_str)
        ));
    }
    b.code("tls.setSSLParameters(prm);");
    b.code("tls.startHandshake();");
    b.code("SSLSession s = tls.getSession();");
    b.code("System.out.println(s.getProtocol() + \" \" + s.getCipherSuite());");
    b.code("tls.close();");
    let mut o = b.o;
    o.push_str(
        "        } catch (Exception e) {\n\
         \x20           System.err.println(e.getClass().getName() + \": \" + e.getMessage());\n\
         \x20           System.exit(1);\n\
         \x20       }\n\
         \x20   }\n\
         }\n",
    );
    if p.starttls.is_some() {
        o.push_str(java_starttls::CLASSES);
    }
    o
}
