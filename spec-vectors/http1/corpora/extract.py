#!/usr/bin/env python3
"""Extract HTTP/1.1 test data (inputs and expected outcomes) from public corpora.

Reads the upstream files straight from their git directories (bare clones are fine)
and writes one cases.json per source beside this script. Only data is taken: byte
inputs, and what the upstream tests expect (accept with method/target/version/
headers/body, or refuse). No upstream code is copied; this script is our own.

    python3 extract.py --llhttp DIR --http-parser DIR --h11 DIR --smuggler DIR

Each DIR is a git directory (`git --git-dir=DIR show HEAD:path` must work). Inputs
are stored as JSON strings in which each character is one byte (latin-1), so every
byte value survives and the text stays readable.
"""

import argparse
import ast
import json
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def git_show(gitdir, path):
    return subprocess.run(
        ["git", f"--git-dir={gitdir}", "show", f"HEAD:{path}"], check=True, capture_output=True
    ).stdout


def git_head(gitdir):
    out = subprocess.run(["git", f"--git-dir={gitdir}", "rev-parse", "HEAD"], check=True,
                         capture_output=True)
    return out.stdout.decode().strip()


def git_ls(gitdir, prefix):
    out = subprocess.run(["git", f"--git-dir={gitdir}", "ls-tree", "-r", "--name-only", "HEAD",
                          prefix], check=True, capture_output=True)
    return sorted(out.stdout.decode().split())


def b2s(data):
    """Bytes to the JSON form: one character per byte."""
    return bytes(data).decode("latin-1")


def write(source, repo, commit, paths, cases, note):
    out_dir = os.path.join(HERE, source)
    os.makedirs(out_dir, exist_ok=True)
    doc = {"source": repo, "commit": commit, "paths": paths, "note": note, "cases": cases}
    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(f"{source}: {len(cases)} cases")


def message(method=None, target=None, version=None, code=None, reason=None, headers=None,
            body=None, trailers=None):
    """An expected message; None fields are not checked."""
    m = {}
    for k, v in (("method", method), ("target", target), ("version", version), ("code", code),
                 ("reason", reason), ("headers", headers), ("body", body),
                 ("trailers", trailers)):
        if v is not None:
            m[k] = v
    return m


# ---------------------------------------------------------------------------------
# llhttp: test/request/*.md and test/response/*.md. Each test is a `<!-- meta -->`
# line, an ```http block (the input, with the escapes the llhttp test runner
# documents) and a ```log block (the callbacks it expects: spans, "message
# complete", or "error code=N reason=...").


def llhttp_input(text):
    s = re.sub(r"\\(\r\n|\r|\n)", "", text)
    s = re.sub(r"\r\n|\r|\n", "\r\n", s)
    s = s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\f", "\f")
    s = re.sub(r"\\x([0-9a-fA-F]+)", lambda m: chr(int(m.group(1), 16)), s)
    s = re.sub(r"\\([0-7]{1,3})", lambda m: chr(int(m.group(1), 8)), s)
    # The runner hands the string to the parser as UTF-8 (offsets in the logs are
    # UTF-8 byte offsets: "\xff" is two bytes there).
    return s.encode("utf-8")


def span_value(raw, length):
    """A span as the log prints it: raw text, but for the \\t and \\f the test runner
    turns into TAB and FF; checked against the span's byte length."""
    text = raw.replace("\\t", "\t").replace("\\f", "\f")
    data = text.encode("utf-8")
    assert len(data) == length, (raw, length)
    return b2s(data)


