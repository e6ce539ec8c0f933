//! The packetdrill runner under arbitrary scripts: the parser never panics, and
//! a script that parses runs to a verdict without panicking or running away
//! (the connections' own checks hold on the way).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirestate_packetdrill::{parse_with_defines, run_script, Profile, ProfileName};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(script) = parse_with_defines(text, &["STANDARD"]) else { return };
    let profile =
        Profile::new(if data.len() % 2 == 0 { ProfileName::FreeBsd } else { ProfileName::Rfc });
    let _ = run_script(&script, &profile);
});
