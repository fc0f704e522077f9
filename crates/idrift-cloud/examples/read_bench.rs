//! Temporary: measures read_users on a big file.
#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "scratch")]
use std::io::Write;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = &args[1];
    if args.len() > 2 {
        let n: usize = args[2].parse().unwrap();
        let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        w.write_all(b"{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users\",\"value\":[\n").unwrap();
        for i in 0..n {
            if i > 0 {
                w.write_all(b",\n").unwrap();
            }
            write!(w, "{{\"id\":\"{:08x}-0000-4000-8000-{:012x}\",\"userPrincipalName\":\"user{i}@contoso.com\",\"displayName\":\"User {i}\",\"mail\":\"user{i}@contoso.com\",\"onPremisesImmutableId\":\"PC0eD1pLeGmHlqW0w9Lh8A==\",\"onPremisesSyncEnabled\":true,\"mobilePhone\":\"+1 425 555 {:04}\",\"businessPhones\":[\"+1 425 555 0100\"],\"proxyAddresses\":[\"SMTP:user{i}@contoso.com\",\"smtp:user{i}@contoso.mail.onmicrosoft.com\"],\"assignedLicenses\":[{{\"disabledPlans\":[],\"skuId\":\"c7df2760-2c81-4ef7-b578-5b5392b571df\"}}],\"onPremisesProvisioningErrors\":[],\"serviceProvisioningErrors\":[]}}", i, i, i % 10000).unwrap();
        }
        w.write_all(b"\n]}\n").unwrap();
        return;
    }
    let t = std::time::Instant::now();
    let f = std::fs::File::open(path).unwrap();
    let users = idrift_cloud::snapshot::read_users(f).unwrap();
    println!("{} users in {:?}", users.len(), t.elapsed());
}
#[allow(dead_code, reason = "scratch")]
fn unused() {}
