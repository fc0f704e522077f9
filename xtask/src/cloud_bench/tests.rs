//! Tests of the cloud benchmark's figure parsing and its count check.

use super::*;

const LINE: &str = r#"{"pages":101,"requests":102,"seconds":2.5,"token_requests":1,"users":100000,"users_per_second":40000.0}"#;

#[test]
fn figures_are_parsed() {
    assert_eq!(
        parse(LINE).unwrap(),
        CloudFigures {
            users: 100_000,
            pages: 101,
            token_requests: 1,
            requests: 102,
            seconds: 2.5,
            users_per_second: 40_000.0,
        }
    );
    assert!(parse(r#"{"users":100000}"#).is_err());
    assert!(parse(r#"{"users":"many","pages":1,"token_requests":1,"requests":2,"seconds":1,"users_per_second":1}"#).is_err());
}

#[test]
fn the_request_count_must_be_pages_plus_tokens() {
    let ok = parse(LINE).unwrap();
    check(&ok).unwrap();
    let twice = CloudFigures {
        requests: 103,
        ..ok.clone()
    };
    assert!(
        check(&twice)
            .unwrap_err()
            .to_string()
            .contains("more than once")
    );
    let short = CloudFigures {
        users: 99_001,
        ..ok.clone()
    };
    assert!(check(&short).is_err());
    let pages = CloudFigures {
        pages: 100,
        requests: 101,
        ..ok
    };
    assert!(check(&pages).is_err());
}

#[test]
fn the_section_names_the_counts() {
    let s = section(&parse(LINE).unwrap());
    assert!(
        s.contains("| 100000 | 101 | 1 | 102 (= pages + token requests) | 2.50 s | 40000 |"),
        "{s}"
    );
}
