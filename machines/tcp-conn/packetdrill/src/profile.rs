//! Stack profiles: the values RFCs leave to each TCP (buffer sizes, the window
//! scale shift, the delayed-ACK time, the retransmission timer's bounds, receive
//! buffer rounding), named for the stacks whose scripts assume them, and how
//! each stack's `sysctl` knobs map onto [`Config`].
//!
//! A difference that comes from one of these values is a *tuning* difference,
//! not a protocol failure: a script written for FreeBSD expects FreeBSD's
//! numbers, and a stack that chose others is still correct.

use core::time::Duration;

use wirestate_tcp_conn::{Config, EcnMode, IsnKey, Keepalive, RtoConfig};

/// Which stack's defaults a run assumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileName {
    /// Linux's defaults (tcp_rmem 128 KiB, window shift 7, 40 ms delayed ACK
    /// floor, 200 ms minimum RTO).
    Linux,
    /// FreeBSD's defaults (recvspace 64 KiB, sendspace 32 KiB, window shift 6 for
    /// a 2 MiB maxsockbuf, 100 ms delayed ACK, receive buffer rounded up to a
    /// multiple of the MSS).
    FreeBsd,
    /// The RFCs' own values (RFC 6298's 1 s minimum RTO, RFC 9293's delayed ACK
    /// under 0.5 s, here 200 ms).
    Rfc,
}

impl ProfileName {
    /// Every profile, for listings.
    pub const ALL: [ProfileName; 3] = [ProfileName::Linux, ProfileName::FreeBsd, ProfileName::Rfc];

    /// The name as `cargo xtask packetdrill --profile` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileName::Linux => "linux",
            ProfileName::FreeBsd => "freebsd",
            ProfileName::Rfc => "rfc",
        }
    }
}

impl core::str::FromStr for ProfileName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ProfileName::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown profile {s:?} (linux, freebsd or rfc)"))
    }
}

/// A profile: the base [`Config`] and the stack-specific behaviour the runner
/// models around the connection.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Which stack.
    pub name: ProfileName,
    /// The connection settings a new socket starts with.
    pub config: Config,
    /// `SO_RCVBUF` as the stack reports it once connected: FreeBSD rounds the
    /// buffer up to a multiple of the MSS.
    pub round_rcvbuf_to_mss: bool,
    /// SYN cookies on the listener when its backlog is full.
    pub syn_cookies: bool,
    /// The `errno` values of this stack, by name.
    pub errno: fn(&str) -> Option<i64>,
}

/// A `sysctl -w name=value` a script runs, as it bears on the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SysctlEffect {
    /// Changes the settings of sockets made afterwards.
    Applied,
    /// A value that does not change what is tested (caches, logging, a default
    /// the profile already has).
    Ignored,
    /// A mode this runner does not model; the script is skipped with the reason.
    Skip(&'static str),
}

/// A key that is not secret in tests: every run replays exactly.
const TEST_KEY: [u8; 16] = *b"packetdrill-key!";

impl Profile {
    /// The profile called `name`.
    pub fn new(name: ProfileName) -> Profile {
        let mut config = Config::new(IsnKey::new(TEST_KEY));
        config.mss = 1460;
        match name {
            ProfileName::Linux => {
                config.recv_buffer = 131_072;
                config.send_buffer = 16_384;
                config.delayed_ack = Some(Duration::from_millis(40));
                config.rto = RtoConfig {
                    initial: Duration::from_secs(1),
                    min: Duration::from_millis(200),
                    max: Duration::from_secs(120),
                    granularity: Duration::from_millis(1),
                };
            }
            ProfileName::FreeBsd => {
                config.recv_buffer = 65_536;
                config.send_buffer = 32_768;
                config.delayed_ack = Some(Duration::from_millis(100));
                config.rto = RtoConfig {
                    initial: Duration::from_secs(1),
                    min: Duration::from_millis(30),
                    max: Duration::from_secs(64),
                    granularity: Duration::from_millis(1),
                };
                config.time_wait = Duration::from_secs(60);
            }
            ProfileName::Rfc => {
                config.recv_buffer = 65_535;
                config.send_buffer = 65_535;
                config.delayed_ack = Some(Duration::from_millis(200));
                config.rto = RtoConfig::default();
            }
        }
        Profile {
            name,
            config,
            round_rcvbuf_to_mss: name == ProfileName::FreeBsd,
            syn_cookies: name != ProfileName::Rfc,
            errno: match name {
                ProfileName::FreeBsd => freebsd_errno,
                _ => linux_errno,
            },
        }
    }

