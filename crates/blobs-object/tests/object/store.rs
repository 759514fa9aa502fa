//! What every blob store promises (content-addressed, idempotent, `NotFound` for what is
//! not there, hashes only), kept by an S3 bucket and by a folder alike.

use crate::s3_blobs;
use object_store::ObjectStoreExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use proofline_blobs_object::ObjectBlobs;
use proofline_engine::{BlobStore, LocalBlobs};
use std::io::ErrorKind;
use std::time::{Duration, Instant};

const BYTES: &[u8] = b"a fridge at 3 degrees";

fn hash(bytes: &[u8]) -> String {
    proofline_core::audit::sha256_hex(bytes)
}

async fn keeps_its_promises(blobs: &dyn BlobStore) {
    let sha = hash(BYTES);
    blobs.put(&sha, BYTES).await.unwrap();
    blobs.put(&sha, BYTES).await.expect("storing the same content again is no error");
    assert_eq!(blobs.get(&sha).await.unwrap(), BYTES);

    let never = hash(b"never stored");
    assert_eq!(blobs.get(&never).await.unwrap_err().kind(), ErrorKind::NotFound);
    blobs.delete(&never).await.expect("deleting what is not there is no error");

    blobs.delete(&sha).await.unwrap();
    assert_eq!(blobs.get(&sha).await.unwrap_err().kind(), ErrorKind::NotFound, "deleted means gone");
    blobs.delete(&sha).await.expect("deleting twice is no error");

    for bad in ["../../etc/passwd", &sha.to_uppercase(), &sha[..40], &format!("{}/x", &sha[..62])] {
        assert_eq!(blobs.put(bad, BYTES).await.unwrap_err().kind(), ErrorKind::InvalidInput, "{bad}");
        assert_eq!(blobs.get(bad).await.unwrap_err().kind(), ErrorKind::InvalidInput, "{bad}");
        assert_eq!(blobs.delete(bad).await.unwrap_err().kind(), ErrorKind::InvalidInput, "{bad}");
    }
}

#[tokio::test]
async fn an_s3_bucket_keeps_blobs_by_hash_reads_them_back_and_forgets_them() {
    let Some((blobs, url)) = s3_blobs().await else { return };
    keeps_its_promises(&blobs).await;

    // The bucket holds the local store's layout under the prefix, as another S3 client
    // sees it.
    let sha = hash(BYTES);
    blobs.put(&sha, BYTES).await.unwrap();
    let server = proofline_testkit::s3::s3().unwrap();
    let bucket = url.trim_start_matches("s3://").split('/').next().unwrap();
    let raw = server
        .settings()
        .into_iter()
        .fold(AmazonS3Builder::new(), |b, (k, v)| b.with_config(k.to_ascii_lowercase().parse().unwrap(), v));
    let raw = raw.with_bucket_name(bucket).build().unwrap();
    let key = Path::parse(format!("evidence/{}/{}/{sha}", &sha[..2], &sha[2..4])).unwrap();
    assert_eq!(raw.get(&key).await.unwrap().bytes().await.unwrap().as_ref(), BYTES);
}

#[tokio::test]
async fn a_shared_folder_keeps_the_local_layout_so_either_store_reads_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared/evidence");
    let blobs = ObjectBlobs::from_url(&format!("file://{}", folder.display()), []).unwrap();
    keeps_its_promises(&blobs).await;

    let sha = hash(BYTES);
    blobs.put(&sha, BYTES).await.unwrap();
    let local = LocalBlobs::new(&folder);
    assert_eq!(local.get(&sha).await.unwrap(), BYTES, "a data directory's blobs/ moves as it is");
    let other = hash(b"stored by a single node");
    local.put(&other, b"stored by a single node").await.unwrap();
    assert_eq!(blobs.get(&other).await.unwrap(), b"stored by a single node");
    blobs.check(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn the_startup_check_passes_on_a_bucket_and_names_what_is_wrong_otherwise() {
    let Some((blobs, _)) = s3_blobs().await else { return };
    blobs.check(Duration::from_secs(10)).await.expect("a bucket that exists");

    let server = proofline_testkit::s3::s3().unwrap();
    let missing = ObjectBlobs::from_url("s3://no-such-bucket/evidence", server.settings()).unwrap();
    let why = missing.check(Duration::from_secs(10)).await.unwrap_err();
    assert!(why.starts_with("evidence store s3://no-such-bucket/evidence: there is no such bucket"), "{why}");
    assert!(why.contains("NoSuchBucket"), "the server's own answer follows: {why}");

    // Nothing listens on a port just freed: refused, retried briefly, reported.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut settings = server.settings();
    settings.retain(|(name, _)| name != "AWS_ENDPOINT_URL");
    settings.push(("AWS_ENDPOINT".into(), format!("http://{closed}")));
    let nowhere = ObjectBlobs::from_url("s3://evidence", settings).unwrap();
    let started = Instant::now();
    let why = nowhere.check(Duration::from_secs(20)).await.unwrap_err();
    assert!(why.starts_with("evidence store s3://evidence: "), "{why}");
    assert!(started.elapsed() < Duration::from_secs(20), "gave up after {:?}: {why}", started.elapsed());
}

#[test]
fn urls_that_cannot_work_are_refused_before_anything_is_contacted() {
    for (url, says) in [
        ("ftp://host/evidence", "use s3://BUCKET/PREFIX or file:///PATH"),
        ("/var/lib/proofline", "use s3://BUCKET/PREFIX or file:///PATH"),
        ("s3:///evidence", "names no bucket"),
        ("s3://bucket/a//b", "bucket/a//b"),
        ("file://relative/path", "absolute folder"),
    ] {
        let why = ObjectBlobs::from_url(url, []).err().unwrap_or_else(|| panic!("{url} was accepted"));
        assert!(why.contains(says), "{url}: {why}");
    }
    let endpoint = |value: &str, allow_http: &str| {
        let settings = [("AWS_ENDPOINT_URL", value), ("AWS_ALLOW_HTTP", allow_http)];
        ObjectBlobs::from_url("s3://bucket", settings.map(|(k, v)| (k.to_string(), v.to_string())))
    };
    let why = endpoint("minio:9000", "true").err().unwrap();
    assert!(why.contains("must start with https:// or http://"), "{why}");
    let why = endpoint("http://minio:9000", "").err().unwrap();
    assert!(why.contains("set AWS_ALLOW_HTTP=true"), "{why}");
    assert!(endpoint("http://minio:9000", "true").is_ok());
    assert!(endpoint("", "").is_ok(), "an empty variable is an unset one (object_store panicked on it)");
}
