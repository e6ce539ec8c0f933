//! Request-smuggling variants of the HTTP/1.1 framing fields, shared by the
//! codec's tests (`codecs/http1/tests/smuggling_variants.rs`) and the connection's
//! (`machines/http1-conn/tests/smuggling.rs`): mutated Transfer-Encoding and
//! Content-Length names, separators and values, and the field lines built from them.

/// Transfer-Encoding names: case, whitespace, control octets, look-alikes.
pub const TE_NAMES: &[&[u8]] = &[
    b"Transfer-Encoding",
    b"transfer-encoding",
    b"TRANSFER-ENCODING",
    b"TrAnSfEr-EnCoDiNg",
    b"Transfer-Encoding ",
    b"Transfer-Encoding\t",
    b" Transfer-Encoding",
    b"\tTransfer-Encoding",
    b"Transfer_Encoding",
    b"Transfer-Encoding\x0b",
    b"Transfer-Encoding\x0c",
    b"\x0bTransfer-Encoding",
    b"Transfer\x00-Encoding",
    b"Transfer-Encoding\r",
    b"Transfer-Encodin",
    b"X-Transfer-Encoding",
    b"Transfer-Encoding\xc2\xa0",
    b"Tran\xc5\xbffer-Encoding",
    b"Transfer-Encod\xc4\xb1ng",
    b"Transfer\xe2\x80\x90Encoding",
    b"Transfer-Encoding\xff",
];

/// What goes between a name and its value: OWS, control octets, folds.
pub const SEPARATORS: &[&[u8]] =
    &[b":", b": ", b":\t", b":   ", b":\x0b", b":\x0c", b":\r\n ", b":\n ", b": \r\n\t", b"\x00:"];

/// Transfer-Encoding values: case, padding, parameters, lists, quoting, look-alikes.
pub const TE_VALUES: &[&[u8]] = &[
    b"chunked",
    b"Chunked",
    b"CHUNKED",
    b"cHuNkEd",
    b"chunked ",
    b"chunked\t",
    b"chunked\x0b",
    b"\x0bchunked",
    b"chunked\x0c",
    b"chunked\x00",
    b"chunked\r",
    b"xchunked",
    b"chunkedx",
    b"chunk",
    b"ch unked",
    b"chu\r\n nked",
    b"chunked;",
    b"chunked; a=b",
    b"chunked ;",
    b"chunked;q=0",
    b"\"chunked\"",
    b"'chunked'",
    b"chunked, identity",
    b"identity, chunked",
    b"identity",
    b"gzip, chunked",
    b"chunked, gzip",
    b"chunked,chunked",
    b"chunked, chunked",
    b"gzip,chunked",
    b",chunked",
    b"chunked,",
    b", , chunked",
    b"gzip,\r\n chunked",
    b"chunked\r\n , gzip",
    b"gzip",
    b"deflate",
    b"",
    b"chunked\xc2\xa0",
    b"\xc2\xa0chunked",
    b"chunked\xe2\x80\x8b",
    b"chun\xe2\x84\xaaed",
    b"chunked\xff",
];

/// Content-Length names.
pub const CL_NAMES: &[&[u8]] = &[
    b"Content-Length",
    b"content-length",
    b"Content-Length ",
    b"Content_Length",
    b" Content-Length",
];

/// Content-Length values: signs, padding, lists, overflow, look-alikes.
pub const CL_VALUES: &[&[u8]] = &[
    b"5",
    b"0",
    b"05",
    b"00000000000000000000005",
    b"+5",
    b"-5",
    b" 5",
    b"5 ",
    b"5\x0b",
    b"0x5",
    b"5.0",
    b"5e0",
    b"5, 5",
    b"5,5",
    b"5, 6",
    b"5,",
    b",5",
    b",",
    b"",
    b"\"5\"",
    b"15",
    b"18446744073709551615",
    b"18446744073709551616",
    b"99999999999999999999999",
    b"5\r\n 5",
    b"\xef\xbc\x95",
];

/// The field lines of every variant: a mutated Transfer-Encoding alone, after and
/// before a Content-Length, beside a plain Transfer-Encoding; a mutated
/// Content-Length alone, duplicated, and beside a Transfer-Encoding.
pub fn variants() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for name in TE_NAMES {
        for sep in SEPARATORS {
            for value in TE_VALUES {
                let te = [*name, sep, value, b"\r\n"].concat();
                out.push([&b"Content-Length: 5\r\n"[..], &te].concat());
                out.push([&te[..], b"Content-Length: 5\r\n"].concat());
                out.push([&b"Transfer-Encoding: chunked\r\n"[..], &te].concat());
                out.push([&te[..], b"Transfer-Encoding: identity\r\n"].concat());
                out.push(te);
            }
        }
    }
    for name in CL_NAMES {
        for sep in SEPARATORS {
            for value in CL_VALUES {
                let cl = [*name, sep, value, b"\r\n"].concat();
                out.push([&b"Content-Length: 5\r\n"[..], &cl].concat());
                out.push([&cl[..], b"Transfer-Encoding: chunked\r\n"].concat());
                out.push(cl);
            }
        }
    }
    out
}