    /// Applies `sysctl -w name=value` (FreeBSD and Linux names).
    pub fn sysctl(&mut self, name: &str, value: &str) -> SysctlEffect {
        let num: Option<u64> = value.trim().parse().ok();
        let ms = |n: u64| Duration::from_millis(n);
        let c = &mut self.config;
        match (name, num) {
            ("net.inet.tcp.sack.enable" | "net.ipv4.tcp_sack", Some(n)) => c.sack = n != 0,
            ("net.inet.tcp.rfc1323", Some(n)) => {
                c.window_scaling = n != 0;
                c.timestamps = n != 0;
            }
            ("net.ipv4.tcp_timestamps", Some(n)) => c.timestamps = n != 0,
            ("net.ipv4.tcp_window_scaling", Some(n)) => c.window_scaling = n != 0,
            ("net.inet.tcp.recvspace", Some(n)) => c.recv_buffer = n as usize,
            ("net.inet.tcp.sendspace", Some(n)) => c.send_buffer = n as usize,
            ("net.inet.tcp.delacktime", Some(n)) => c.delayed_ack = Some(ms(n)),
            ("net.inet.tcp.rexmit_initial", Some(n)) => c.rto.initial = ms(n),
            ("net.inet.tcp.rexmit_min", Some(n)) => c.rto.min = ms(n),
            ("net.inet.tcp.keepidle", Some(n)) => keepalive(c).idle = ms(n),
            ("net.inet.tcp.keepintvl", Some(n)) => keepalive(c).interval = ms(n),
            ("net.inet.tcp.keepcnt", Some(n)) => keepalive(c).probes = n as u32,
            ("net.inet.tcp.keepinit", Some(n)) => c.user_timeout = ms(n),
            ("net.inet.tcp.mssdflt", _) | ("net.inet.tcp.v6mssdflt", _) => {
                return SysctlEffect::Ignored
            }
            ("net.inet.tcp.syncookies", Some(n)) => self.syn_cookies = n != 0,
            ("net.inet.tcp.syncookies_only", Some(1)) => {
                return SysctlEffect::Skip("SYN cookies only (no SYN cache) is not modelled")
            }
            ("net.inet.tcp.insecure_rst", Some(1)) => {
                return SysctlEffect::Skip("RFC 793 compatibility mode (insecure_rst: no RFC 5961)")
            }
            ("net.inet.tcp.insecure_syn", Some(1)) => {
                return SysctlEffect::Skip("RFC 793 compatibility mode (insecure_syn: no RFC 5961)")
            }
            (
                "net.inet.tcp.fastopen.client_enable" | "net.inet.tcp.fastopen.server_enable",
                Some(1),
            ) => return SysctlEffect::Skip("TCP Fast Open (RFC 7413) is not implemented"),
            ("net.inet.tcp.udp_tunneling_port", Some(n)) if n != 0 => {
                return SysctlEffect::Skip(
                    "TCP over UDP encapsulation (RFC 8899 style) is not implemented",
                )
            }
            ("net.inet.tcp.ecn.enable", Some(n)) => {
                // 1: request and accept ECN; 2: accept only (FreeBSD's default).
                c.ecn = match n {
                    0 => EcnMode::Off,
                    1 => EcnMode::On,
                    _ => EcnMode::Passive,
                };
            }
            ("net.inet.tcp.ecn.maxretries", Some(n)) => c.ecn_syn_retries = n as u32,
            ("net.inet.tcp.drop_synfin", Some(1)) => {
                return SysctlEffect::Skip(
                    "drop_synfin: dropping SYN,FIN is a FreeBSD filter, not RFC 9293",
                )
            }
            ("net.inet.tcp.pmtud_blackhole_detection", Some(1))
            | ("net.inet.tcp.path_mtu_discovery", Some(1)) => {
                return SysctlEffect::Skip("path MTU discovery is the host's, not the connection's")
            }
            ("net.inet.tcp.rexmit_drop_options", Some(1)) => {
                return SysctlEffect::Skip(
                    "rexmit_drop_options: SYN retransmissions without options are not modelled",
                )
            }
            ("net.inet.tcp.tolerate_missing_ts", Some(0)) => {
                return SysctlEffect::Skip(
                    "tolerate_missing_ts=0: refusing segments without timestamps is not modelled",
                )
            }
            ("kern.ipc.maxsockbuf", Some(n)) => {
                // FreeBSD offers the shift that lets a window cover the largest
                // socket buffer, whatever this socket's buffer is.
                c.offered_window_shift = Some(shift_for(n));
            }
            _ => return SysctlEffect::Ignored,
        }
        SysctlEffect::Applied
    }

