//! System calls: the socket API a script drives, mapped onto [`Connection`] and
//! [`Listener`] calls.

use std::net::SocketAddr;
use std::time::Duration;

use wirestate_tcp_conn::{CallError, Config, Connection, ConnectionError, Keepalive, Listener};

use super::{Run, Socket, Step, Stop};
use crate::ast::{Expr, Syscall};

/// What a call returned: a value, or -1 with an errno name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ret {
    Value(i64),
    Errno(&'static str),
}

impl std::fmt::Display for Ret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ret::Value(v) => write!(f, "{v}"),
            Ret::Errno(e) => write!(f, "-1 {e}"),
        }
    }
}

fn int(e: Option<&Expr>) -> Option<i64> {
    match e? {
        Expr::Int(v) => Some(*v),
        Expr::List(items) => int(items.first()),
        _ => None,
    }
}

fn sym(e: Option<&Expr>) -> Option<&str> {
    match e? {
        Expr::Symbol(s) => Some(s),
        Expr::List(items) => sym(items.first()),
        _ => None,
    }
}

fn errno_name(e: ConnectionError) -> &'static str {
    match e {
        ConnectionError::Refused => "ECONNREFUSED",
        ConnectionError::TimedOut => "ETIMEDOUT",
        _ => "ECONNRESET",
    }
}

/// Ports: the stack's for active opens, and the one scripts listen on.
const CONNECT_PORT: u16 = 41_000;
const LISTEN_PORT: u16 = 8080;

impl Run {
    /// Runs a system call; a blocking one (`until` its return time) waits on
    /// the virtual clock for its outcome.
    pub(super) fn syscall(&mut self, line: usize, call: &Syscall, until: Option<i64>) -> Step {
        let fd = int(call.args.first());
        if call.name != "socket" {
            self.last_fd = fd.or(self.last_fd);
        }
        let got = match call.name.as_str() {
            "socket" => self.socket(line, call)?,
            "fcntl" | "bind" => match call.ret {
                Expr::Int(v) if call.errno.is_none() => Ret::Value(v),
                _ => Ret::Value(0),
            },
            "setsockopt" => self.setsockopt(line, call)?,
            "getsockopt" => return self.getsockopt(line, call),
            "listen" => self.listen(fd, int(call.args.get(1)).unwrap_or(1)),
            "connect" => match (self.connect(fd), until) {
                (Ret::Errno("EINPROGRESS"), Some(end)) => self.wait_connected(fd, end),
                (r, _) => r,
            },
            "accept" => self.accept(fd, &call.ret),
            "close" => self.close(fd),
            "shutdown" => self.shutdown(fd, sym(call.args.get(1)).unwrap_or("SHUT_RDWR")),
            "write" | "send" | "sendto" => {
                self.send(fd, int(call.args.get(2)).unwrap_or(0) as usize)
            }
            "read" | "recv" | "recvfrom" => {
                let peek = call.args.get(3).is_some_and(|f| contains_symbol(f, "MSG_PEEK"));
                self.recv(fd, int(call.args.get(2)).unwrap_or(0) as usize, peek)
            }
            other => {
                return Err(Stop::Skip(format!(
                    "line {line}: system call {other}() is not modelled"
                )))
            }
        };
        self.check_ret(line, call, &got)
    }

    fn check_ret(&mut self, line: usize, call: &Syscall, got: &Ret) -> Step {
        let want = match (&call.ret, &call.errno) {
            (Expr::Ellipsis, _) => return Ok(()),
            (Expr::Int(-1), Some(e)) => match e.as_str() {
                "EWOULDBLOCK" | "EAGAIN" => Ret::Errno("EAGAIN"),
                other => Ret::Errno(leak(other)),
            },
            (Expr::Int(v), _) => Ret::Value(*v),
            _ => return Ok(()),
        };
        if want == *got {
            return Ok(());
        }
        // A shorter write than the script's is the send buffer's size: tuning.
        if let (Ret::Value(w), Ret::Value(g), true) =
            (&want, got, call.name.contains("send") || call.name == "write")
        {
            if *g > 0 && g < w {
                self.tune(line, &format!("{}() result", call.name), &w.to_string(), &g.to_string());
                return Ok(());
            }
        }
        Err(self.fail(
            line,
            &format!("{}() result", call.name),
            &want.to_string(),
            &got.to_string(),
        ))
    }

