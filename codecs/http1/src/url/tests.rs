use super::*;

#[test]
fn parts() {
    let u = Url::parse("HTTP://a.example.test").unwrap();
    assert_eq!(
        (u.scheme, u.host, u.port, u.path, u.query),
        ("HTTP", Host::Name("a.example.test"), None, "", None)
    );
    assert_eq!((u.port_or_default(), u.origin_form()), (Some(80), ("/", None)));
    let u = Url::parse("http://192.0.2.1:8080/p?q#f").unwrap();
    assert_eq!(
        (u.host, u.port, u.path, u.query, u.fragment),
        (Host::V4(Ipv4Addr::new(192, 0, 2, 1)), Some(8080), "/p", Some("q"), Some("f"))
    );
    let u = Url::parse("http://u:p%20w@h:/").unwrap();
    assert_eq!((u.userinfo, u.host, u.port), (Some("u:p%20w"), Host::Name("h"), None));
    // '@' is in neither userinfo nor host: an ambiguity WHATWG resolves and RFC 3986 refuses.
    assert_eq!(Url::parse("http://a@b@c/").unwrap_err().offset(), 8);
    let u = Url::parse("file:///etc/hosts").unwrap();
    assert_eq!((u.host, u.path), (Host::Name(""), "/etc/hosts"));
    assert_eq!(std::format!("{}", Url::parse("http://[::1]/").unwrap().host), "[::1]");
}

#[test]
fn errors_with_field_and_offset() {
    let e = |s| {
        let e = Url::parse(s).unwrap_err();
        (e.field(), e.offset())
    };
    assert_eq!(e("1http://a/"), ("scheme", 0));
    assert_eq!(e("http//a/"), ("scheme", 4));
    assert_eq!(e("http:/a/"), ("scheme", 4));
    assert_eq!(e("http://a b/"), ("host", 8));
    assert_eq!(e("http://[::1/"), ("host", 7));
    assert_eq!(e("http://[::g]/"), ("host", 8));
    assert_eq!(e("http://[v1.x]/"), ("host", 8));
    assert_eq!(e("http://[fe80::1%25eth0]/"), ("host", 8));
    assert_eq!(e("http://[::1]x/"), ("host", 12));
    assert_eq!(e("http://1.2.3.256/"), ("host", 7));
    assert_eq!(e("http://a:8a/"), ("port", 10));
    assert_eq!(e("http://a:65536/"), ("port", 9));
    assert_eq!(e("http://u\"@a/"), ("userinfo", 8));
    assert_eq!(e("http://a/b c"), ("path", 10));
    assert_eq!(e("http://a/%zz"), ("path", 9));
    assert_eq!(e("http://a/?q=<"), ("query", 12));
    assert_eq!(e("http://a/#x#"), ("fragment", 11));
}

#[test]
fn dot_segments_rfc3986_5_4() {
    // RFC 3986 §5.4.1 / §5.4.2 results of merging; here the paths alone.
    let mut out = [0u8; 64];
    for (input, want) in [
        ("/a/b/c/./../../g", "/a/g"),
        ("/a/b/c/g;x=1/y", "/a/b/c/g;x=1/y"),
        ("/a/b/c/g/./h", "/a/b/c/g/h"),
        ("/a/b/c/../../../../g", "/g"),
        ("/./g/.", "/g/"),
        ("/g..", "/g.."),
        ("/..g", "/..g"),
        ("/a/b/..", "/a/"),
        ("", ""),
        (".", ""),
        ("../a", "a"),
    ] {
        assert_eq!(remove_dot_segments(input, &mut out).unwrap(), want, "{input}");
    }
    assert_eq!(remove_dot_segments("/abc", &mut out[..2]).unwrap_err().field(), "path");
}

#[test]
fn percent() {
    let mut out = [0u8; 8];
    assert_eq!(percent_decode(b"%41%62c", &mut out).unwrap(), 3);
    assert_eq!(&out[..3], b"Abc");
    assert_eq!(
        percent_decode(b"%4", &mut out).unwrap_err(),
        Error::malformed("pct-encoded", 0, "RFC 3986 §2.1: '%' HEXDIG HEXDIG")
    );
    assert_eq!(percent_decode(b"a%+1", &mut out).unwrap_err().offset(), 1);
    assert_eq!(percent_decode(b"abc", &mut out[..2]).unwrap_err().field(), "decoded");
}
