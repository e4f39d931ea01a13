#!/usr/bin/env python3
"""Writes the seed corpus of apdu_fuzz into fuzz/corpus/apdu/.

Each seed is a session in apdu_fuzz's input format: records of one length
byte n and n bytes of C-APDU; n = 0 is a power cycle. The fixture card's PIN
is 1234.
"""
import hashlib
import os

AID = bytes.fromhex("D392F000260100000001")
SELECT_AP = bytes.fromhex("00A4040C0A") + AID


def select_ef(fid):
    return bytes.fromhex("00A4020C02") + fid.to_bytes(2, "big")


def read(offset, le):
    return bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, le])


def verify(pin):
    return bytes([0x00, 0x20, 0x00, 0x80, len(pin)]) + pin.encode()


RETRY = bytes.fromhex("00200080")
DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(b"m").digest()
SIGN = bytes([0x80, 0x2A, 0x00, 0x80, len(DIGEST_INFO)]) + DIGEST_INFO + b"\x00"
RESET = None

SEEDS = {
    "01_select_ap": [SELECT_AP],
    "02_read_cert_head": [SELECT_AP, select_ef(0x000A), read(0, 4)],
    "03_read_cert_chunks": [SELECT_AP, select_ef(0x000A)] + [read(o, 0) for o in range(0, 0x400, 0x100)],
    "04_read_ca_cert": [SELECT_AP, select_ef(0x000B), read(0, 0), read(0x100, 0)],
    "05_read_token": [SELECT_AP, select_ef(0x0006), read(0, 20)],
    "06_retry_query": [SELECT_AP, select_ef(0x0018), RETRY],
    "07_verify_right": [SELECT_AP, select_ef(0x0018), verify("1234")],
    "08_verify_wrong": [SELECT_AP, select_ef(0x0018), verify("0000"), RETRY],
    "09_verify_block": [SELECT_AP, select_ef(0x0018)] + [verify("0000")] * 3 + [verify("1234")],
    "10_sign": [SELECT_AP, select_ef(0x0018), verify("1234"), select_ef(0x0017), SIGN],
    "11_sign_without_verify": [SELECT_AP, select_ef(0x0017), SIGN],
    "12_verify_reset_sign": [SELECT_AP, select_ef(0x0018), verify("1234"), RESET, SELECT_AP,
                             select_ef(0x0017), SIGN],
    "13_read_key_ef": [SELECT_AP, select_ef(0x0017), read(0, 0)],
    "14_bad_cla": [bytes.fromhex("0CA4040C")],
    "15_bad_ins": [bytes.fromhex("00CA000000")],
    "16_extended_length": [bytes.fromhex("00A4040C00000A") + AID],
    "17_select_sign_pin": [SELECT_AP, select_ef(0x001B)],
    "18_read_past_end": [SELECT_AP, select_ef(0x000A), read(0x7FFF, 1)],
    "19_verify_malformed": [SELECT_AP, select_ef(0x0018), verify("12a4"), verify("12345")],
}


def encode(session):
    out = bytearray()
    for apdu in session:
        if apdu is None:
            out.append(0)
        else:
            assert 0 < len(apdu) < 256
            out.append(len(apdu))
            out += apdu
    return bytes(out)


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "apdu")
    os.makedirs(here, exist_ok=True)
    for name, session in SEEDS.items():
        with open(os.path.join(here, name), "wb") as f:
            f.write(encode(session))


if __name__ == "__main__":
    main()
