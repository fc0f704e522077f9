//! Whether the `idrift` process may use transparent huge pages.
//!
//! Reading a large export touches every page of a gigabyte of fresh memory, and on virtual machines the first
//! touch of a 4 KiB page is expensive: a 1M-user `dirsync compare` spent more of its time in page faults than
//! in parsing. mimalloc asks for transparent huge pages (`MADV_HUGEPAGE`) on its large regions, so one fault
//! maps 2 MiB. That pays only while the kernel has free 2 MiB blocks to hand out: on a machine whose free
//! memory is fragmented, a huge-page fault makes the kernel compact memory first, which costs more system
//! time than the larger pages save (measured: 2.9 s of system time instead of 1.2 s for a 1M-user compare).
//!
//! So the binary reads `/proc/buddyinfo` at start and keeps huge pages only while at least
//! [`MIN_FREE_HUGE_BYTES`] of free memory lies in blocks of 2 MiB or more; otherwise it switches them off for
//! the process (`prctl(PR_SET_THP_DISABLE)`). `MIMALLOC_ALLOW_THP=0` switches them off regardless.

/// The free memory in 2 MiB blocks (or larger) below which huge pages stay off: about what a 1M-user
/// comparison allocates.
pub(crate) const MIN_FREE_HUGE_BYTES: u64 = 1 << 30;

/// The order of a 2 MiB block of 4 KiB pages.
const HUGE_ORDER: usize = 9;

/// The bytes of free memory in blocks of 2 MiB or more, from the text of `/proc/buddyinfo` (one line per
/// zone: `Node 0, zone   Normal   <free blocks of order 0> <order 1> …`, a block of order `k` being 2^k
/// pages of 4 KiB). `None` when the text has no zone line.
pub(crate) fn free_huge_bytes(buddyinfo: &str) -> Option<u64> {
    let mut total = None;
    for line in buddyinfo.lines() {
        let Some((_, counts)) = line.split_once("zone") else {
            continue;
        };
        // After `zone` come the zone's name and the counts per order.
        let mut fields = counts.split_whitespace();
        fields.next();
        let mut zone = 0u64;
        for (order, count) in fields.enumerate() {
            let Ok(count) = count.parse::<u64>() else {
                return None;
            };
            if order >= HUGE_ORDER {
                zone = zone.saturating_add(count.saturating_mul(4096 << order));
            }
        }
        total = Some(total.unwrap_or(0u64).saturating_add(zone));
    }
    total
}

/// Switches transparent huge pages off for this process when free memory is too fragmented for them (see
/// the module documentation). Call it first thing in `main`; elsewhere than on Linux it does nothing.
pub fn choose() {
    #[cfg(target_os = "linux")]
    {
        let enough = std::fs::read_to_string("/proc/buddyinfo")
            .ok()
            .as_deref()
            .and_then(free_huge_bytes)
            .is_some_and(|free| free >= MIN_FREE_HUGE_BYTES);
        if !enough {
            // Without the flag the process only runs slower on fragmented memory: nothing to report.
            let _ = rustix::thread::disable_transparent_huge_pages(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRESH: &str = "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n\
Node 0, zone    DMA32      0      4      2      2      1      2      0      3      3      1    753 \n\
Node 0, zone   Normal   6409   1053    329    286   1373   2801   2165    974    516    188    127 \n";

    #[test]
    fn counts_the_blocks_of_order_nine_and_up_in_every_zone() {
        // Order 9 blocks are 2 MiB, order 10 blocks 4 MiB.
        let mib = |n: u64| n << 20;
        let dma = mib(2) + 3 * mib(4);
        let dma32 = mib(2) + 753 * mib(4);
        let normal = 188 * mib(2) + 127 * mib(4);
        assert_eq!(free_huge_bytes(FRESH), Some(dma + dma32 + normal));
        assert!(free_huge_bytes(FRESH).is_some_and(|b| b >= MIN_FREE_HUGE_BYTES));
    }

    #[test]
    fn fragmented_memory_has_little_in_large_blocks() {
        let fragmented = "Node 0, zone   Normal 912345 40211 9012 1203 88 12 3 1 0 4 2\n";
        assert_eq!(free_huge_bytes(fragmented), Some((4 << 21) + (2 << 22)));
        assert!(free_huge_bytes(fragmented).is_some_and(|b| b < MIN_FREE_HUGE_BYTES));
    }

    #[test]
    fn text_without_zones_or_with_garbage_says_nothing() {
        assert_eq!(free_huge_bytes(""), None);
        assert_eq!(free_huge_bytes("Node 0, zone Normal 1 2 x\n"), None);
    }
}
