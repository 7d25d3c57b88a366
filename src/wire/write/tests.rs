use super::*;
use crate::wire::dissect::{dissect, tests::check_tiling};
use crate::wire::{Chunk, ClientHello, Direction, Transcript, names};
use std::time::Duration;

fn chunk(bytes: Vec<u8>) -> Vec<Chunk> {
    vec![Chunk {
        dir: Direction::Client,
        at: Duration::ZERO,
        bytes,
    }]
}

/// Decode the written records; exactly one ClientHello, nothing odd.
fn decoded(spec: &ClientHelloSpec) -> ClientHello {
    let t = Transcript::decode(&chunk(spec.to_records()));
    assert!(t.notes.is_empty(), "{:?}", t.notes);
    assert_eq!(t.messages.len(), 1, "{:?}", t.messages);
    t.client_hello().cloned().expect("a ClientHello")
}

/// The typed view equals what was built, field by field.
fn assert_round_trip(spec: &ClientHelloSpec) {
    let ch = decoded(spec);
    assert_eq!(ch.record_version.0, spec.record_version);
    assert_eq!(ch.legacy_version.0, spec.legacy_version);
    assert_eq!(ch.random, crate::wire::hex(&spec.random));
    assert_eq!(ch.session_id_len, spec.session_id.len());
    let suites: Vec<u16> = ch.cipher_suites.iter().map(|s| s.0).collect();
    assert_eq!(suites, spec.cipher_suites);
    assert_eq!(ch.compression_methods, spec.compression_methods);
    let e = &ch.ext;
    assert!(e.malformed.is_empty(), "{:?}", e.malformed);
    let built = spec.extensions.clone().unwrap_or_default();
    let codes: Vec<u16> = e.extensions.iter().map(|x| x.code).collect();
    assert_eq!(codes, built.iter().map(Ext::code).collect::<Vec<_>>());
    for (entry, x) in e.extensions.iter().zip(&built) {
        assert_eq!(entry.name, x.name());
        assert_eq!(entry.len, x.body().len());
        match x {
            Ext::ServerName(h) => assert_eq!(e.server_name.as_deref(), Some(h.as_str())),
            Ext::StatusRequest => assert!(e.status_request),
            Ext::SupportedGroups(g) => assert_eq!(
                e.supported_groups
                    .as_ref()
                    .map(|v| v.iter().map(|g| g.0).collect()),
                Some(g.clone())
            ),
            Ext::EcPointFormats(f) => assert_eq!(
                e.ec_point_formats,
                Some(f.iter().map(|f| names::ec_point_format_name(*f)).collect())
            ),
            Ext::SignatureAlgorithms(s) => assert_eq!(
                e.signature_algorithms
                    .as_ref()
                    .map(|v| v.iter().map(|s| s.0).collect()),
                Some(s.clone())
            ),
            Ext::Alpn(p) => assert_eq!(e.alpn.as_ref(), Some(p)),
            Ext::Padding(n) => assert_eq!(e.padding_len, Some(*n)),
            Ext::EncryptThenMac => assert!(e.encrypt_then_mac),
            Ext::ExtendedMasterSecret => assert!(e.extended_master_secret),
            Ext::SessionTicket(t) => {
                assert!(e.session_ticket);
                assert_eq!(e.session_ticket_len, Some(t.len()));
            }
            Ext::SupportedVersions(v) => assert_eq!(
                e.supported_versions
                    .as_ref()
                    .map(|x| x.iter().map(|v| v.0).collect()),
                Some(v.clone())
            ),
            Ext::PskKeyExchangeModes(m) => assert_eq!(
                e.psk_key_exchange_modes,
                Some(m.iter().map(|m| names::psk_mode_name(*m)).collect())
            ),
            Ext::KeyShare(shares) => {
                let got: Vec<(u16, usize)> = e
                    .key_shares
                    .as_ref()
                    .expect("key_shares decoded")
                    .iter()
                    .map(|k| (k.group.0, k.key_len))
                    .collect();
                let want: Vec<(u16, usize)> = shares
                    .iter()
                    .map(|s| (s.group, s.key_bytes().len()))
                    .collect();
                assert_eq!(got, want);
            }
            Ext::RenegotiationInfo(_) => assert!(e.renegotiation_info),
            Ext::Heartbeat(_) | Ext::Raw(..) => {}
        }
    }
    // The dissector, over the same bytes: one ClientHello whose fields tile it, with
    // one field per extension, named from the same registry.
    let ds = dissect(&chunk(spec.to_records()));
    assert_eq!(ds.len(), 1);
    let d = &ds[0];
    assert_eq!(d.name, "ClientHello");
    assert_eq!(d.raw, spec.handshake());
    check_tiling(d);
    assert!(
        d.fields
            .iter()
            .all(|f| f.name != "unparsed" && f.name != "malformed")
    );
    for x in &built {
        let want = format!("extension {}", x.name());
        assert!(d.fields.iter().any(|f| f.name == want), "{want}");
    }
}

