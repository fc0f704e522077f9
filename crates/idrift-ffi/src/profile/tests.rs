//! Tests of `Profile.Get`: a profile becomes `Source` parts with absolute paths, and errors name the file.

use serde_json::{Value, json};

use crate::test_support::{call, error_message, temp_file};
use crate::wire::Status;

#[test]
fn a_profile_becomes_source_parts() {
    let (tmp, config) = temp_file(
        "config.toml",
        "[profiles.contoso]\nad = \"ldaps://dc1.contoso.com\"\nad_base_dn = [\"OU=Sync,DC=contoso,DC=com\"]\n\
         ad_bind = \"CONTOSO\\\\svc\"\nad_password_file = \"pw.txt\"\ntenant = \"contoso.onmicrosoft.com\"\n\
         client_id = \"abc\"\ncertificate = \"/etc/idrift/app.pem\"\n\n[profiles.files]\nad = \"ad.ldif\"\n\
         source_anchor = \"employeeID\"\n",
    );
    let (status, v) = call(
        &json!({"V": 1, "Op": "Profile.Get", "Args": {"Name": "contoso", "ConfigPath": config}}),
    );
    assert_eq!(status, Status::Ok, "{v}");
    let ok = &v["Ok"];
    assert_eq!(ok["Name"], "contoso");
    assert_eq!(ok["Ad"]["Url"], "ldaps://dc1.contoso.com");
    assert_eq!(ok["Ad"]["BaseDn"], json!(["OU=Sync,DC=contoso,DC=com"]));
    assert_eq!(ok["Ad"]["Bind"], "CONTOSO\\svc");
    assert_eq!(ok["Ad"]["PasswordFile"], json!(tmp.path().join("pw.txt")));
    assert_eq!(ok["Ad"]["AllowPlaintext"], false);
    assert_eq!(ok["AdFile"], Value::Null);
    assert_eq!(ok["Cloud"]["Tenant"], "contoso.onmicrosoft.com");
    assert_eq!(ok["Cloud"]["CertificatePath"], "/etc/idrift/app.pem");
    assert!(ok.get("SourceAnchor").is_none(), "{ok}");

    let (status, v) = call(
        &json!({"V": 1, "Op": "Profile.Get", "Args": {"Name": "files", "ConfigPath": config}}),
    );
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["Ok"]["Ad"], Value::Null);
    assert_eq!(v["Ok"]["AdFile"], json!(tmp.path().join("ad.ldif")));
    assert_eq!(v["Ok"]["SourceAnchor"], "employeeID");

    let (status, v) = call(
        &json!({"V": 1, "Op": "Profile.Get", "Args": {"Name": "fabrikam", "ConfigPath": config}}),
    );
    let message = error_message(status, &v);
    assert_eq!(v["Err"]["Kind"], "Invalid");
    assert!(
        message.contains("no profile \"fabrikam\" (profiles: contoso, files)"),
        "{v}"
    );
}

#[test]
fn bad_files_are_errors_naming_them() {
    let (tmp, config) = temp_file("bad.toml", "[profiles.x]\nclient_secret = \"s3cret\"\n");
    let (status, v) =
        call(&json!({"V": 1, "Op": "Profile.Get", "Args": {"Name": "x", "ConfigPath": config}}));
    assert_eq!(status, Status::Error, "{v}");
    assert_eq!(v["Err"]["Kind"], "Parse");
    let message = v["Err"]["Message"].as_str().unwrap();
    assert!(
        message.contains("bad.toml") && message.contains("line 2"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");

    let (status, v) = call(
        &json!({"V": 1, "Op": "Profile.Get", "Args": {"Name": "x", "ConfigPath": tmp.path().join("none.toml")}}),
    );
    assert_eq!(status, Status::Error, "{v}");
    assert_eq!(v["Err"]["Kind"], "Read");
    let (status, v) = call(
        &json!({"V": 1, "Op": "Profile.Get", "Args": {"Name": "x", "ConfigPath": "rel.toml"}}),
    );
    assert_eq!(status, Status::Error, "{v}");
    assert_eq!(v["Err"]["Kind"], "InvalidArgs");
}
