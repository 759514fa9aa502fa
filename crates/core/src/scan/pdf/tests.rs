use super::*;
use crate::scan::{Format, scan_bytes};
use lopdf::{Stream, dictionary};

/// A PDF whose pages draw the given content streams with font F1 (`font`), the way
/// simple producers write them.
fn pdf(font: lopdf::Dictionary, pages: &[&[u8]]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(font);
    let mut kids = Vec::new();
    for content in pages {
        let mut stream = Stream::new(dictionary! {}, content.to_vec());
        stream.compress().unwrap();
        let content_id = doc.add_object(stream);
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content_id,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        })));
    }
    let count = kids.len() as i64;
    doc.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

fn helvetica() -> lopdf::Dictionary {
    dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
}

const OPENING: &[u8] = b"BT /F1 16 Tf 72 780 Td (Fridge opening check) Tj ET
BT /F1 11 Tf 72 750 Td (Owner: Shift lead) Tj 0 -14 Td (Every weekday at 7am.) Tj ET
BT /F1 11 Tf 72 710 Td (1.) Tj 18 0 Td (Unlock the back door and switch on the lights.) Tj
-18 -14 Td (2.) Tj 18 0 Td [(Record the fridge temperature \\(must be below 5 \\260C\\).)] TJ
-18 -14 Td (3.) Tj 18 0 Td (Take a photo of the clean counter.) Tj ET
BT /F1 9 Tf 290 40 Td (Page 1 of 1) Tj ET";

#[test]
fn a_simple_pdf_reads_as_lines_with_its_list() {
    let text = pdf_text(&pdf(helvetica(), &[OPENING])).unwrap();
    assert_eq!(
        text,
        "# Fridge opening check\n\nOwner: Shift lead\nEvery weekday at 7am.\n\n\
         1. Unlock the back door and switch on the lights.\n\
         2. Record the fridge temperature (must be below 5 °C).\n\
         3. Take a photo of the clean counter.\n\n"
    );
    let scanned = scan_bytes(&pdf(helvetica(), &[OPENING]), Format::Pdf).unwrap();
    assert_eq!(scanned.format, Format::Pdf);
    let steps: Vec<&str> = scanned.draft.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert!(steps[1].starts_with("Record the fridge temperature"), "{steps:?}");
    assert_eq!(scanned.draft.owner.as_ref().map(|o| o.text.as_str()), Some("Shift lead"));
}

/// Word, Chrome and LibreOffice write text in composite fonts: two bytes per glyph, and a
/// ToUnicode map back to letters.
#[test]
fn composite_fonts_are_read_through_their_unicode_map() {
    let cmap = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n\
/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfchar\n<0100> <2022>\nendbfchar\n\
1 beginbfrange\n<0020> <007E> <0020>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    let mut doc = Document::with_version("1.5");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Arial", "DW" => 600,
        "W" => vec![32.into(), vec![278.into()].into(), 0x100.into(), 0x100.into(), 350.into()],
    });
    let font = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Arial", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()], "ToUnicode" => to_unicode,
    };
    let utf16 = |s: &str| s.encode_utf16().flat_map(u16::to_be_bytes).collect::<Vec<u8>>();
    let mut content = b"BT /F1 12 Tf 72 700 Td <".to_vec();
    let hex = |bytes: Vec<u8>| bytes.iter().map(|b| format!("{b:02X}")).collect::<String>();
    content.extend(format!("{}0020{}> Tj ET", "0100", hex(utf16("Check the alarm panel"))).bytes());
    content.extend(b"\nBT /F1 12 Tf 90 683 Td <");
    content.extend(format!("{}> Tj ET", hex(utf16("o Battery light green"))).bytes());
    // The pdf() helper makes its own document; this one carries its extra objects.
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(font);
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    assert_eq!(pdf_text(&bytes).unwrap(), "• Check the alarm panel\n   o Battery light green\n\n");
}

#[test]
fn pages_follow_one_another_and_footers_go() {
    let first: &[u8] = b"BT /F1 11 Tf 72 700 Td (1. Count the till) Tj ET BT /F1 9 Tf 300 30 Td (1) Tj ET";
    let second: &[u8] = b"BT /F1 11 Tf 72 700 Td (2. Lock the safe) Tj ET BT /F1 9 Tf 300 30 Td (2) Tj ET";
    assert_eq!(pdf_text(&pdf(helvetica(), &[first, second])).unwrap(), "1. Count the till\n\n2. Lock the safe\n\n");
}

#[test]
fn a_page_that_inflates_past_the_limit_is_refused() {
    let mut bomb = b"BT /F1 11 Tf 72 700 Td (Clean) Tj ET\n".to_vec();
    bomb.resize(MAX_STREAM_BYTES + 1, b' ');
    let bytes = pdf(helvetica(), &[&bomb]);
    assert!(bytes.len() < 100_000, "the test file is small: {}", bytes.len());
    let error = pdf_text(&bytes).unwrap_err();
    assert!(error.to_string().contains("unpacks to more than 8 MB"), "{error}");
}

/// lopdf writes its own object streams, so this file is put together by hand: a catalog
/// and object streams that each stay under the per-stream limit but together pass the budget.
#[test]
fn a_page_drawing_more_words_than_a_scan_reads_is_refused_without_holding_them() {
    let mut content = b"BT /F1 11 Tf 72 700 Td ".to_vec();
    while content.len() < MAX_STREAM_BYTES - 16 {
        content.extend(b"(ab)Tj ");
    }
    content.extend(b"ET");
    let error = pdf_text(&pdf(helvetica(), &[&content])).unwrap_err();
    assert!(matches!(error, ScanError::TooLarge { limit: crate::scan::MAX_TEXT_BYTES, .. }), "{error}");
}

