package backup

import (
	"context"
	"errors"
	"io"
	"time"
)

// Archive is an opened backup: a v3 container or a bare v2 blob.
type Archive struct {
	r    io.ReaderAt
	size int64
}

// Info describes an opened backup.
type Info struct {
	// Version is 2 for a bare blob, 3 for a container.
	Version int
	// AppName and AppVersion come from README.txt and metadata.json.
	AppName, AppVersion string
	// Created is the creation time from README.txt; zero if unknown.
	Created time.Time
	// Size is the length of the backup file; PlainSize of the inner
	// archive (0 if unknown before decryption).
	Size, PlainSize int64
	// Chunks is the number of sealed chunks.
	Chunks int
	// SHA512 is the hex SHA-512 of the inner archive from metadata.
	SHA512 string
}

// Entry is one file of the inner archive.
type Entry struct {
	// Name is the slash-separated path inside the inner archive.
	Name string
	// Size is the uncompressed length in bytes.
	Size int64
}

// Open reads the structure of a backup of the given size: a v3 container
// (starting with "PK") or a bare v2 blob (starting with 0x02). A version 1
// backup yields ErrLegacyV1.
func Open(r io.ReaderAt, size int64) (*Archive, error) {
	return nil, errors.New("backup.Open: not implemented")
}

// Info returns what is known about the backup without decrypting it.
func (a *Archive) Info() Info { return Info{} }

// CheckIntegrity checks, without the password, the container, its metadata
// and each chunk's encrypted SHA-512 and BLAKE2b checksum.
func (a *Archive) CheckIntegrity(ctx context.Context) error {
	return errors.New("backup.CheckIntegrity: not implemented")
}

// Verify runs CheckIntegrity, then decrypts every chunk and checks the
// plaintext SHA-512s, the whole archive's SHA-512 and that every entry of
// the inner ZIP reads back with a correct CRC.
func (a *Archive) Verify(ctx context.Context, password string) error {
	return errors.New("backup.Verify: not implemented")
}

// List returns the files in the inner archive.
func (a *Archive) List(ctx context.Context, password string) ([]Entry, error) {
	return nil, errors.New("backup.List: not implemented")
}

// Wallets returns the wallets found in entries, as "<type>/<name>" (such as
// "monero/main") from paths "wallets/<type>/<name>/...", sorted.
func (a *Archive) Wallets(entries []Entry) []string { return nil }

// Decrypt streams the inner archive to w, checking every chunk as it goes.
func (a *Archive) Decrypt(ctx context.Context, password string, w io.Writer) error {
	return errors.New("backup.Decrypt: not implemented")
}

// IntegrityCheck opens the backup and checks it without a password. It has
// the shape of destinations.Check.
func IntegrityCheck(ctx context.Context, r io.ReaderAt, size int64) error {
	a, err := Open(r, size)
	if err != nil {
		return err
	}
	return a.CheckIntegrity(ctx)
}
