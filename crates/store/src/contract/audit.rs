//! The story's last chapter: every event the story wrote is in its organization's hash
//! chain, in order, up to the recorded head, and the chain is read back a page at a time.

use crate::*;
use proofline_core::OrgId;
use proofline_core::audit::{ChainEvent, Verifier};

pub(super) async fn chapter(store: &dyn Store) {
    let heads = store.chain_heads().await.unwrap();
    assert!(!heads.is_empty(), "the story wrote events");
    for (org, head) in heads {
        let head = head.expect("every organization with events has a head");
        let mut verifier = Verifier::default();
        let (mut after, mut read) = (0, 0);
        loop {
            let page = store.chain_page(org, after, 7).await.unwrap();
            let Some(last) = page.last() else { break };
            after = last.event.seq;
            read += page.len();
            for stored in &page {
                assert_eq!(stored.event.org, org.0);
                assert!(verifier.push(stored), "event {} breaks the chain", stored.id);
            }
        }
        assert_eq!(read as i64, head.seq, "pages cover the chain once");
        assert_eq!(verifier.finish(Some(&head)), Ok(head.clone()));
        assert!(store.unchained_events(org, 10).await.unwrap().is_empty(), "every event is chained");
    }
    // The same event hashes alike whichever way the backend stored its data.
    let first = store.chain_page(OrgId(1), 0, 1).await.unwrap().remove(0);
    let again =
        ChainEvent { data: serde_json::from_str(&first.event.data.to_string()).unwrap(), ..first.event.clone() };
    assert_eq!(again.hash(&first.prev_hash), first.hash);
}