#[test]
fn object_streams_that_inflate_past_the_budget_are_refused() {
    let mut file = b"%PDF-1.5\n".to_vec();
    let mut offsets = vec![file.len()];
    file.extend(b"1 0 obj\n<< /Type /Catalog >>\nendobj\n");
    let streams = MAX_OBJECT_STREAM_BYTES / MAX_STREAM_BYTES + 1;
    for number in 2..2 + streams {
        let mut padding = b"9 0 ".to_vec();
        padding.resize(MAX_STREAM_BYTES - 16, b' ');
        let mut stream = Stream::new(dictionary! {}, padding);
        stream.compress().unwrap();
        offsets.push(file.len());
        let header = format!(
            "{number} 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
            stream.content.len()
        );
        file.extend(header.bytes());
        file.extend(&stream.content);
        file.extend(b"\nendstream\nendobj\n");
    }
    let xref = file.len();
    file.extend(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).bytes());
    for offset in &offsets {
        file.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    file.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", offsets.len() + 1).bytes());
    assert!(file.len() < 200_000, "the test file is small: {}", file.len());
    let error = pdf_text(&file).unwrap_err();
    assert!(error.to_string().contains("objects unpack to more than 32 MB"), "{error}");
}

#[test]
fn junk_and_textless_files_get_plain_errors() {
    for junk in [&b"%PDF-1.7\n\x00\x01garbage"[..], b"not a pdf at all", b"%PDF-", b""] {
        assert!(matches!(pdf_text(junk), Err(ScanError::Unreadable(_))), "{junk:?}");
    }
    let drawing: &[u8] = b"0 0 m 100 100 l S";
    let error = pdf_text(&pdf(helvetica(), &[drawing])).unwrap_err();
    assert!(error.to_string().contains("holds no text"), "{error}");
    let too_big = vec![b' '; MAX_PDF_BYTES + 1];
    assert!(matches!(pdf_text(&too_big), Err(ScanError::TooLarge { .. })));
    assert!(matches!(scan_bytes(b"%PDF-1.4 whatever", Format::Markdown), Err(ScanError::Unreadable(_))));
}

/// A real producer's PDF: Chromium prints a labelled HTML SOP, and the PDF must yield the
/// same work as the HTML. Browsers draw list markers and table cells in an order of their
/// own, which is what this catches.
#[test]
fn a_browser_printed_sop_yields_the_work_its_html_does() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let html = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/sops/19-food-meal-production-procedure.html");
    if !std::path::Path::new(&chromium).exists() || !html.exists() {
        eprintln!("skipped: needs {chromium} and {}", html.display());
        return;
    }
    let out = std::env::temp_dir().join(format!("proofline-scan-{}.pdf", std::process::id()));
    let printed = std::process::Command::new(&chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", html.canonicalize().unwrap().display()))
        .output()
        .unwrap();
    assert!(printed.status.success(), "{}", String::from_utf8_lossy(&printed.stderr));
    let bytes = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).ok();
    let from_pdf = scan_bytes(&bytes, Format::Pdf).unwrap();
    let from_html = scan_bytes(&std::fs::read(&html).unwrap(), Format::Html).unwrap();
    let words = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The HTML reads as stages with each role's work as checklist items; the PDF as the
    // work itself. Either way, the same instructions must come out.
    let pdf_work: Vec<String> =
        from_pdf.draft.steps.iter().flat_map(|s| std::iter::once(&s.title).chain(&s.items)).map(|t| words(t)).collect();
    let html_work: Vec<String> = from_html
        .draft
        .steps
        .iter()
        .flat_map(|s| s.items.iter())
        .map(|t| words(t.rsplit(": ").next().unwrap_or(t)))
        .collect();
    let found = html_work
        .iter()
        .filter(|w| pdf_work.iter().any(|p| p.starts_with(w.as_str()) || w.starts_with(p.as_str())))
        .count();
    assert!(found * 10 >= html_work.len() * 9, "{found} of {}: {pdf_work:#?}", html_work.len());
    assert_eq!(
        from_pdf.draft.owner.as_ref().map(|o| o.text.as_str()),
        from_html.draft.owner.as_ref().map(|o| o.text.as_str())
    );
}

/// A Word-style PDF: the labelled kitchen-cleaning SOP, as LibreOffice Writer exports it
/// (subset TrueType fonts, headings set large and bold, bullets from a symbol font). Its
/// steps must be the ones its Markdown source gives.
#[test]
fn a_word_processor_pdf_yields_the_steps_of_its_source() {
    let pdf = include_bytes!("testdata/kitchen-cleaning-libreoffice.pdf");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/sops/02-community-kitchen-cleaning.md");
    let from_pdf = scan_bytes(pdf, Format::Pdf).unwrap();
    let titles = |s: &crate::scan::Scan| s.draft.steps.iter().map(|s| s.title.clone()).collect::<Vec<_>>();
    assert_eq!(from_pdf.draft.steps.len(), 34, "{:#?}", titles(&from_pdf));
    assert_eq!(from_pdf.draft.owner.as_ref().map(|o| o.text.as_str()), Some("Cooks"));
    let Ok(markdown) = std::fs::read(&source) else {
        eprintln!("skipped the comparison with {}: not found", source.display());
        return;
    };
    assert_eq!(titles(&from_pdf), titles(&scan_bytes(&markdown, Format::Markdown).unwrap()));
}
