#!/usr/bin/env python3
"""The baseline of `cargo xtask bench`: a plain Python script doing the join `idrift dirsync compare` does.

Standard library only. Reads a snapshot directory (`ad.ldif`, `entra-users.json`), joins each AD user to
its Entra ID user by source anchor (mS-DS-ConsistencyGuid, else objectGUID, base64, against
onPremisesImmutableId), compares the mobile numbers as `idrift dirsync compare` does (exact text, a blank
value equal to an absent one), and writes one CSV row per user whose numbers differ, with whether they
differ only in formatting (the same digits: "+1 425 555 0100" and "+14255550100"). Prints the number of
drift rows on standard output.

usage: baseline_compare.py SNAPSHOT_DIR OUT.csv
"""

import base64
import csv
import json
import sys


def ldif_records(path):
    """Yields each LDIF record as a dict of lower-cased attribute name -> list of values (bytes or str)."""
    record = {}
    last = None
    with open(path, "r", encoding="utf-8-sig", newline="") as f:
        lines = []
        for raw in f:
            line = raw.rstrip("\r\n")
            if line.startswith(" ") and lines:
                lines[-1] += line[1:]
                continue
            lines.append(line)
            if line == "":
                yield parse_record(lines)
                lines = []
        if lines:
            yield parse_record(lines)


def parse_record(lines):
    record = {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition(":")
        name = name.split(";")[0].lower()
        if value.startswith(":"):
            value = base64.b64decode(value[1:].strip())
        else:
            value = value.lstrip(" ")
        record.setdefault(name, []).append(value)
    return record


def digits(phone):
    return "".join(c for c in phone if c.isdigit())


def main():
    snapshot, out = sys.argv[1], sys.argv[2]
    ad = {}
    for rec in ldif_records(snapshot + "/ad.ldif"):
        classes = [c.lower() for c in rec.get("objectclass", [])]
        if "user" not in classes or "computer" in classes:
            continue
        anchor = (rec.get("ms-ds-consistencyguid") or rec.get("objectguid") or [None])[0]
        if anchor is None:
            continue
        ad[base64.b64encode(anchor).decode("ascii")] = (
            rec["dn"][0],
            (rec.get("mobile") or [""])[0],
        )
    with open(snapshot + "/entra-users.json", "r", encoding="utf-8-sig") as f:
        cloud = json.load(f)["value"]
    rows = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["DistinguishedName", "OnPremMobile", "CloudMobile", "FormatOnly"])
        for u in cloud:
            match = ad.get(u.get("onPremisesImmutableId") or "")
            if match is None:
                continue
            if u.get("onPremisesSyncEnabled") is not True:
                continue
            dn, mobile = match
            mobile = mobile if mobile.strip() else ""
            cloud_mobile = u.get("mobilePhone") or ""
            cloud_mobile = cloud_mobile if cloud_mobile.strip() else ""
            if mobile != cloud_mobile:
                format_only = bool(mobile and cloud_mobile) and digits(mobile) == digits(cloud_mobile)
                w.writerow([dn, mobile, cloud_mobile, format_only])
                rows += 1
    print(rows)


if __name__ == "__main__":
    main()
