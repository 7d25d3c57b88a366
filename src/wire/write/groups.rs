//! Key-share sizes and dummy public values per group, so a written key_share has the
//! length a server expects and a value it accepts as a public key.

/// Uncompressed generator points: valid public keys whose secret (1) nobody uses.
const P256_G: &str = "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296\
                      4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
const P384_G: &str = "04aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a38\
                      5502f25dbf55296c3a545e3872760ab73617de4a96262c6f5d9e98bf9292dc29f8\
                      f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f";
const P521_G: &str = "0400c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d\
                      3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd\
                      66011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e\
                      662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650";

/// ML-KEM encapsulation key sizes (FIPS 203): 512, 768, 1024.
const MLKEM512: usize = 800;
const MLKEM768: usize = 1184;
const MLKEM1024: usize = 1568;

/// The length of a client key share for `group`, where it is fixed.
pub fn key_share_len(group: u16) -> Option<usize> {
    Some(match group {
        0x0017 => 65,
        0x0018 => 97,
        0x0019 => 133,
        0x001d => 32,
        0x001e => 56,
        0x0100 => 256,
        0x0101 => 384,
        0x0102 => 512,
        0x0103 => 768,
        0x0104 => 1024,
        0x0200 => MLKEM512,
        0x0201 => MLKEM768,
        0x0202 => MLKEM1024,
        0x11eb => 65 + MLKEM768,
        0x11ec => MLKEM768 + 32,
        0x11ed => 97 + MLKEM1024,
        _ => return None,
    })
}

fn unhex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|c| match c {
            b'0'..=b'9' => c - b'0',
            _ => (c | 0x20) - b'a' + 10,
        })
        .collect();
    digits
        .chunks_exact(2)
        .map(|p| p.iter().fold(0, |a, d| a << 4 | d))
        .collect()
}

/// Montgomery-curve base point u = 9 (X25519) or 5 (X448), little-endian.
fn montgomery(len: usize, u: u8) -> Vec<u8> {
    let mut k = vec![0u8; len];
    if let Some(b) = k.first_mut() {
        *b = u;
    }
    k
}

/// A finite-field value of `len` bytes equal to 2: inside 1 < y < p - 1.
fn ffdh_two(len: usize) -> Vec<u8> {
    let mut k = vec![0u8; len];
    if let Some(b) = k.last_mut() {
        *b = 2;
    }
    k
}

/// A correct-length public value for `group` that a server accepts as well-formed:
/// the curve's generator, the Montgomery base point, y = 2 for FFDHE, an all-zero
/// ML-KEM key (every coefficient is reduced), and their concatenations for the hybrids
/// (ML-KEM first for X25519MLKEM768, the classical share first for the others).
pub fn dummy_key_share(group: u16) -> Option<Vec<u8>> {
    let mlkem = |n: usize| vec![0u8; n];
    Some(match group {
        0x0017 => unhex(P256_G),
        0x0018 => unhex(P384_G),
        0x0019 => unhex(P521_G),
        0x001d => montgomery(32, 9),
        0x001e => montgomery(56, 5),
        0x0100..=0x0104 => ffdh_two(key_share_len(group)?),
        0x0200 => mlkem(MLKEM512),
        0x0201 => mlkem(MLKEM768),
        0x0202 => mlkem(MLKEM1024),
        0x11eb => [unhex(P256_G), mlkem(MLKEM768)].concat(),
        0x11ec => [mlkem(MLKEM768), montgomery(32, 9)].concat(),
        0x11ed => [unhex(P384_G), mlkem(MLKEM1024)].concat(),
        _ => return None,
    })
}
