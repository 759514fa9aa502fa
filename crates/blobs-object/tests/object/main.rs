//! The object-store backend against a real S3 server (moto's, when Python has it) and a
//! folder: the store's promises, the startup check, and two instances sharing evidence.

mod instances;
mod store;

use proofline_blobs_object::ObjectBlobs;

/// Blobs under `evidence/` in a new bucket of the test S3 server; `None` (and a line
/// saying the test is skipped) without one.
pub async fn s3_blobs() -> Option<(ObjectBlobs, String)> {
    let server = match proofline_testkit::s3::s3() {
        Ok(server) => server,
        Err(why) => {
            println!("skipped: {why}");
            return None;
        }
    };
    let url = format!("s3://{}/evidence", server.bucket().await);
    Some((ObjectBlobs::from_url(&url, server.settings()).expect("the URL opens"), url))
}
