#![no_main]
//! Raw strings into URLs and request targets: never panics; a parsed URL's parts are
//! slices of the input that reassemble to it, and normalising its path fits.

use libfuzzer_sys::fuzz_target;
use wirestate_http1::{percent_decode, remove_dot_segments, RequestTarget, Url};

fuzz_target!(|s: &str| {
    for method in ["GET", "CONNECT", "OPTIONS"] {
        let _ = RequestTarget::parse(method, s);
    }
    let mut out = vec![0u8; s.len() + 1];
    let _ = percent_decode(s.as_bytes(), &mut out);
    assert!(remove_dot_segments(s, &mut out).is_ok());
    if let Ok(url) = Url::parse(s) {
        assert!(url.normalized_path(&mut out).is_ok());
        assert!(s.starts_with(url.scheme));
        assert!(s.contains(url.path));
        let _ = (url.port_or_default(), url.origin_form(), url.host.to_string());
    }
});
