package backup

import (
	"context"
	"errors"
	"io"
	"time"
)

// WriteOptions configure Write.
type WriteOptions struct {
	// Password seals the backup.
	Password string
	// AppName goes in README.txt: "This is a <AppName> backup. Do not
	// modify this archive."
	AppName string
	// AppVersion is metadata "cakeVersion" and goes in README.txt.
	AppVersion string
	// Now is the creation time written to README.txt; zero means
	// time.Now().
	Now time.Time
	// Workers is the number of chunks sealed in parallel; 0 means
	// runtime.NumCPU().
	Workers int
	// OnProgress, when not nil, is called with the number of plaintext
	// source bytes consumed since its previous call.
	OnProgress func(n int64)
}

// Summary describes a backup Write produced.
type Summary struct {
	// Size is the number of bytes written.
	Size int64
	// PlainSize is the length of the inner archive.
	PlainSize int64
	// Chunks is the number of sealed chunks.
	Chunks int
	// SHA512 is the lower-case hex SHA-512 of the inner archive.
	SHA512 string
}

// Write streams src as a v3 container to w in one pass.
func Write(ctx context.Context, w io.Writer, src *Source, opts WriteOptions) (*Summary, error) {
	return nil, errors.New("backup.Write: not implemented")
}

// EstimateSize returns an upper bound of the size of the container Write
// produces for src, for free-space checks.
func EstimateSize(src *Source) int64 {
	return -1
}
