//! The security policy, once: which settings weaken security and what each costs.
//! The `weakened` list in reports, the editor's and header's marks, the exporters'
//! "Profile weakenings" line and the cost of every suggested fix all come from here.

use super::change::Change;
use super::fields::{FIELDS, Field};
use super::{Profile, TlsVersion, VerifyMode};

/// One setting in effect that weakens security.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Weakening {
    pub field: Field,
    /// What is weakened, in words ("certificate verification is OFF").
    pub what: String,
    /// What it costs, in words — the price a suggested change is shown with.
    pub cost: String,
    /// A few words for a crowded header ("seclevel 0").
    pub short: String,
    /// The comment a reproduction carries on the line that weakens (`WEAKENS
    /// SECURITY: …`); None where the exporter words it around the value itself.
    pub note: Option<&'static str>,
}

/// The exporters' comment for TLS 1.0/1.1, also used where only the maximum lets them in.
pub const NOTE_OLD_TLS: &str = "WEAKENS SECURITY: TLS 1.0/1.1 are deprecated (RFC 8996): SHA-1/MD5-based handshake, no AEAD ciphers";
/// The exporters' comment for verification off.
pub const NOTE_VERIFY_OFF: &str = "WEAKENS SECURITY: verify off: anyone can impersonate the server (no chain check, no host-name check)";
/// The exporters' comment for a chain-only check.
pub const NOTE_NO_HOST_CHECK: &str = "WEAKENS SECURITY: no host-name check: any certificate a trusted CA issued, for any name, is accepted";

/// How a field's value can weaken security.
#[derive(Clone, Copy)]
pub struct Policy {
    /// Gravest first, when several are listed together.
    pub rank: u8,
    pub check: fn(&Profile) -> Option<Weakening>,
}

/// Whether a field can weaken security.
#[derive(Clone, Copy)]
pub enum Weakens {
    Never,
    When(Policy),
}

fn weak(
    field: Field,
    what: String,
    cost: String,
    short: String,
    note: Option<&'static str>,
) -> Option<Weakening> {
    Some(Weakening {
        field,
        what,
        cost,
        short,
        note,
    })
}

pub(super) const VERIFY: Policy = Policy {
    rank: 0,
    check: |p| match p.verify {
        VerifyMode::Full => None,
        VerifyMode::Off => weak(
            Field::Verify,
            "certificate verification is OFF".into(),
            "verification off: anyone on the path can impersonate the server".into(),
            "verify off".into(),
            Some(NOTE_VERIFY_OFF),
        ),
        VerifyMode::ChainOnly => weak(
            Field::Verify,
            "host name is NOT checked".into(),
            "host name not checked: any certificate from a trusted CA, for any name, is accepted"
                .into(),
            "verify chain-only".into(),
            Some(NOTE_NO_HOST_CHECK),
        ),
    },
};

pub(super) const SECLEVEL: Policy = Policy {
    rank: 1,
    check: |p| {
        let l = p.seclevel.filter(|l| *l <= 1)?;
        let (cost, note) = if l == 0 {
            (
                "security level 0 accepts anything: MD5+SHA-1 and SHA-1 signatures, RSA/DH keys of any size",
                "WEAKENS SECURITY: security level 0 allows MD5+SHA-1 signatures and tiny keys",
            )
        } else {
            (
                "security level 1 accepts RSA/DH keys down to 1024 bits (80-bit security)",
                "WEAKENS SECURITY: security level 1 allows 1024-bit RSA/DH keys (80-bit security; the default is 2)",
            )
        };
        weak(
            Field::Seclevel,
            format!("OpenSSL security level {l} (below the default 2)"),
            cost.into(),
            format!("seclevel {l}"),
            Some(note),
        )
    },
};

pub(super) const MIN_TLS: Policy = Policy {
    rank: 2,
    check: |p| {
        let v = p.min_tls.filter(|v| *v < TlsVersion::V1_2)?;
        weak(
            Field::MinTls,
            format!("minimum version {v} (deprecated by RFC 8996)"),
            "TLS 1.0/1.1 are deprecated (RFC 8996): CBC MAC-then-encrypt, and an MD5+SHA-1 signed handshake".into(),
            format!("min TLS {}", v.short()),
            Some(NOTE_OLD_TLS),
        )
    },
};

pub(super) const CIPHERS: Policy = Policy {
    rank: 3,
    check: |p| {
        let c = p.ciphers.as_deref()?;
        let what = if c.contains("SECLEVEL=0") || c.contains("SECLEVEL=1") {
            format!("cipher string '{c}' lowers the security level")
        } else {
            format!("non-default cipher string '{c}'")
        };
        weak(
            Field::Ciphers,
            what,
            format!("a hand-picked cipher list ({c}) replaces the library's judgement"),
            "custom ciphers".into(),
            None,
        )
    },
};

impl Field {
    /// How this field's value in `p` weakens security, if it does.
    pub fn weakening(self, p: &Profile) -> Option<Weakening> {
        match self.spec().weakens {
            Weakens::Never => None,
            Weakens::When(policy) => (policy.check)(p),
        }
    }
}

/// Whether offering `v` weakens security (TLS 1.0/1.1): the minimum's policy, asked
/// about any version bound.
pub fn old_version(v: TlsVersion) -> bool {
    let p = Profile {
        min_tls: Some(v),
        ..Profile::default()
    };
    Field::MinTls.weakening(&p).is_some()
}

/// The exporters' comment for a security level that weakens, if `level` does.
pub fn seclevel_note(level: u8) -> Option<&'static str> {
    let p = Profile {
        seclevel: Some(level),
        ..Profile::default()
    };
    Field::Seclevel.weakening(&p).and_then(|w| w.note)
}

impl Profile {
    /// Settings in effect that weaken security, gravest first.
    pub fn weakened(&self) -> Vec<Weakening> {
        let mut found: Vec<(u8, Weakening)> = FIELDS
            .iter()
            .filter_map(|s| match s.weakens {
                Weakens::Never => None,
                Weakens::When(policy) => (policy.check)(self).map(|w| (policy.rank, w)),
            })
            .collect();
        found.sort_by_key(|(rank, _)| *rank);
        found.into_iter().map(|(_, w)| w).collect()
    }

    /// The weakenings in words. Shown in every front end.
    pub fn weakenings(&self) -> Vec<String> {
        self.weakened().into_iter().map(|w| w.what).collect()
    }
}

/// What a set of changes costs in security, in words: each change's weakening cost,
/// or the field's note when the change weakens nothing ("none" when nothing is said).
pub fn cost_of(changes: &[Change]) -> String {
    let parts: Vec<String> = changes
        .iter()
        .filter_map(|c| {
            let mut p = Profile::default();
            c.apply(&mut p);
            let field = c.field();
            field
                .weakening(&p)
                .map(|w| w.cost)
                .or_else(|| field.spec().harmless.map(String::from))
        })
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join("; ")
    }
}
