package backup

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// metadata is metadata.json of a v3 container. The field order is the key
// order Cake Wallet writes (BackupMetadata.toJson in
// lib/core/backup_service_v3.dart): version, sha512sum, chunks,
// cakeVersion; the app encodes it with JsonEncoder.withIndent('    ').
type metadata struct {
	Version     *int          `json:"version"`
	SHA512      string        `json:"sha512sum"`
	Chunks      []chunkRecord `json:"chunks"`
	CakeVersion string        `json:"cakeVersion"`
}

// chunkRecord describes one chunk of data.bin (ChunkDetails in the app).
// "encrypted" hashes and counts the whole v2 blob of the chunk, header
// included, exactly the bytes the chunk occupies in data.bin.
type chunkRecord struct {
	SHA512 chunkSums    `json:"sha512sum"`
	Length chunkLengths `json:"length"`
}

type chunkSums struct {
	Encrypted string `json:"encrypted"`
	Plain     string `json:"plain"`
}

type chunkLengths struct {
	Encrypted int64 `json:"encrypted"`
	Plain     int64 `json:"plain"`
}

// containerVersion is metadata.json's "version" for the format we write.
const containerVersion = 3

// maxChunkLen bounds a chunk's length so a damaged metadata.json cannot
// make a reader allocate without limit. The app writes 24 MiB chunks.
const maxChunkLen = 64<<20 + blobOverhead

// maxMetadataSize bounds what we read of metadata.json: at about 350 bytes
// per 24 MiB chunk, 16 MiB describe backups of over a terabyte, and
// decoding them stays within the memory a reader may use (a 64 MiB file
// decoded into 260 MiB).
const maxMetadataSize = 16 << 20

// encodeMetadata renders metadata.json the way the app does: 4-space
// indentation, no HTML escaping, no trailing newline.
func encodeMetadata(m *metadata) ([]byte, error) {
	if m.Chunks == nil {
		m.Chunks = []chunkRecord{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encoding metadata: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decodeMetadata parses and sanity-checks metadata.json. It does not
// compare it with data.bin; Open does.
func decodeMetadata(b []byte) (*metadata, error) {
	var m metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("metadata.json is not valid: %v: %w", err, ErrNotBackup)
	}
	if m.Version == nil {
		return nil, fmt.Errorf("metadata.json has no version: %w", ErrNotBackup)
	}
	if *m.Version != containerVersion {
		return nil, fmt.Errorf("container version %d: %w", *m.Version, ErrUnsupportedVersion)
	}
	if !isSHA512Hex(m.SHA512) {
		return nil, fmt.Errorf("metadata.json has no valid sha512sum: %w", ErrNotBackup)
	}
	for i, c := range m.Chunks {
		if !isSHA512Hex(c.SHA512.Encrypted) || !isSHA512Hex(c.SHA512.Plain) {
			return nil, &ChunkError{Index: i, Err: fmt.Errorf("metadata.json has an invalid sha512sum: %w", ErrNotBackup)}
		}
		if c.Length.Encrypted > maxChunkLen {
			return nil, &ChunkError{Index: i, Err: fmt.Errorf("metadata.json claims %d bytes, more than any backup writer uses: %w",
				c.Length.Encrypted, ErrNotBackup)}
		}
		overhead := c.Length.Encrypted - c.Length.Plain
		if c.Length.Plain < 0 || (overhead != blobOverhead && overhead != minBlobLen) {
			return nil, &ChunkError{Index: i, Err: fmt.Errorf("metadata.json lengths %d/%d do not fit a v2 blob: %w",
				c.Length.Encrypted, c.Length.Plain, ErrNotBackup)}
		}
	}
	return &m, nil
}

func isSHA512Hex(s string) bool {
	if len(s) != 2*64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