def llhttp_log(lines):
    """The messages and error a log expects."""
    msgs, cur, error = [], None, None
    spans = {}
    field = value = None
    in_trailers = False
    for line in lines:
        m = re.match(r"off=(\d+) (.*)$", line)
        if not m:
            continue
        off, rest = int(m.group(1)), m.group(2)
        sm = re.match(r'len=(\d+) span\[(\w+)\]=(?:"(.*)"|(cr|lf))$', rest)
        if rest == "message begin":
            cur = {"headers": [], "trailers": [], "body": ""}
            spans, in_trailers = {}, False
        elif sm and cur is not None:
            kind = sm.group(2)
            if sm.group(4):
                val = {"cr": "\r", "lf": "\n"}[sm.group(4)]
            else:
                val = span_value(sm.group(3), int(sm.group(1)))
            if kind == "header_field":
                field = (field or "") + val
            elif kind == "header_value":
                value = (value or "") + val
            elif kind == "body":
                cur["body"] += val
            else:
                spans[kind] = spans.get(kind, "") + val
        elif rest == "header_value complete" and cur is not None:
            (cur["trailers"] if in_trailers else cur["headers"]).append([field or "", value or ""])
            field = value = None
        elif rest.startswith("headers complete") and cur is not None:
            in_trailers = True
            st = re.search(r"status=(\d+)", rest)
            v = re.search(r" v=(\d+)/(\d+)", rest)
            cur["code"] = int(st.group(1)) if st else None
            cur["version"] = f"{v.group(1)}.{v.group(2)}" if v else None
        elif rest == "message complete" and cur is not None:
            msgs.append(llhttp_message(cur, spans))
            cur = None
        elif rest.startswith("error code="):
            em = re.match(r'error code=(\d+) reason="(.*)"$', rest)
            error = {"code": int(em.group(1)), "reason": em.group(2), "offset": off}
            break
    partial = None
    if cur is not None and error is None:
        partial = llhttp_message(cur, spans)
    return msgs, partial, error


def llhttp_message(cur, spans):
    return message(method=spans.get("method"), target=spans.get("url"),
                   version=cur.get("version"), code=cur.get("code"),
                   reason=spans.get("status"), headers=cur["headers"], body=cur["body"],
                   trailers=cur["trailers"])


def llhttp_cases(gitdir):
    cases = []
    files = git_ls(gitdir, "test/request") + git_ls(gitdir, "test/response")
    for path in files:
        if not path.endswith(".md"):
            continue
        lines = git_show(gitdir, path).decode("utf-8").split("\n")
        heading, i = "", 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("#"):
                heading = line.lstrip("#").strip()
            mm = re.match(r"<!-- meta=(.*) -->", line)
            if not mm:
                i += 1
                continue
            meta, at = json.loads(mm.group(1)), i + 1
            blocks = {}
            j = at
            while j < len(lines) and len(blocks) < 2:
                fm = re.match(r"```(\w+)$", lines[j])
                if fm:
                    k = j + 1
                    while lines[k] != "```":
                        k += 1
                    blocks[fm.group(1)] = lines[j + 1:k]
                    j = k
                j += 1
            i = j
            data = llhttp_input("\n".join(blocks["http"]))
            msgs, partial, error = llhttp_log(blocks["log"])
            ty = meta["type"]
            case = {
                "id": f"{path}:{at} {heading}",
                "kind": "response" if ty.startswith("response") else "request",
                "mode": ty.split("-", 1)[1] if "-" in ty else "strict",
                "input": b2s(data),
                "messages": msgs,
            }
            if meta.get("skipBody"):
                case["skip"] = "skipBody: llhttp's on_headers_complete callback skips the body"
            if partial is not None:
                case["partial"] = partial
            if error is not None:
                case["error"] = error
            cases.append(case)
    return cases


# ---------------------------------------------------------------------------------
# http-parser: test.c, the `requests[]` and `responses[]` tables (designated
# initializers of struct message) and the literal inputs of test_simple /
# test_simple_type with the HPE_* error each expects.


def c_tokens(src):
    """Tokens of C source (bytes as latin-1 text): strings, words, punctuation."""
    toks, i = [], 0
    while i < len(src):
        c = src[i]
        if c == '"':
            j, buf = i + 1, []
            while src[j] != '"':
                if src[j] == "\\":
                    n = src[j + 1]
                    if n in "01234567":
                        m = re.match(r"[0-7]{1,3}", src[j + 1:])
                        buf.append(chr(int(m.group(0), 8)))
                        j += 1 + len(m.group(0))
                        continue
                    if n == "x":
                        m = re.match(r"[0-9a-fA-F]+", src[j + 2:])
                        buf.append(chr(int(m.group(0), 16) & 0xFF))
                        j += 2 + len(m.group(0))
                        continue
                    buf.append({"r": "\r", "n": "\n", "t": "\t", "f": "\f", "v": "\v",
                                "a": "\a", "b": "\b"}.get(n, n))
                    j += 2
                    continue
                buf.append(src[j])
                j += 1
            toks.append(("str", "".join(buf)))
            i = j + 1
        elif c == "'":
            m = re.match(r"'(\\.|[^'\\])[^']*'", src[i:])
            toks.append(("char", m.group(0)))
            i += len(m.group(0))
        elif c == "/" and src[i + 1] == "*":
            i = src.index("*/", i) + 2
        elif c == "/" and src[i + 1] == "/":
            i = src.index("\n", i)
        elif c == "#":
            i = src.index("\n", i)
        elif c.isspace():
            i += 1
        elif re.match(r"[\w.]", c):
            m = re.match(r"[\w.]+", src[i:])
            toks.append(("word", m.group(0)))
            i += len(m.group(0))
        else:
            toks.append(("punct", c))
            i += 1
    return toks


