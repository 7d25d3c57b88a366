//! A cheap look at certificates: the subject's common name for a recorded value.

use super::*;

/// (tag, contents, rest) of one DER TLV.
pub(super) fn der_tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let mut c = Cur::new(b, 0, b.len());
    let tag = c.u8()?;
    let l = c.u8()?;
    let len = if l < 0x80 {
        usize::from(l)
    } else {
        let n = usize::from(l & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        c.take(n)?
            .iter()
            .fold(0usize, |a, x| a << 8 | usize::from(*x))
    };
    let body = c.take(len)?;
    Some((tag, body, c.bytes()))
}

/// The subject CN of a DER certificate, if it is where X.509 puts it.
pub(super) fn subject_cn(der: &[u8]) -> Option<String> {
    let (0x30, cert, _) = der_tlv(der)? else {
        return None;
    };
    let (0x30, tbs, _) = der_tlv(cert)? else {
        return None;
    };
    let mut rest = tbs;
    let (tag, _, r) = der_tlv(rest)?;
    if tag == 0xa0 {
        rest = r; // explicit version
    }
    // serialNumber, signature, issuer, validity, then subject.
    for _ in 0..4 {
        rest = der_tlv(rest)?.2;
    }
    let (0x30, subject, _) = der_tlv(rest)? else {
        return None;
    };
    const CN_OID: [u8; 5] = [0x06, 0x03, 0x55, 0x04, 0x03];
    let i = subject.windows(5).position(|w| w == CN_OID)?;
    let (_, value, _) = der_tlv(subject.get(i + 5..)?)?;
    Some(escape(value, MAX_STR))
}

pub(super) fn cert_value(der: &[u8]) -> String {
    match subject_cn(der) {
        Some(cn) => format!("CN={cn} (DER, {} bytes)", der.len()),
        None => format!("DER, {} bytes", der.len()),
    }
}
