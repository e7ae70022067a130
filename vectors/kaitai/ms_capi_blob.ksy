meta:
  id: ms_capi_blob
  title: Microsoft CryptoAPI key BLOB (BLOBHEADER / PUBLICKEYSTRUC and its bodies)
  application: Windows CryptoAPI (CryptExportKey, CryptImportKey), OpenSSL -outform MSBLOB, .NET ExportCspBlob
  file-extension:
    - blob
    - msblob
    - snk
  license: CC0-1.0
  ks-version: "0.11"
  endian: le
doc: |
  A key as Windows CryptoAPI exports it (`CryptExportKey`): an 8-byte BLOBHEADER, then a
  body chosen by `bType` and, for public and private key blobs, by the 4-byte magic
  after the header: RSA ("RSA1", "RSA2"), DSS version 2 ("DSS1", "DSS2") and version 3
  ("DSS3", "DSS4"), Diffie-Hellman version 2 ("\0DH1", "\0DH2") and version 3 ("\0DH3",
  "\0DH4"); SIMPLEBLOB (an RSA-wrapped session key), PLAINTEXTKEYBLOB,
  SYMMETRICWRAPKEYBLOB (RFC 3217 key wrap), and the opaque kinds OPAQUEKEYBLOB,
  PUBLICKEYBLOBEX and KEYSTATEBLOB, whose bodies are provider-private.

  Every integer is unsigned little-endian, big numbers included: the modulus, primes,
  exponents, DSS and DH values and RSA ciphertexts are byte arrays here, least
  significant byte first (reverse them for a big-endian reading). A number declared with
  a bit length of b bits takes ceil(b / 8) bytes and an RSA CRT component
  ceil(bitlen / 16) bytes: SPEC §2.3 rounds up, as OpenSSL, .NET and Wine read such keys.

  `valid` marks the fixed fields' rules with their SPEC identifiers. This description
  shows the structure; it does not check everything a strict decoder must (that the
  input ends where the blob ends, numbers below 2^bitlen, the session-key length table,
  relations between key numbers). Those are in SPEC.md, and vectors/conformance.py
  checks a decoder against the test vectors.

  CNG blobs (BCRYPT_RSAKEY_BLOB and friends, magic at offset 0) are another format;
  they belong in a file of their own.