def c_value(toks, i):
    """A value at toks[i]: concatenated strings, a word, or a braced list."""
    kind, text = toks[i]
    if kind == "str":
        s = ""
        while toks[i][0] == "str":
            s += toks[i][1]
            i += 1
        return s, i
    if text == "{":
        items, i = [], i + 1
        while toks[i][1] != "}":
            if toks[i][1] == ",":
                i += 1
                continue
            if toks[i][0] == "word" and toks[i][1].startswith(".") and toks[i + 1][1] == "=":
                obj = {}
                while toks[i][1] != "}":
                    if toks[i][1] == ",":
                        i += 1
                        continue
                    key = toks[i][1][1:]
                    val, i = c_value(toks, i + 2)
                    obj[key] = val
                items.append(obj)
                break
            val, i = c_value(toks, i)
            items.append(val)
        return (items[0] if len(items) == 1 and isinstance(items[0], dict) else items), i + 1
    if text == "-":
        return "-" + toks[i + 1][1], i + 2
    return text, i + 1


def hp_table(toks, name):
    at = next(i for i, t in enumerate(toks) if t == ("word", name))
    i = at + 3  # name [ ] = {
    while toks[i][1] != "{":
        i += 1
    table, i = c_value(toks, i)
    return table


def hp_method(word):
    return {"HTTP_MSEARCH": "M-SEARCH"}.get(word, word.replace("HTTP_", ""))