    fn socket(&mut self, line: usize, call: &Syscall) -> Result<Ret, Stop> {
        let stream = call.args.iter().any(|a| contains_symbol(a, "SOCK_STREAM"));
        if !stream {
            return Err(Stop::Skip(format!("line {line}: only SOCK_STREAM sockets are modelled")));
        }
        let fd = int(Some(&call.ret)).unwrap_or(3);
        let mut cfg = self.profile.config;
        if self.local_ip.is_ipv6() {
            // The MSS follows the link's 1500-octet MTU less the IP and TCP
            // headers: 20 octets less over IPv6.
            cfg.mss = cfg.mss.saturating_sub(20);
        }
        let cfg = Box::new(cfg);
        self.sockets.insert(fd, Socket::Fresh { cfg });
        self.last_fd = Some(fd);
        Ok(Ret::Value(fd))
    }

    /// The settings a socket's next connection or listener gets.
    fn config_mut(&mut self, fd: Option<i64>) -> Option<&mut Config> {
        match self.sockets.get_mut(&fd?)? {
            Socket::Fresh { cfg } => Some(cfg),
            _ => None,
        }
    }

    fn setsockopt(&mut self, line: usize, call: &Syscall) -> Result<Ret, Stop> {
        let fd = int(call.args.first());
        let name = sym(call.args.get(2)).unwrap_or("");
        let value = int(call.args.get(3));
        let skip = |why: &str| Err(Stop::Skip(format!("line {line}: {name}: {why}")));
        match name {
            "SO_REUSEADDR" | "SO_REUSEPORT" => {}
            "TCP_NODELAY" => {
                if let Some(c) = self.config_mut(fd) {
                    c.nagle = value == Some(0);
                } else if let Some(c) = self.conn_mut(fd) {
                    c.set_nagle(value == Some(0));
                }
            }
            "SO_RCVBUF" | "SO_SNDBUF" => {
                let Some(c) = self.config_mut(fd) else {
                    return skip("resizing the buffers of an open connection is not modelled");
                };
                let v = value.unwrap_or(0).max(1) as usize;
                if name == "SO_RCVBUF" {
                    c.recv_buffer = v;
                } else {
                    c.send_buffer = v;
                }
            }
            "TCP_MAXSEG" => match self.config_mut(fd) {
                Some(c) => c.mss = value.unwrap_or(536).clamp(64, 65_535) as u16,
                None => return skip("changing the MSS of an open connection is not modelled"),
            },
            "TCP_NOOPT" => {
                return skip("no options at all, not even the MSS, is not a knob of this API")
            }
            "TCP_KEEPIDLE" | "TCP_KEEPINTVL" | "TCP_KEEPCNT" | "TCP_KEEPINIT" => {
                let Some(c) = self.config_mut(fd) else {
                    return skip("keepalive settings on an open connection are not modelled");
                };
                let v = value.unwrap_or(0).max(0) as u64;
                let ka = c.keepalive.get_or_insert_with(Keepalive::default);
                match name {
                    "TCP_KEEPIDLE" => ka.idle = Duration::from_secs(v),
                    "TCP_KEEPINTVL" => ka.interval = Duration::from_secs(v),
                    "TCP_KEEPCNT" => ka.probes = v as u32,
                    _ => c.user_timeout = Duration::from_secs(v),
                }
            }
            "TCP_FASTOPEN" => return skip("TCP Fast Open (RFC 7413) is not implemented"),
            "TCP_REMOTE_UDP_ENCAPS_PORT" => return skip("TCP over UDP is not implemented"),
            "TCP_MD5SIG" => return skip("TCP MD5 signatures (RFC 2385) are not implemented"),
            _ => return skip("a FreeBSD or IP-level option this runner does not model"),
        }
        Ok(Ret::Value(0))
    }

