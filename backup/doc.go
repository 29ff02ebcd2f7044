// Package backup reads and writes Cake Wallet backups: the v2 encrypted
// blob and the v3 ZIP container described in docs/FORMAT.md (at the root
// of the repository).
//
// Writing streams a wallet folder into an inner ZIP archive, cuts it into
// 24 MiB chunks, seals each chunk as an independent v2 blob in parallel and
// writes the outer ZIP container in one pass, with no plaintext on disk.
// Reading checks the container without a password (CheckIntegrity), or
// decrypts and checks everything (Verify, Decrypt, List, Restore).
//
// What FORMAT.md leaves implicit was taken from the app's sources
// (cake-tech/cake_wallet lib/core/backup_service_v3.dart and
// cake-tech/cake_backup lib/backup.dart):
//
//   - metadata.json's "sha512sum.encrypted" and "length.encrypted" cover a
//     chunk's whole v2 blob, header included: exactly its bytes in
//     data.bin. "plain" covers the chunk's plaintext; the top-level
//     "sha512sum" the whole inner archive.
//   - Keys appear in the order version, sha512sum, chunks, cakeVersion, and
//     in each chunk sha512sum{encrypted, plain}, length{encrypted, plain};
//     the app encodes with a four-space JsonEncoder.withIndent, so no
//     HTML escaping and no trailing newline.
//   - README.txt is "This is a <app> backup. Do not modify this archive.",
//     a blank line, "App version: <v>", a blank line, a support line and
//     "This backup was created on <DateTime.toIso8601String()>". On import
//     the app matches `^This is a (.+) backup\.` and refuses other app
//     names, so WriteOptions.AppName defaults to "Cake Wallet".
//   - The outer entries are data.bin, metadata.json, README.txt in that
//     order. The app deflates them (level 9); we store them, since data.bin
//     is ciphertext and the app's reader (package archive, which takes
//     sizes from the central directory) reads stored entries and data
//     descriptors alike. Our reader accepts both.
//   - A file whose data ends exactly on a chunk boundary has no empty last
//     chunk: the app stops when a read returns nothing.
//   - The app derives a key per chunk (fresh salt each); we derive one key
//     per backup and share the salt, which the format allows, and the
//     reader derives once per distinct salt.
package backup