def hp_cases(gitdir):
    src = git_show(gitdir, "test.c").decode("latin-1")
    # Code under `#if 0` is not compiled: drop it (keeping the line count).
    src = re.sub(r"^#if 0\b.*?^#endif[^\n]*", lambda m: "\n" * m.group(0).count("\n"), src,
                 flags=re.S | re.M)
    # Table entries under `#if !HTTP_PARSER_STRICT` are expected only of the lenient build.
    lenient_only = [m.span() for m in re.finditer(r"^#if !HTTP_PARSER_STRICT.*?^#endif", src,
                                                   flags=re.S | re.M)]
    toks = c_tokens(src)
    cases = []
    for table, kind in (("requests", "request"), ("responses", "response")):
        for m in hp_table(toks, table):
            raw = m["raw"]
            # `upgrade`: the bytes after an upgraded (or CONNECT) message, not HTTP.
            upgrade = m.get("upgrade")
            upgrade = None if upgrade in (None, "NULL", "0") else upgrade
            version = f"{m['http_major']}.{m['http_minor']}"
            headers = [list(h) for h in m.get("headers", [])]
            exp = message(
                method=hp_method(m["method"]) if kind == "request" else None,
                target=m.get("request_url") if kind == "request" else None,
                version=version,
                code=int(m["status_code"]) if kind == "response" else None,
                reason=m.get("response_status") if kind == "response" else None,
                headers=headers,
                body=m.get("body") if "body_size" not in m else None,
            )
            at = src.find(json.dumps(m["name"]).replace("\\u00", "\\x"))
            mode = "strict"
            if any(a <= at < b for a, b in lenient_only):
                mode = "non-strict-build"
            if m.get("allow_chunked_length") == "1":
                mode = "allow_chunked_length"
            case = {"id": f"test.c {table}[] \"{m['name']}\"", "kind": kind, "mode": mode,
                    "input": raw, "messages": [exp], "headers_include_trailers": True}
            if upgrade is not None:
                case["upgrade"] = True
            if m.get("message_complete_on_eof") == "TRUE":
                case["until_close"] = True
            cases.append(case)
    # Literal inputs of test_simple(buf, HPE_X) and test_simple_type(buf, HPE_X, TYPE),
    # and the `const char *name = "...";` inputs they name.
    strings = {}
    for i in range(len(toks) - 3):
        if toks[i] == ("punct", "*") and toks[i + 1][0] == "word" and toks[i + 2] == ("punct", "=") \
                and toks[i + 3][0] == "str":
            strings[toks[i + 1][1]], _ = c_value(toks, i + 3)
    for i, t in enumerate(toks):
        if t[0] != "word" or t[1] not in ("test_simple", "test_simple_type"):
            continue
        if toks[i + 1] != ("punct", "(") or toks[i - 1][1] in ("void",):
            continue
        arg, j = (c_value(toks, i + 2) if toks[i + 2][0] == "str"
                  else (strings.get(toks[i + 2][1]), i + 3))
        if arg is None or toks[j] != ("punct", ","):
            continue
        err, j = c_value(toks, j + 1)
        kind = "request"
        if t[1] == "test_simple_type":
            kind = "response" if c_value(toks, j + 1)[0] == "HTTP_RESPONSE" else "request"
        case = {"id": f"test.c {t[1]}({json.dumps(arg)[:60]})", "kind": kind, "mode": "strict",
                "input": arg}
        if err in ("HPE_OK", "0"):
            case["messages"], case["partial_ok"] = [], True
        else:
            case["error"] = {"code": err}
        cases.append(case)
    # The method lists run through "%s / HTTP/1.1\r\n\r\n".
    for var, err in (("all_methods", None), ("bad_methods", "HPE_INVALID_METHOD")):
        at = next(i for i, t in enumerate(toks) if t == ("word", var))
        names, _ = c_value(toks, at + 4)
        for name in names:
            if name == "0":
                continue
            case = {"id": f"test.c {var} {name}", "kind": "request", "mode": "strict",
                    "input": f"{name} / HTTP/1.1\r\n\r\n"}
            if err:
                case["error"] = {"code": err}
            else:
                case["messages"] = [message(method=name, target="/", version="1.1", headers=[])]
            cases.append(case)
    # The fixed inputs of the helper tests: a start line, then these bytes.
    helpers = [
        ("test_invalid_header_field_content_error", "Foo: F\x01ailure", "HPE_INVALID_HEADER_TOKEN"),
        ("test_invalid_header_field_content_error", "Foo: B\x02ar", "HPE_INVALID_HEADER_TOKEN"),
        ("test_invalid_header_field_token_error", "Fo@: Failure", "HPE_INVALID_HEADER_TOKEN"),
        ("test_invalid_header_field_token_error", "Foo\x01\test: Bar", "HPE_INVALID_HEADER_TOKEN"),
        ("test_double_content_length_error", "Content-Length: 0\r\nContent-Length: 1\r\n\r\n",
         "HPE_UNEXPECTED_CONTENT_LENGTH"),
        ("test_chunked_content_length_error",
         "Transfer-Encoding: anything\r\nContent-Length: 1\r\n\r\n", "HPE_UNEXPECTED_CONTENT_LENGTH"),
        ("test_header_cr_no_lf_error", "Foo: 1\rBar: 1\r\n\r\n", "HPE_LF_EXPECTED"),
    ]
    for fn, rest, err in helpers:
        assert fn in src, fn
        for kind, line in (("request", "GET / HTTP/1.1\r\n"), ("response", "HTTP/1.1 200 OK\r\n")):
            cases.append({"id": f"test.c {fn} {kind} {json.dumps(rest)}", "kind": kind,
                          "mode": "strict", "input": line + rest, "error": {"code": err}})
    # test_header_content_length_overflow_error and the chunk-size one.
    for n, ok in (("1844674407370955160", True), ("18446744073709551615", False),
                  ("18446744073709551616", False)):
        c = {"id": f"test.c content_length_overflow {n}", "kind": "response", "mode": "strict",
             "input": f"HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n"}
        c.update({"messages": [], "partial_ok": True} if ok else {"error": {"code": "HPE_INVALID_CONTENT_LENGTH"}})
        cases.append(c)
    for n, ok in (("FFFFFFFFFFFFFFE", True), ("FFFFFFFFFFFFFFFF", False),
                  ("10000000000000000", False)):
        c = {"id": f"test.c chunk_content_length_overflow {n}", "kind": "response",
             "mode": "strict",
             "input": f"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{n}\r\n..."}
        c.update({"messages": [], "partial_ok": True} if ok else {"error": {"code": "HPE_INVALID_CONTENT_LENGTH"}})
        cases.append(c)
    return cases