    fn getsockopt(&mut self, line: usize, call: &Syscall) -> Step {
        let fd = int(call.args.first());
        let name = sym(call.args.get(2)).unwrap_or("").to_string();
        let want = call.args.get(3);
        let got: String = match name.as_str() {
            "SO_ERROR" => {
                let e = self.conn(fd).and_then(Connection::error).map_or("0", errno_name);
                let want =
                    sym(want).map(str::to_string).or_else(|| int(want).map(|v| v.to_string()));
                let want = want.unwrap_or_default();
                if want != e {
                    return Err(self.fail(line, "SO_ERROR", &want, e));
                }
                return Ok(());
            }
            "SO_RCVBUF" => {
                let (buffer, mss) = match self.sockets.get(&fd.unwrap_or(-1)) {
                    Some(Socket::Fresh { cfg }) => (cfg.recv_buffer, 0),
                    Some(Socket::Conn(i)) => self
                        .conns
                        .get(*i)
                        .map_or((0, 0), |c| (c.config().recv_buffer, c.send_mss())),
                    _ => (self.profile.config.recv_buffer, 0),
                };
                self.profile.reported_rcvbuf(buffer, mss).to_string()
            }
            "TCP_KEEPIDLE" | "TCP_KEEPINTVL" | "TCP_KEEPCNT" | "TCP_KEEPINIT" => {
                let cfg = match self.sockets.get(&fd.unwrap_or(-1)) {
                    Some(Socket::Fresh { cfg }) => **cfg,
                    Some(Socket::Conn(i)) => {
                        self.conns.get(*i).map_or(self.profile.config, |c| *c.config())
                    }
                    _ => self.profile.config,
                };
                let ka = cfg.keepalive.unwrap_or_default();
                match name.as_str() {
                    "TCP_KEEPIDLE" => ka.idle.as_secs().to_string(),
                    "TCP_KEEPINTVL" => ka.interval.as_secs().to_string(),
                    "TCP_KEEPCNT" => ka.probes.to_string(),
                    _ => cfg.user_timeout.as_secs().to_string(),
                }
            }
            "TCP_MAXSEG" => match self.conn(fd) {
                Some(c) => c.send_mss().to_string(),
                None => return Ok(()),
            },
            _ => return Err(Stop::Skip(format!("line {line}: getsockopt {name} is not modelled"))),
        };
        let want = int(want).map(|v| v.to_string()).unwrap_or_default();
        if want != got {
            // Buffer sizes and timer settings are the stack's: tuning.
            self.tune(line, &name, &want, &got);
        }
        Ok(())
    }

    pub(super) fn conn(&self, fd: Option<i64>) -> Option<&Connection> {
        match self.sockets.get(&fd?)? {
            Socket::Conn(i) => self.conns.get(*i),
            _ => None,
        }
    }

    fn conn_mut(&mut self, fd: Option<i64>) -> Option<&mut Connection> {
        match self.sockets.get(&fd?)? {
            Socket::Conn(i) => self.conns.get_mut(*i),
            _ => None,
        }
    }

    fn listen(&mut self, fd: Option<i64>, backlog: i64) -> Ret {
        let Some(fd) = fd else { return Ret::Errno("EBADF") };
        let Some(Socket::Fresh { cfg }) = self.sockets.get(&fd) else {
            return Ret::Errno("EINVAL");
        };
        let local = SocketAddr::new(self.local_ip, LISTEN_PORT);
        let backlog = usize::try_from(backlog).unwrap_or(1).max(1);
        let cfg = self.profile.connection_config(cfg);
        let l = Listener::new(cfg, local, backlog, self.profile.syn_cookies);
        self.listeners.push(l);
        self.sockets.insert(fd, Socket::Listening(self.listeners.len() - 1));
        Ret::Value(0)
    }

    fn connect(&mut self, fd: Option<i64>) -> Ret {
        let Some(fd) = fd else { return Ret::Errno("EBADF") };
        let Some(Socket::Fresh { cfg }) = self.sockets.get(&fd) else {
            return Ret::Errno("EISCONN");
        };
        let local = SocketAddr::new(self.local_ip, CONNECT_PORT);
        let cfg = self.profile.connection_config(cfg);
        let c = Connection::connect(self.now(), cfg, local, self.remote());
        self.conns.push(c);
        self.sockets.insert(fd, Socket::Conn(self.conns.len() - 1));
        Ret::Errno("EINPROGRESS")
    }

    /// A blocking connect: waits until the handshake ends or `end` passes.
    fn wait_connected(&mut self, fd: Option<i64>, end: i64) -> Ret {
        let tol = 4_000;
        loop {
            self.drain();
            if let Some(c) = self.conn(fd) {
                if let Some(e) = c.error() {
                    return Ret::Errno(errno_name(e));
                }
                if c.state().is_synchronized() {
                    return Ret::Value(0);
                }
            }
            match self.next_deadline() {
                Some(at) if at <= end + tol => self.advance_to(at),
                _ => {
                    self.advance_to(end);
                    return Ret::Errno("EINPROGRESS");
                }
            }
        }
    }

