//! Comparing two backends on one attempt against the lab: rows say "different" only
//! where the evidence differs, not where one stack shows less.

use tlslens::backend::BackendId::{NativeTls, Openssl, Rustls};
use tlslens::diff::rows;
use tlslens::lab::Lab;

fn chain_row(server: &str, lab: &Lab) -> Vec<(String, String, bool)> {
    let prep = tlslens::probe::prepare(lab.profile(server).unwrap()).unwrap();
    let r = tlslens::probe::run(&prep, &[NativeTls, Openssl, Rustls]);
    let get = |b| r.result(b).unwrap();
    [(NativeTls, Rustls), (NativeTls, Openssl), (Openssl, Rustls)]
        .into_iter()
        .map(|(a, b)| {
            let row = rows(get(a), get(b))
                .into_iter()
                .find(|row| row.field == "chain length")
                .unwrap();
            (row.left, row.right, row.same)
        })
        .collect()
}

#[test]
fn a_stack_that_shows_only_the_leaf_is_not_a_different_chain() {
    let lab = Lab::start().unwrap();
    // TLS 1.3: native-tls keeps its keys and exposes only the leaf; the others see two.
    let modern = chain_row("modern", &lab);
    assert_eq!(modern[0].0, "leaf only (native-tls hides the rest)");
    assert_eq!(modern[0].1, "2");
    assert!(modern.iter().all(|(_, _, same)| *same), "{modern:?}");
    // TLS 1.2: the chain is on the wire for every stack.
    let tls12 = chain_row("tls12", &lab);
    assert!(
        tls12
            .iter()
            .all(|(l, r, same)| l == "2" && r == "2" && *same),
        "{tls12:?}"
    );
}