# ---------------------------------------------------------------------------------
# h11: h11/tests/test_io.py, the calls tr(READERS[role, state], bytes, event) (a
# head), t_body_reader(ChunkedReader, bytes, events) (a chunked body), and the
# LocalProtocolError each expects inside `pytest.raises`.


class Ev(dict):
    pass


def _event(kind):
    def make(**kw):
        e = Ev(kw)
        e["_event"] = kind
        return e
    return make


def _text(v):
    return b2s(v) if isinstance(v, (bytes, bytearray)) else v


def h11_env():
    env = {name: _event(name) for name in
           ("Request", "Response", "InformationalResponse", "Data", "EndOfMessage")}
    env.update({"CLIENT": "client", "SERVER": "server", "IDLE": "idle",
                "SEND_RESPONSE": "send_response", "ChunkedReader": "chunked",
                "Http10Reader": "http10", "ContentLengthReader": lambda n: "length",
                "LocalProtocolError": "error", "READERS": {("client", "idle"): "request",
                                                          ("server", "send_response"): "response"}})
    return env


def h11_message(ev):
    headers = [[_text(n), _text(v)] for n, v in ev.get("headers", [])]
    version = _text(ev.get("http_version", "1.1"))
    if ev["_event"] == "Request":
        return message(method=_text(ev["method"]), target=_text(ev["target"]), version=version,
                       headers=headers)
    return message(version=version, code=ev["status_code"], reason=_text(ev.get("reason")),
                   headers=headers)


def h11_cases(gitdir):
    path = "h11/tests/test_io.py"
    tree = ast.parse(git_show(gitdir, path).decode("utf-8"))
    env, cases = h11_env(), []

    def ev(node):
        return eval(compile(ast.Expression(node), path, "eval"), dict(env))

    def visit(node, raises, fn):
        if isinstance(node, ast.With):
            r = any("raises" in ast.unparse(item.context_expr) for item in node.items)
            for child in node.body:
                visit(child, raises or r, fn)
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) \
                    and child.func.id in ("tr", "t_body_reader") and fn:
                add(child, raises, fn)
            else:
                visit(child, raises, fn)

    def add(call, raises, fn):
        try:
            data = ev(call.args[1])
        except NameError:
            return  # a loop variable: expanded below
        reader, expected = ev(call.args[0]), ev(call.args[2])
        cid = f"{path}:{call.lineno} {fn}"
        if call.func.id == "tr":
            case = {"id": cid, "kind": reader, "mode": "strict", "input": b2s(data), "head_only": True}
            if raises or expected is None:
                case["error"] = {"code": "LocalProtocolError"}
            else:
                case["messages"] = [h11_message(expected)]
        else:
            if reader != "chunked":
                return  # Content-Length / HTTP/1.0 readers: not framing tests
            case = {"id": cid, "kind": "chunked-body", "mode": "strict", "input": b2s(data)}
            if "error" in expected:
                case["error"] = {"code": "LocalProtocolError"}
            else:
                body = "".join(_text(e["data"]) for e in expected if e["_event"] == "Data")
                end = [e for e in expected if e["_event"] == "EndOfMessage"]
                trailers = [[_text(n), _text(v)] for n, v in (end[0].get("headers", []) if end else [])]
                case["messages"] = [message(body=body, trailers=trailers)]
                if not end:
                    case["partial_ok"] = True
            cases.append(case)
            return
        cases.append(case)

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            visit(node, False, node.name)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SIMPLE_CASES":
            for n, ((role, state), event, data) in enumerate(ev(node.value)):
                reader = env["READERS"][(role, state)]
                cases.append({"id": f"{path}:{node.lineno} SIMPLE_CASES[{n}]", "kind": reader,
                              "mode": "strict", "input": b2s(data), "head_only": True,
                              "messages": [h11_message(event)]})
    # test_reject_non_vchar_in_path: one request per byte in its list.
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef)
              and n.name == "test_reject_non_vchar_in_path")
    loop = fn.body[0]
    for byte in ev(loop.iter):
        data = b"HEAD /" + bytes([byte]) + b" HTTP/1.1\r\nHost: foobar\r\n\r\n"
        cases.append({"id": f"{path}:{fn.lineno} {fn.name} 0x{byte:02x}", "kind": "request",
                      "mode": "strict", "input": b2s(data), "head_only": True,
                      "error": {"code": "LocalProtocolError"}})
    return cases


