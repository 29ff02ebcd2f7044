// Package backup reads and writes Cake Wallet backups: the v2 encrypted
// blob and the v3 ZIP container described in /work/shared/FORMAT.md.
//
// Writing streams a wallet folder into an inner ZIP archive, cuts it into
// 24 MiB chunks, seals each chunk as an independent v2 blob in parallel and
// writes the outer ZIP container in one pass, with no plaintext on disk.
// Reading checks the container without a password (CheckIntegrity), or
// decrypts and checks everything (Verify, Decrypt, List, Restore).
package backup