const SUITES: [u16; 7] = [0x1301, 0xc02f, 0x009c, 0x002f, 0x00ff, 0x5600, 0x1234];

#[test]
fn every_version_round_trips() {
    for v in 0x0300..=0x0304 {
        let spec = ClientHelloSpec::for_version(v, Some("localhost"), &SUITES);
        assert_round_trip(&spec);
        let ch = decoded(&spec);
        assert_eq!(ch.legacy_version.0, v.min(0x0303));
        assert_eq!(spec.extensions.is_none(), v == 0x0300);
    }
}

#[test]
fn every_extension_round_trips() {
    let mut spec = ClientHelloSpec::for_version(0x0304, Some("example.test"), &[0x2a2a, 0x1302]);
    spec.session_id = vec![7; 32];
    spec.compression_methods = vec![1, 0];
    let shares = [
        0x0017, 0x0018, 0x0019, 0x001d, 0x001e, 0x0100, 0x0201, 0x11eb, 0x11ec, 0x11ed,
    ]
    .into_iter()
    .map(KeyShareEntry::dummy)
    .chain([KeyShareEntry {
        group: 0x4a4a,
        key: KeyBytes::Given(vec![0]),
    }])
    .collect();
    spec.set(Ext::KeyShare(shares))
        .set(Ext::StatusRequest)
        .set(Ext::Heartbeat(1))
        .set(Ext::Alpn(vec!["h2".into(), "http/1.1".into()]))
        .set(Ext::EncryptThenMac)
        .set(Ext::SessionTicket(vec![9; 40]))
        .set(Ext::SupportedVersions(vec![
            0x0304, 0x0303, 0x0302, 0x0301, 0x0300,
        ]))
        .set(Ext::Raw(0x1234, vec![1, 2, 3]))
        .set(Ext::Raw(0xfafa, Vec::new()))
        .set(Ext::Padding(100));
    assert_round_trip(&spec);
    // set() replaces in place, remove() drops.
    let n = spec.extensions.as_ref().map_or(0, Vec::len);
    spec.set(Ext::ServerName("other.test".into()))
        .remove(0x1234);
    assert_eq!(spec.extensions.as_ref().map_or(0, Vec::len), n - 1);
    assert_eq!(
        decoded(&spec).ext.server_name.as_deref(),
        Some("other.test")
    );
}

#[test]
fn no_key_share_and_empty_blocks() {
    let mut spec = ClientHelloSpec::for_version(0x0304, None, &[0x1301]);
    spec.set(Ext::KeyShare(Vec::new()));
    assert_round_trip(&spec);
    assert_eq!(decoded(&spec).ext.key_shares.map(|k| k.len()), Some(0));
    spec.extensions = Some(Vec::new());
    assert_round_trip(&spec);
    spec.cipher_suites.clear();
    spec.compression_methods.clear();
    assert_round_trip(&spec);
}

#[test]
fn a_hello_longer_than_a_record_is_split() {
    let mut spec = ClientHelloSpec::for_version(0x0303, Some("localhost"), &SUITES);
    spec.set(Ext::Padding(20_000));
    let bytes = spec.to_records();
    assert_eq!(bytes.len(), spec.handshake().len() + 2 * 5);
    assert_eq!(bytes[..5], [22, 3, 1, 0x40, 0]);
    assert_round_trip(&spec);
}

