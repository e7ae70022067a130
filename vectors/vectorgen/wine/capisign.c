/* capisign: sign a message with CryptSignHash, or verify with CryptVerifySignature.
   usage: capisign sign PROVTYPE KEYBLOB MSGFILE ALG FLAGS [HASHVALHEX]
          capisign verify PROVTYPE PUBBLOB MSGFILE ALG FLAGS SIGHEX
   prints the signature as hex (as returned), or OK / FAIL. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static BYTE *slurp(const char *path, DWORD *len) {
    FILE *f = fopen(path, "rb"); BYTE *buf; long n;
    if (!f) { fprintf(stderr, "open %s\n", path); exit(3); }
    fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
    buf = malloc(n ? n : 1); fread(buf, 1, n, f); fclose(f); *len = (DWORD)n; return buf;
}
static DWORD unhex(const char *s, BYTE *out) {
    DWORD n = 0; unsigned v;
    while (s[0] && s[1]) { sscanf(s, "%2x", &v); out[n++] = (BYTE)v; s += 2; }
    return n;
}
int main(int argc, char **argv) {
    HCRYPTPROV prov; HCRYPTKEY key; HCRYPTHASH hash;
    DWORD keylen, msglen, provtype, alg, flags, siglen = 4096;
    BYTE *keyblob, *msg, sig[4096], hv[128];
    if (argc < 7) return 2;
    provtype = strtoul(argv[2], NULL, 0);
    keyblob = slurp(argv[3], &keylen); msg = slurp(argv[4], &msglen);
    alg = strtoul(argv[5], NULL, 0); flags = strtoul(argv[6], NULL, 0);
    if (!CryptAcquireContextA(&prov, NULL, NULL, provtype, CRYPT_VERIFYCONTEXT)) { printf("ERR acquire %lx\n", GetLastError()); return 1; }
    if (!CryptImportKey(prov, keyblob, keylen, 0, 0, &key)) { printf("ERR import %lx\n", GetLastError()); return 1; }
    if (!CryptCreateHash(prov, alg, 0, 0, &hash)) { printf("ERR hash %lx\n", GetLastError()); return 1; }
    if (!strcmp(argv[1], "sign") && argc > 7) {
        unhex(argv[7], hv);
        if (!CryptSetHashParam(hash, HP_HASHVAL, hv, 0)) { printf("ERR hashval %lx\n", GetLastError()); return 1; }
    } else if (!CryptHashData(hash, msg, msglen, 0)) { printf("ERR hashdata %lx\n", GetLastError()); return 1; }
    if (!strcmp(argv[1], "sign")) {
        DWORD spec = (keyblob[4] == 0 && keyblob[5] == 0x22) ? AT_SIGNATURE : ((keyblob[5] == 0x24) ? AT_SIGNATURE : AT_KEYEXCHANGE);
        if (!CryptSignHashA(hash, spec, NULL, flags, sig, &siglen)) { printf("ERR sign %lx\n", GetLastError()); return 1; }
        for (DWORD i = 0; i < siglen; i++) printf("%02x", sig[i]);
        printf("\n");
    } else {
        siglen = unhex(argv[7], sig);
        printf(CryptVerifySignatureA(hash, sig, siglen, key, NULL, flags) ? "OK\n" : "FAIL %lx\n", GetLastError());
    }
    return 0;
}