    /// The settings a socket made with `cfg` connects or listens with: FreeBSD
    /// rounds the receive buffer up to a multiple of the MSS then.
    pub fn connection_config(&self, cfg: &Config) -> Config {
        let mut cfg = *cfg;
        if self.round_rcvbuf_to_mss {
            cfg.recv_buffer = self.reported_rcvbuf(cfg.recv_buffer, usize::from(cfg.mss));
        }
        cfg
    }

    /// `SO_RCVBUF` as the stack reports it for a connection with send MSS `mss`
    /// (0 before the handshake).
    pub fn reported_rcvbuf(&self, buffer: usize, mss: usize) -> usize {
        if self.round_rcvbuf_to_mss && mss > 0 {
            buffer.div_ceil(mss) * mss
        } else {
            buffer
        }
    }
}

fn keepalive(c: &mut Config) -> &mut Keepalive {
    c.keepalive.get_or_insert_with(Keepalive::default)
}

/// The least shift that lets a 16-bit window describe `bytes` (at most 14).
fn shift_for(bytes: u64) -> u8 {
    let mut shift = 0u8;
    while shift < 14 && (bytes >> shift) > u64::from(u16::MAX) {
        shift += 1;
    }
    shift
}

fn freebsd_errno(name: &str) -> Option<i64> {
    Some(match name {
        "EPERM" => 1,
        "EBADF" => 9,
        "EAGAIN" | "EWOULDBLOCK" => 35,
        "EINPROGRESS" => 36,
        "EALREADY" => 37,
        "ENOTCONN" => 57,
        "EINVAL" => 22,
        "EPIPE" => 32,
        "ECONNABORTED" => 53,
        "ECONNRESET" => 54,
        "EISCONN" => 56,
        "ETIMEDOUT" => 60,
        "ECONNREFUSED" => 61,
        "EHOSTUNREACH" => 65,
        "ENETUNREACH" => 51,
        "EHOSTDOWN" => 64,
        "EOPNOTSUPP" => 45,
        _ => return None,
    })
}

fn linux_errno(name: &str) -> Option<i64> {
    Some(match name {
        "EPERM" => 1,
        "EBADF" => 9,
        "EAGAIN" | "EWOULDBLOCK" => 11,
        "EINPROGRESS" => 115,
        "EALREADY" => 114,
        "ENOTCONN" => 107,
        "EINVAL" => 22,
        "EPIPE" => 32,
        "ECONNABORTED" => 103,
        "ECONNRESET" => 104,
        "EISCONN" => 106,
        "ETIMEDOUT" => 110,
        "ECONNREFUSED" => 111,
        "EHOSTUNREACH" => 113,
        "ENETUNREACH" => 101,
        "EHOSTDOWN" => 112,
        "EOPNOTSUPP" => 95,
        _ => return None,
    })
}
