"""Generator of blobformat's published test vectors (see ``vectors/generate.py``).

One module per vector file. Every module builds its blobs with its own
little-endian encoder, from the committed keys in ``vectors/keys/`` and from
published data (Microsoft, Wine, RFC 3217), with all randomness drawn from
seeded generators. blobformat itself is used only where the generator needs
a primitive it does not reimplement (MD2/MD4 digests); the test suite
(``tests/test_vectors.py``) checks every vector against blobformat.
"""
