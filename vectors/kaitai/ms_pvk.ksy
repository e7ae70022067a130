meta:
  id: ms_pvk
  title: Microsoft PVK private key file
  application: pvk2pfx, makecert -sv, signcode; OpenSSL -outform PVK
  file-extension: pvk
  license: CC0-1.0
  ks-version: "0.11"
  endian: le
  imports:
    - ms_capi_blob
doc: |
  A PVK file: a 24-byte header, an optional salt, then a PRIVATEKEYBLOB (RSA2, DSS2 or
  DSS4; see ms_capi_blob). When `encrypted` is 1, the key blob's 8-byte BLOBHEADER is in
  clear and the rest is RC4-encrypted with a key derived from the salt and a password:
  SHA-1(salt || password), its first 16 bytes ("strong") or its first 5 bytes and 11
  zero bytes ("weak"); the file does not say which. Decrypting is outside this
  description: the encrypted part is shown as bytes.

  `valid` marks the header rules with their SPEC identifiers. Not checked here: that
  the file ends after the key blob [PVK-6], that `key_type` agrees with the key blob's
  aiKeyAlg [PVK-8], and that the key blob is a valid private key blob [PVK-7].
doc-ref:
  - SPEC.md §12 (blobformat, https://example.invalid/blobformat/SPEC.md)
seq:
  - id: header
    type: pvk_header
  - id: salt
    size: header.salt_length
    doc: Salt of the RC4 key derivation; empty when the file is not encrypted.
  - id: key
    size: header.key_length
    type:
      switch-on: header.encrypted
      cases:
        0: ms_capi_blob
        1: encrypted_key_blob
    doc: The private key blob [PVK-7], in clear or encrypted after its header.
types:
  pvk_header:
    doc-ref: SPEC.md §12.1, §12.2
    seq:
      - id: magic
        type: u4
        valid: '0xb0b5f11e'
        doc: 1E F1 B5 B0 in the file.
      - id: reserved
        type: u4
        valid: 0
        doc: Must be 0 [PVK-1].
      - id: key_type
        -orig-id: keytype
        type: u4
        enum: key_spec
        valid:
          any-of:
            - key_spec::at_keyexchange
            - key_spec::at_signature
        doc: |
          AT_KEYEXCHANGE (with CALG_RSA_KEYX) or AT_SIGNATURE (with CALG_RSA_SIGN or
          CALG_DSS_SIGN) [PVK-2], [PVK-8].
      - id: encrypted
        type: u4
        valid:
          any-of: [0, 1]
        doc: 0 in clear, 1 RC4-encrypted [PVK-3].
      - id: salt_length
        -orig-id: saltlen
        type: u4
        valid:
          expr: 'encrypted == 1 ? (_ >= 1 and _ <= 10240) : _ == 0'
        doc: 1..10240 when encrypted, else 0 [PVK-4].
      - id: key_length
        -orig-id: keylen
        type: u4
        valid:
          min: 8
          max: 102400
        doc: 8..102400, so that the key blob's header is always there [PVK-5].

  encrypted_key_blob:
    doc-ref: SPEC.md §12.3
    seq:
      - id: header
        type: ms_capi_blob::blob_header
        doc: The key blob's BLOBHEADER, in clear.
      - id: encrypted_body
        size-eos: true
        doc: The rest of the key blob, RC4-encrypted (magic first once decrypted).

enums:
  key_spec:
    1: at_keyexchange
    2: at_signature