    fn accept(&mut self, fd: Option<i64>, want: &Expr) -> Ret {
        let Some(Socket::Listening(i)) = fd.and_then(|fd| self.sockets.get(&fd)) else {
            return Ret::Errno("EINVAL");
        };
        let i = *i;
        let Some(c) = self.listeners.get_mut(i).and_then(Listener::accept) else {
            return Ret::Errno("EAGAIN");
        };
        self.conns.push(c);
        let new_fd = match want {
            Expr::Int(v) if *v >= 0 => *v,
            _ => self.sockets.keys().max().map_or(3, |m| m + 1),
        };
        self.sockets.insert(new_fd, Socket::Conn(self.conns.len() - 1));
        self.last_fd = Some(new_fd);
        Ret::Value(new_fd)
    }

    fn close(&mut self, fd: Option<i64>) -> Ret {
        let Some(sock) = fd.and_then(|fd| self.sockets.remove(&fd)) else {
            return Ret::Errno("EBADF");
        };
        match sock {
            Socket::Fresh { .. } => {}
            Socket::Listening(i) => {
                // The listener goes; handshakes in its backlog go with it, and
                // later segments to its port find no socket.
                if let Some(l) = self.listeners.get_mut(i) {
                    *l = Listener::new(
                        self.profile.config,
                        SocketAddr::new(self.local_ip, 0),
                        1,
                        false,
                    );
                }
            }
            Socket::Conn(i) => {
                if let Some(c) = self.conns.get_mut(i) {
                    // The descriptor is gone whatever the connection's state.
                    let _ = c.close();
                }
            }
        }
        Ret::Value(0)
    }

    fn shutdown(&mut self, fd: Option<i64>, how: &str) -> Ret {
        let Some(c) = self.conn_mut(fd) else { return Ret::Errno("ENOTCONN") };
        if how == "SHUT_RD" {
            return Ret::Value(0);
        }
        match c.shutdown() {
            Ok(()) => Ret::Value(0),
            Err(CallError::Lost(_)) | Err(CallError::NotConnected) => Ret::Errno("ENOTCONN"),
            Err(_) => Ret::Value(0),
        }
    }

    fn send(&mut self, fd: Option<i64>, len: usize) -> Ret {
        let Some(c) = self.conn_mut(fd) else { return Ret::Errno("ENOTCONN") };
        match c.send(&vec![0u8; len]) {
            Ok(0) if len > 0 => Ret::Errno("EAGAIN"),
            Ok(n) => Ret::Value(n as i64),
            Err(CallError::Lost(e)) => Ret::Errno(errno_name(e)),
            Err(CallError::NotConnected) => Ret::Errno("ENOTCONN"),
            Err(_) => Ret::Errno("EPIPE"),
        }
    }

    fn recv(&mut self, fd: Option<i64>, len: usize, peek: bool) -> Ret {
        let Some(c) = self.conn_mut(fd) else { return Ret::Errno("ENOTCONN") };
        let available = c.recv_available();
        if available == 0 {
            if let Some(e) = c.error() {
                return Ret::Errno(errno_name(e));
            }
            let ended = c.peer_closed();
            return if ended { Ret::Value(0) } else { Ret::Errno("EAGAIN") };
        }
        if peek {
            return Ret::Value(available.min(len) as i64);
        }
        let mut buf = vec![0u8; len];
        match c.recv(&mut buf) {
            Ok(n) => Ret::Value(n as i64),
            Err(CallError::Lost(e)) => Ret::Errno(errno_name(e)),
            Err(_) => Ret::Errno("ENOTCONN"),
        }
    }
}

/// Whether `e` is, or ORs in, the symbol `name`.
fn contains_symbol(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Symbol(s) => s == name,
        Expr::Or(items) | Expr::List(items) => items.iter().any(|i| contains_symbol(i, name)),
        _ => false,
    }
}

/// An errno name as a static string (the set is small and fixed).
fn leak(name: &str) -> &'static str {
    const KNOWN: [&str; 16] = [
        "EAGAIN",
        "EINPROGRESS",
        "ECONNREFUSED",
        "ECONNRESET",
        "ETIMEDOUT",
        "ENOTCONN",
        "EPIPE",
        "EBADF",
        "EINVAL",
        "EISCONN",
        "EALREADY",
        "ECONNABORTED",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "EOPNOTSUPP",
        "EHOSTDOWN",
    ];
    KNOWN.into_iter().find(|k| *k == name).unwrap_or("EUNKNOWN")
}
