//! Any bytes read as a PDF: the scan answers with a draft or a plain error, never a
//! panic, and a draft's score is the sum of its parts and at most 100.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proofline_core::scan::{Format, scan_bytes};

fuzz_target!(|data: &[u8]| {
    if let Ok(scan) = scan_bytes(data, Format::Pdf) {
        assert!(scan.score <= 100);
        assert_eq!(scan.score, scan.score_parts.iter().map(|p| p.earned).sum::<u32>());
    }
});
