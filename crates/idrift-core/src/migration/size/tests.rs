//! Tests of Exchange size and count-and-size texts.

use super::*;

/// `bad` does not parse as a `T`, and the error quotes it.
fn assert_rejected<T>(bad: &str, error: fn(String) -> SizeError)
where
    T: std::str::FromStr<Err = SizeError> + std::fmt::Debug + PartialEq,
{
    assert_eq!(bad.parse::<T>(), Err(error(bad.to_owned())), "{bad:?}");
}

/// Every size printed in the article's example, with its exact bytes.
const ARTICLE: [(&str, u64); 13] = [
    ("1.152 GB (1,237,342,091 bytes)", 1_237_342_091),
    ("1.203 MB (1,261,537 bytes)", 1_261_537),
    ("1.464 GB (1,571,440,111 bytes)", 1_571_440_111),
    ("1.227 MB (1,286,579 bytes)", 1_286_579),
    ("0 B (0 bytes)", 0),
    ("247.9 MB (259,986,587 bytes)", 259_986_587),
    ("5.91 KB (6,052 bytes)", 6_052),
    ("500 MB (524,288,275 bytes)", 524_288_275),
    ("8.085 KB (8,279 bytes)", 8_279),
    ("2.485 GB (2,668,722,884 bytes)", 2_668_722_884),
    ("1.501 GB (1,612,092,317 bytes)", 1_612_092_317),
    ("1.4 GB (1,503,707,494 bytes)", 1_503_707_494),
    ("1.299 GB (1,394,743,256 bytes)", 1_394_743_256),
];

#[test]
fn article_sizes_parse_to_exact_bytes() {
    for (text, bytes) in ARTICLE {
        assert_eq!(text.parse::<ByteSize>(), Ok(ByteSize(bytes)), "{text}");
    }
}

#[test]
fn article_sizes_print_exactly_as_exchange_prints_them() {
    for (text, bytes) in ARTICLE {
        assert_eq!(ByteSize(bytes).to_string(), text);
    }
    assert_eq!(
        ByteSize(53_150_220_288).to_string(),
        "49.5 GB (53,150,220,288 bytes)"
    );
}

#[test]
fn localized_group_separators_and_bare_counts_are_accepted() {
    assert_eq!(
        "1,152 GB (1.237.342.091 bytes)".parse(),
        Ok(ByteSize(1_237_342_091))
    );
    assert_eq!(
        "1,152 GB (1 237 342 091 bytes)".parse(),
        Ok(ByteSize(1_237_342_091))
    );
    assert_eq!(
        "1.152 GB (1\u{a0}237\u{a0}342\u{a0}091 bytes)".parse(),
        Ok(ByteSize(1_237_342_091))
    );
    assert_eq!("1237342091".parse(), Ok(ByteSize(1_237_342_091)));
    assert_eq!("  1 B (1 byte) ".parse(), Ok(ByteSize(1)));
}

#[test]
fn sizes_without_exact_bytes_are_rejected() {
    for bad in [
        "",
        "1.152 GB",
        "Unlimited",
        "1.152 GB (bytes)",
        "1.152 XB (1,237 bytes)",
        "(1,237 bytes)",
        "1.152 GB (1,,237 bytes)",
        "1.152 GB (1,237, bytes)",
        "1.152 GB (99999999999999999999999 bytes)",
        "twelve",
    ] {
        assert_rejected::<ByteSize>(bad, SizeError::Size);
    }
}

#[test]
fn approx_uses_four_significant_digits_in_binary_units() {
    assert_eq!(approx(0), "0 B");
    assert_eq!(approx(1023), "1023 B");
    assert_eq!(approx(1024), "1 KB");
    assert_eq!(approx(1_048_113), "1024 KB");
    assert_eq!(approx(1_099_511_627_776), "1 TB");
    assert_eq!(approx(u64::MAX), "16777216 TB");
    assert_eq!(grouped(0), "0");
    assert_eq!(grouped(999), "999");
    assert_eq!(grouped(1000), "1,000");
    assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
}

#[test]
fn count_and_size_round_trips() {
    let cas: CountAndSize = "10188 [1.152 GB (1,237,342,091 bytes)]".parse().unwrap();
    assert_eq!(
        cas,
        CountAndSize {
            count: 10188,
            size: 1_237_342_091
        }
    );
    assert_eq!(cas.to_string(), "10188 [1.152 GB (1,237,342,091 bytes)]");
    let zero: CountAndSize = "0 [0 B (0 bytes)]".parse().unwrap();
    assert!(zero.is_empty());
    assert!(!cas.is_empty());
}

#[test]
fn malformed_count_and_size_is_rejected_with_the_text() {
    for bad in [
        "10188",
        "10188 [1.152 GB]",
        "[1.152 GB (1,237,342,091 bytes)]",
        "ten [0 B (0 bytes)]",
        "10188 [1.152 GB (1,237,342,091 bytes)",
        "-1 [0 B (0 bytes)]",
    ] {
        assert_rejected::<CountAndSize>(bad, SizeError::CountAndSize);
    }
}
