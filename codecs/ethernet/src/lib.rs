//! Ethernet II frames and IEEE 802.1Q / 802.1ad (QinQ) VLAN tags.
#![no_std]
#![forbid(unsafe_code)]