doc-ref:
  - SPEC.md §3-§11 (blobformat, https://example.invalid/blobformat/SPEC.md)
  - https://learn.microsoft.com/en-us/windows/win32/seccrypto/base-provider-key-blobs
seq:
  - id: header
    type: blob_header
  - id: body
    type:
      switch-on: header.blob_type
      cases:
        blob_type::simpleblob: simple_blob
        blob_type::publickeyblob: key_blob
        blob_type::privatekeyblob: key_blob
        blob_type::plaintextkeyblob: plaintext_key_blob
        blob_type::symmetricwrapkeyblob: symmetric_wrap_key_blob
        _: opaque_blob
types:
  blob_header:
    doc: BLOBHEADER (PUBLICKEYSTRUC), 8 bytes at the start of every blob.
    doc-ref: SPEC.md §4.1, §4.2
    seq:
      - id: blob_type
        -orig-id: bType
        type: u1
        enum: blob_type
        valid:
          in-enum: true
        doc: The kind of blob [HDR-1]; other values (CSP-defined types) are unsupported.
      - id: version
        -orig-id: bVersion
        type: u1
        valid:
          expr: >-
            blob_type == blob_type::opaquekeyblob
            or blob_type == blob_type::publickeyblobex
            or blob_type == blob_type::keystateblob
            or _ == 2
            or (_ == 3 and (blob_type == blob_type::publickeyblob
                            or blob_type == blob_type::privatekeyblob))
        doc: |
          2, or 3 for the version-3 DSS and DH key blobs [HDR-2] (the magic decides
          which, see key_blob); kept as found in the opaque kinds.
      - id: reserved
        type: u2
        valid: 0
        doc: Must be 0 [HDR-3].
      - id: key_alg
        -orig-id: aiKeyAlg
        type: u4
        enum: alg_id
        valid:
          expr: >-
            (blob_type == blob_type::publickeyblob or blob_type == blob_type::privatekeyblob)
            ? is_key_pair_alg
            : blob_type == blob_type::simpleblob
            ? (is_data_encrypt_alg or is_msg_encrypt_alg)
            : (blob_type == blob_type::plaintextkeyblob or blob_type == blob_type::symmetricwrapkeyblob)
            ? is_data_encrypt_alg
            : true
        doc: |
          The key's algorithm. Key blobs: an RSA, DSS or DH algorithm, the one the
          magic allows [HDR-4] (checked at key_blob.magic). SIMPLEBLOB: the session
          key's, a DATA_ENCRYPT or MSG_ENCRYPT algorithm of SPEC §3.3 [SMP-2].
          PLAINTEXTKEYBLOB and SYMMETRICWRAPKEYBLOB: a DATA_ENCRYPT algorithm [PTK-1],
          [SWK-2]. Kept as found in the opaque kinds. AT_KEYEXCHANGE (1) and
          AT_SIGNATURE (2) are not ALG_IDs.
    instances:
      is_key_pair_alg:
        value: >-
          key_alg == alg_id::rsa_keyx or key_alg == alg_id::rsa_sign
          or key_alg == alg_id::dss_sign or key_alg == alg_id::dh_sf
          or key_alg == alg_id::dh_ephem
      is_data_encrypt_alg:
        value: >-
          key_alg == alg_id::des or key_alg == alg_id::rc2 or key_alg == alg_id::triple_des
          or key_alg == alg_id::desx or key_alg == alg_id::triple_des_112
          or key_alg == alg_id::skipjack or key_alg == alg_id::tek
          or key_alg == alg_id::cylink_mek or key_alg == alg_id::rc5
          or key_alg == alg_id::aes_128 or key_alg == alg_id::aes_192
          or key_alg == alg_id::aes_256 or key_alg == alg_id::aes
          or key_alg == alg_id::rc4 or key_alg == alg_id::seal
        doc: A DATA_ENCRYPT identifier of SPEC §3.3 (class 0x6000).
      is_msg_encrypt_alg:
        value: >-
          key_alg == alg_id::ssl3_master or key_alg == alg_id::schannel_master_hash
          or key_alg == alg_id::schannel_mac_key or key_alg == alg_id::pct1_master
          or key_alg == alg_id::ssl2_master or key_alg == alg_id::tls1_master
          or key_alg == alg_id::schannel_enc_key
        doc: A MSG_ENCRYPT identifier of SPEC §3.3 (class 0x4000).

  key_blob:
    doc: |
      PUBLICKEYBLOB (bType 6) or PRIVATEKEYBLOB (bType 7): a magic, then the layout it
      selects. A private magic in a PUBLICKEYBLOB, or a public one in a PRIVATEKEYBLOB,
      is malformed [HDR-5]; the version-3 magics go with bVersion 3, the others with 2
      [HDR-2].
    doc-ref: SPEC.md §3.2, §4.2
    seq:
      - id: magic
        type: u4
        enum: key_magic
        valid:
          expr: >-
            (is_private_magic or is_public_magic)
            and is_private_magic == (_parent.header.blob_type == blob_type::privatekeyblob)
            and is_version3_magic == (_parent.header.version == 3)
            and (is_rsa_magic
                 ? (_parent.header.key_alg == alg_id::rsa_keyx or _parent.header.key_alg == alg_id::rsa_sign)
                 : is_dss_magic
                 ? _parent.header.key_alg == alg_id::dss_sign
                 : (_parent.header.key_alg == alg_id::dh_sf or _parent.header.key_alg == alg_id::dh_ephem))
        doc: |
          Four ASCII bytes in file order ("RSA1" is 52 53 41 31), read as a u32: a
          magic of SPEC §3.2 [HDR-1], matching bType [HDR-5], bVersion [HDR-2] and
          aiKeyAlg (RSA: CALG_RSA_KEYX or CALG_RSA_SIGN; DSS: CALG_DSS_SIGN; DH:
          CALG_DH_SF or CALG_DH_EPHEM) [HDR-4].
      - id: key
        type:
          switch-on: magic
          cases:
            key_magic::rsa1: rsa_key(false)
            key_magic::rsa2: rsa_key(true)
            key_magic::dss1: dss_key_v2(false)
            key_magic::dss2: dss_key_v2(true)
            key_magic::dss3: key_v3(false, false)
            key_magic::dss4: key_v3(true, false)
            key_magic::dh1: dh_key_v2(false)
            key_magic::dh2: dh_key_v2(true)
            key_magic::dh3: key_v3(false, true)
            key_magic::dh4: key_v3(true, true)
    instances:
      is_public_magic:
        value: >-
          magic == key_magic::rsa1 or magic == key_magic::dss1 or magic == key_magic::dss3
          or magic == key_magic::dh1 or magic == key_magic::dh3
      is_private_magic:
        value: >-
          magic == key_magic::rsa2 or magic == key_magic::dss2 or magic == key_magic::dss4
          or magic == key_magic::dh2 or magic == key_magic::dh4
      is_rsa_magic:
        value: magic == key_magic::rsa1 or magic == key_magic::rsa2
      is_dss_magic:
        value: >-
          magic == key_magic::dss1 or magic == key_magic::dss2 or magic == key_magic::dss3
          or magic == key_magic::dss4
      is_version3_magic:
        value: >-
          magic == key_magic::dss3 or magic == key_magic::dss4
          or magic == key_magic::dh3 or magic == key_magic::dh4

  rsa_key:
    doc: |
      RSAPUBKEY and the key: magic "RSA1" (public: modulus only) or "RSA2" (private:
      modulus, the CRT values and the private exponent). aiKeyAlg is CALG_RSA_KEYX or
      CALG_RSA_SIGN [HDR-4]. Total after the header and magic: 8 + k (public),
      8 + 2k + 5h (private), k = ceil(bitlen / 8), h = ceil(bitlen / 16) [RSA-2].
    doc-ref: SPEC.md §5
    params:
      - id: is_private
        type: bool
    seq:
      - id: bit_length
        -orig-id: bitlen
        type: u4
        valid:
          expr: _ >= 384 and _ <= 16384 and _ % 8 == 0
        doc: |
          Modulus size in bits: 384..16384 [RSA-1], and 8 * ceil(bits(n) / 8), so a
          multiple of 8 with a non-zero last modulus byte [RSA-5].
      - id: public_exponent
        -orig-id: pubexp
        type: u4
        valid:
          expr: _ >= 3 and _ % 2 == 1
        doc: e, odd and at least 3 [RSA-3].
      - id: modulus
        size: k
        doc: n, little-endian, k bytes [RSA-4].
      - id: prime1
        size: h
        if: is_private
        doc: p, little-endian, h bytes.
      - id: prime2
        size: h
        if: is_private
        doc: q.
      - id: exponent1
        size: h
        if: is_private
        doc: d mod (p - 1).
      - id: exponent2
        size: h
        if: is_private
        doc: d mod (q - 1).
      - id: coefficient
        size: h
        if: is_private
        doc: q^-1 mod p.
      - id: private_exponent
        -orig-id: privateExponent
        size: k
        if: is_private
        doc: d, k bytes [RSA-4].
    instances:
      k:
        value: (bit_length + 7) / 8
        doc: Bytes of the modulus and the private exponent, ceil(bitlen / 8) (SPEC §2.3).
      h:
        value: (bit_length + 15) / 16
        doc: Bytes of each CRT value, ceil(bitlen / 16) (SPEC §2.3, §5.4).

  dss_key_v2:
    doc: |
      DSSPUBKEY version 2: magic "DSS1" (public: p, q, g, y) or "DSS2" (private: p, q,
      g, x; no y), then a DSSSEED. q and x are 160 bits. aiKeyAlg is CALG_DSS_SIGN.
      Total after the header and magic: 4 + 3n + 20 + 24 (public, n = bitlen / 8) or
      4 + 2n + 20 + 20 + 24 (private) [DSS-2].
    doc-ref: SPEC.md §6.1, §6.2
    params:
      - id: is_private
        type: bool
    seq:
      - id: bit_length
        -orig-id: bitlen
        type: u4
        valid:
          expr: _ >= 512 and _ <= 1024 and _ % 64 == 0
        doc: Size of p in bits, a multiple of 64 in 512..1024 [DSS-1].
      - id: p
        size: n
        doc: The prime p, n bytes; its last byte is non-zero [DSS-6].
      - id: q
        size: 20
      - id: g
        size: n
      - id: y
        size: n
        if: not is_private
      - id: x
        size: 20
        if: is_private
      - id: seed
        type: dss_seed
    instances:
      n:
        value: bit_length / 8

  key_v3:
    doc: |
      DSSPUBKEY_VER3 / DSSPRIVKEY_VER3 (magic "DSS3", "DSS4") and DHPUBKEY_VER3 /
      DHPRIVKEY_VER3 (magic "\0DH3", "\0DH4"): bit lengths, a DSSSEED, then the
      numbers, each nbytes(its bit length) = ceil(bits / 8) long. j is absent when
      bitlenJ is 0; for DH, q is absent when bitlenQ is 0 [DH-5]. bVersion is 3.
    doc-ref: SPEC.md §6.3, §7.2
    params:
      - id: is_private
        type: bool
      - id: is_dh
        type: bool
    seq:
      - id: bit_length_p
        -orig-id: bitlenP
        type: u4
        valid:
          expr: '_ >= 512 and _ <= (is_dh ? 4096 : 3072) and _ % 64 == 0'
        doc: A multiple of 64 in 512..3072 (DSS) [DSS-3] or 512..4096 (DH) [DH-3].
      - id: bit_length_q
        -orig-id: bitlenQ
        type: u4
        valid:
          expr: 'is_dh ? (_ == 0 or (_ >= 160 and _ < bit_length_p)) : (_ == 160 or _ == 224 or _ == 256)'
        doc: 160, 224 or 256 (DSS) [DSS-3]; 0 or 160..bitlenP - 1 (DH) [DH-3].
      - id: bit_length_j
        -orig-id: bitlenJ
        type: u4
        valid:
          expr: _ <= bit_length_p
        doc: 0 (no j) or 1..bitlenP [DSS-3], [DH-3].
      - id: bit_length_x
        -orig-id: bitlenX
        type: u4
        if: is_private
        valid:
          expr: '_ >= 1 and _ <= (bit_length_q == 0 ? bit_length_p : bit_length_q)'
        doc: 1..bitlenQ (1..bitlenP for DH without q) [DSS-3], [DH-3].
      - id: seed
        type: dss_seed
      - id: p
        size: len_p
      - id: q
        size: len_q
        if: bit_length_q != 0
      - id: g
        size: len_p
      - id: j
        size: len_j
        if: bit_length_j != 0
        doc: (p - 1) / q.
      - id: y
        size: len_p
      - id: x
        size: len_x
        if: is_private
    instances:
      len_p:
        value: (bit_length_p + 7) / 8
      len_q:
        value: (bit_length_q + 7) / 8
      len_j:
        value: (bit_length_j + 7) / 8
      len_x:
        value: (bit_length_x + 7) / 8
        if: is_private

  dh_key_v2:
    doc: |
      DHPUBKEY: magic "\0DH1" (public: y only; p and g live in the provider) or "\0DH2"
      (private: p, g, x), each n = bitlen / 8 bytes [DH-2]. aiKeyAlg is CALG_DH_SF or
      CALG_DH_EPHEM.
    doc-ref: SPEC.md §7.1
    params:
      - id: is_private
        type: bool
    seq:
      - id: bit_length
        -orig-id: bitlen
        type: u4
        valid:
          expr: _ >= 512 and _ <= 4096 and _ % 64 == 0
        doc: A multiple of 64 in 512..4096 [DH-1].
      - id: y
        size: n
        if: not is_private
      - id: p
        size: n
        if: is_private
      - id: g
        size: n
        if: is_private
      - id: x
        size: n
        if: is_private
    instances:
      n:
        value: bit_length / 8

  dss_seed:
    doc: |
      DSSSEED: the FIPS 186 counter and SEED (stored byte-reversed, like every
      CryptoAPI number). counter 0xFFFFFFFF means "no seed".
    doc-ref: SPEC.md §6.2
    seq:
      - id: counter
        type: u4
        valid:
          expr: _ < 0x80000000 or _ == 0xffffffff
        doc: Below 2^31, or 0xFFFFFFFF for no seed [DSS-7].
      - id: seed
        size: 20

  simple_blob:
    doc: |
      A session key wrapped with an RSA key-exchange key: header.key_alg is the session
      key's algorithm [SMP-2], then the wrapping algorithm and the ciphertext. Nothing
      records PKCS#1 v1.5 or OAEP padding.
    doc-ref: SPEC.md §8
    seq:
      - id: wrap_alg
        -orig-id: algid
        type: u4
        enum: alg_id
        valid: alg_id::rsa_keyx
        doc: CALG_RSA_KEYX [SMP-1].
      - id: encrypted_key
        -orig-id: encryptedkey
        size-eos: true
        valid:
          expr: _.size >= 48 and _.size <= 2048
        doc: |
          The RSA ciphertext, little-endian (reverse it for RFC 8017), as long as the
          wrapping key's modulus: 48..2048 bytes [SMP-3].

  plaintext_key_blob:
    doc: A session key in clear (header.key_alg is a DATA_ENCRYPT algorithm [PTK-1]).
    doc-ref: SPEC.md §9
    seq:
      - id: key_size
        -orig-id: dwKeySize
        type: u4
        doc: |
          The key's length in bytes; a length SPEC §15.1 allows for key_alg [PTK-3], and
          exactly the bytes that follow [PTK-2].
      - id: key
        -orig-id: rgbKeyData
        size: key_size
        doc: The key bytes, verbatim (DES parity is neither checked nor set).

  symmetric_wrap_key_blob:
    doc: A session key wrapped with a symmetric key (RFC 3217 key wrap).
    doc-ref: SPEC.md §10
    seq:
      - id: wrap_alg
        -orig-id: WrapAlgid
        type: u4
        enum: alg_id
        valid:
          any-of:
            - alg_id::triple_des
            - alg_id::rc2
        doc: CALG_3DES or CALG_RC2 [SWK-1].
      - id: wrapped_key
        size-eos: true
        valid:
          expr: _.size >= 24 and _.size <= 272 and _.size % 8 == 0
        doc: The RFC 3217 key-wrap output, a multiple of 8 bytes in 24..272 [SWK-3].

  opaque_blob:
    doc: |
      OPAQUEKEYBLOB, PUBLICKEYBLOBEX and KEYSTATEBLOB: provider-private bodies, kept
      verbatim and not interpreted.
    doc-ref: SPEC.md §11
    seq:
      - id: data
        size-eos: true

enums:
  blob_type:
    0x01:
      id: simpleblob
      doc-ref: SPEC.md §8
    0x06:
      id: publickeyblob
      doc-ref: SPEC.md §5-§7
    0x07:
      id: privatekeyblob
      doc-ref: SPEC.md §5-§7
    0x08:
      id: plaintextkeyblob
      doc-ref: SPEC.md §9
    0x09:
      id: opaquekeyblob
      doc-ref: SPEC.md §11
    0x0a:
      id: publickeyblobex
      doc-ref: SPEC.md §11
    0x0b:
      id: symmetricwrapkeyblob
      doc-ref: SPEC.md §10
    0x0c:
      id: keystateblob
      doc-ref: SPEC.md §11

  key_magic:
    0x31415352: rsa1
    0x32415352: rsa2
    0x31535344: dss1
    0x32535344: dss2
    0x33535344: dss3
    0x34535344: dss4
    0x31484400: dh1
    0x32484400: dh2
    0x33484400: dh3
    0x34484400: dh4

  alg_id:
    # SPEC §3.3; the class is bits 13-15 (0x2000 signature, 0xA000 key exchange,
    # 0x6000 data encryption, 0x4000 message encryption, 0x8000 hash).
    0x2200: dss_sign
    0x2400: rsa_sign
    0xa400: rsa_keyx
    0xaa01: dh_sf
    0xaa02: dh_ephem
    0x6601: des
    0x6602: rc2
    0x6603: triple_des
    0x6604: desx
    0x6609: triple_des_112
    0x660a: skipjack
    0x660b: tek
    0x660c: cylink_mek
    0x660d: rc5
    0x660e: aes_128
    0x660f: aes_192
    0x6610: aes_256
    0x6611: aes
    0x6801: rc4
    0x6802: seal
    0x4c01: ssl3_master
    0x4c02: schannel_master_hash
    0x4c03: schannel_mac_key
    0x4c04: pct1_master
    0x4c05: ssl2_master
    0x4c06: tls1_master
    0x4c07: schannel_enc_key
    0x8001: md2
    0x8002: md4
    0x8003: md5
    0x8004: sha1
    0x8005: mac
    0x8008: ssl3_shamd5
    0x8009: hmac
    0x800a: tls1prf
    0x800b: hash_replace_owf
    0x800c: sha_256
    0x800d: sha_384
    0x800e: sha_512