#[test]
fn dummy_shares_have_the_group_length_and_valid_points() {
    use openssl::bn::BigNumContext;
    use openssl::ec::{EcGroup, PointConversionForm};
    use openssl::nid::Nid;
    for g in [
        0x0017, 0x0018, 0x0019, 0x001d, 0x001e, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x0200,
        0x0201, 0x0202, 0x11eb, 0x11ec, 0x11ed,
    ] {
        let k = dummy_key_share(g).expect("a dummy");
        assert_eq!(Some(k.len()), key_share_len(g), "{g:04x}");
    }
    assert_eq!(dummy_key_share(0xabcd), None);
    let mut ctx = BigNumContext::new().unwrap();
    for (g, nid) in [
        (0x0017, Nid::X9_62_PRIME256V1),
        (0x0018, Nid::SECP384R1),
        (0x0019, Nid::SECP521R1),
    ] {
        let group = EcGroup::from_curve_name(nid).unwrap();
        let g_point = group
            .generator_opt()
            .unwrap()
            .to_bytes(&group, PointConversionForm::UNCOMPRESSED, &mut ctx)
            .unwrap();
        assert_eq!(dummy_key_share(g), Some(g_point), "{g:04x}");
    }
}

#[test]
fn hellos_are_fresh_and_lengths_saturate() {
    let a = ClientHelloSpec::for_version(0x0303, None, &[0xc02f]);
    let b = ClientHelloSpec::for_version(0x0303, None, &[0xc02f]);
    assert_ne!(a.random, b.random);
    // A body longer than its length prefix can say is cut, not a panic.
    let mut long = a.clone();
    long.session_id = vec![1; 300];
    let body = long.body();
    assert_eq!(body[34], 255);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn host() -> impl Strategy<Value = String> {
        "[a-z0-9][a-z0-9.-]{0,40}"
    }

    fn ext() -> impl Strategy<Value = Ext> {
        let groups = prop::collection::vec(
            prop::sample::select(vec![
                0x001du16, 0x0017, 0x0018, 0x0019, 0x0100, 0x11ec, 0x2a2a,
            ]),
            0..6,
        );
        prop_oneof![
            host().prop_map(Ext::ServerName),
            Just(Ext::StatusRequest),
            groups.clone().prop_map(Ext::SupportedGroups),
            prop::collection::vec(0u8..3, 0..4).prop_map(Ext::EcPointFormats),
            prop::collection::vec(any::<u16>(), 0..20).prop_map(Ext::SignatureAlgorithms),
            (1u8..=2).prop_map(Ext::Heartbeat),
            prop::collection::vec("[!-\\[\\]-~]{1,20}", 0..4).prop_map(Ext::Alpn),
            (0usize..600).prop_map(Ext::Padding),
            Just(Ext::EncryptThenMac),
            Just(Ext::ExtendedMasterSecret),
            prop::collection::vec(any::<u8>(), 0..200).prop_map(Ext::SessionTicket),
            prop::collection::vec(0x0300u16..=0x0304, 0..5).prop_map(Ext::SupportedVersions),
            prop::collection::vec(0u8..2, 0..3).prop_map(Ext::PskKeyExchangeModes),
            groups.prop_map(|g| Ext::KeyShare(g.into_iter().map(KeyShareEntry::dummy).collect())),
            Just(Ext::RenegotiationInfo(Vec::new())),
            (0x0100u16..0x0200, prop::collection::vec(any::<u8>(), 0..50))
                .prop_map(|(c, b)| Ext::Raw(c, b)),
        ]
    }

    fn spec() -> impl Strategy<Value = ClientHelloSpec> {
        (
            0x0300u16..=0x0304,
            any::<[u8; 32]>(),
            prop::collection::vec(any::<u8>(), 0..=32),
            prop::collection::vec(any::<u16>(), 0..60),
            prop::collection::vec(any::<u8>(), 0..4),
            prop::option::of(prop::collection::vec(ext(), 0..16)),
        )
            .prop_map(
                |(v, random, session_id, cipher_suites, compression_methods, exts)| {
                    let mut s = ClientHelloSpec {
                        record_version: v.min(0x0301),
                        legacy_version: v,
                        random,
                        session_id,
                        cipher_suites,
                        compression_methods,
                        extensions: exts.as_ref().map(|_| Vec::new()),
                    };
                    for e in exts.into_iter().flatten() {
                        s.set(e);
                    }
                    s
                },
            )
    }

    proptest! {
        #![proptest_config(crate::wire::mutate::cases(200))]

        /// Whatever is built, the decoder reads back field for field and the dissector
        /// tiles without a gap.
        #[test]
        fn built_hellos_round_trip(s in spec()) {
            assert_round_trip(&s);
        }
    }
}