# ---------------------------------------------------------------------------------
# defparam/smuggler: configs/{default,doubles,exhaustive}.py each fill `mutations`
# with a request template around one Transfer-Encoding gadget (a header line, or
# two). The gadget strings are taken; the distinct ones are the variant list.


def smuggler_cases(gitdir):
    variants = {}
    for name in ("default", "doubles", "exhaustive"):
        path = f"configs/{name}.py"
        tree = ast.parse(git_show(gitdir, path).decode("utf-8"))
        found = {}

        def gadget(call):
            return call.args[0]

        # The configs call render_template("..." or "...%c..." % (i)) inside loops
        # over byte ranges; evaluate the loops' ranges and the format strings only.
        for node in tree.body:
            if isinstance(node, ast.Assign):
                key = node.targets[0].slice
                call = node.value
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "render_template":
                    found[ast.literal_eval(key)] = ast.literal_eval(gadget(call))
            elif isinstance(node, ast.For):
                values = eval(compile(ast.Expression(node.iter), path, "eval"), {"range": range})
                var = node.target.id
                for v in values:
                    for stmt in node.body:
                        key = eval(compile(ast.Expression(stmt.targets[0].slice), path, "eval"),
                                   {var: v})
                        g = eval(compile(ast.Expression(gadget(stmt.value)), path, "eval"), {var: v})
                        found[key] = g
        for key, g in found.items():
            variants.setdefault(g, []).append(f"{name}:{key}")
    cases = []
    for g, names in variants.items():
        # "%c" of 0x80..0xff is one code point (U+0080..U+00FF), kept as such: one byte
        # as the mutation names it, two as smuggler's str.encode() sends it.
        assert all(ord(c) < 0x100 for c in g)
        cases.append({"gadget": g, "mutations": names})
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--llhttp")
    ap.add_argument("--http-parser")
    ap.add_argument("--h11")
    ap.add_argument("--smuggler")
    a = ap.parse_args()
    if a.llhttp:
        write("llhttp", "https://github.com/nodejs/llhttp", git_head(a.llhttp),
              ["test/request/*.md", "test/response/*.md"], llhttp_cases(a.llhttp),
              "messages: what the log's spans say up to each `message complete`; partial: a "
              "message begun and not completed; error: llhttp's error code, reason and offset. "
              "mode: the llhttp parser type's leniency suffix ('strict' for plain request/response).")
    if a.http_parser:
        write("http-parser", "https://github.com/nodejs/http-parser", git_head(a.http_parser),
              ["test.c"], hp_cases(a.http_parser),
              "requests[]/responses[] tables (upgrade: bytes after the message are the new protocol), test_simple* literals, "
              "the method lists and the helper tests' fixed inputs. partial_ok: HPE_OK on bytes "
              "that may not complete a message. headers_include_trailers: the table lists "
              "trailer fields among the headers.")
    if a.h11:
        write("h11", "https://github.com/python-hyper/h11", git_head(a.h11),
              ["h11/tests/test_io.py"], h11_cases(a.h11),
              "head_only: h11's head readers (the body is not read); chunked-body: a chunked "
              "body alone (ChunkedReader); partial_ok: no EndOfMessage expected.")
    if a.smuggler:
        write("smuggler", "https://github.com/defparam/smuggler", git_head(a.smuggler),
              ["configs/default.py", "configs/doubles.py", "configs/exhaustive.py"],
              smuggler_cases(a.smuggler),
              "gadget: the Transfer-Encoding header line(s) of one mutation, one character a "
              "byte, without the final CRLF; mutations: config:name of every mutation that "
              "sends that gadget (the distinct gadgets are the variant list).")


if __name__ == "__main__":
    main()
