package protontest

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/rclone/go-proton-api"
)

// StoredData is a snapshot of everything the server holds, exactly as
// clients sent it, so tests can assert what reached the server (and that
// no plaintext did).
type StoredData struct {
	Shares    []proton.Share
	Links     []proton.Link
	Revisions []StoredRevision
	Blocks    []StoredBlock
}

// StoredRevision is one revision of a file link.
type StoredRevision struct {
	LinkID string
	proton.RevisionMetadata
}

// StoredBlock is one uploaded, encrypted block.
type StoredBlock struct {
	ID         string
	LinkID     string
	RevisionID string
	Index      int
	Hash       string
	Data       []byte
}

// Stored returns a snapshot of the stored shares, links, revisions and
// uploaded blocks, each sorted by ID.
func (s *Server) Stored() (StoredData, error) { return s.drive.stored() }

// stored is Server.Stored.
func (st *drive) stored() (StoredData, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var d StoredData
	for _, sh := range st.meta.Shares {
		d.Shares = append(d.Shares, sh.Share)
	}
	for _, l := range st.meta.Links {
		d.Links = append(d.Links, l.Link)
	}
	for _, rev := range st.meta.Revisions {
		d.Revisions = append(d.Revisions, StoredRevision{LinkID: rev.LinkID, RevisionMetadata: rev.Revision})
	}
	for _, b := range st.meta.Blocks {
		if !b.Uploaded {
			continue
		}
		data, err := st.blockDataLocked(b.ID)
		if err != nil {
			return StoredData{}, err
		}
		d.Blocks = append(d.Blocks, StoredBlock{
			ID: b.ID, LinkID: b.LinkID, RevisionID: b.RevisionID, Index: b.Index, Hash: b.Hash,
			Data: append([]byte(nil), data...),
		})
	}
	sort.Slice(d.Shares, func(i, j int) bool { return d.Shares[i].ShareID < d.Shares[j].ShareID })
	sort.Slice(d.Links, func(i, j int) bool { return d.Links[i].LinkID < d.Links[j].LinkID })
	sort.Slice(d.Revisions, func(i, j int) bool { return d.Revisions[i].ID < d.Revisions[j].ID })
	sort.Slice(d.Blocks, func(i, j int) bool { return d.Blocks[i].ID < d.Blocks[j].ID })
	return d, nil
}

// Contains reports whether needle occurs in any stored block or in any
// stored metadata (names, keys, attributes). Use it to assert that a
// plaintext name or content never reached the server.
func (d StoredData) Contains(needle []byte) bool {
	if len(needle) == 0 {
		return true
	}
	for _, b := range d.Blocks {
		if bytes.Contains(b.Data, needle) {
			return true
		}
	}
	var meta bytes.Buffer
	enc := json.NewEncoder(&meta)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Shares    []proton.Share
		Links     []proton.Link
		Revisions []StoredRevision
	}{d.Shares, d.Links, d.Revisions})
	if err != nil {
		return true // cannot prove absence
	}
	if bytes.Contains(meta.Bytes(), needle) {
		return true
	}
	// Also look for the needle as it appears inside a JSON string.
	quoted, err := json.Marshal(string(needle))
	if err != nil {
		return true
	}
	return bytes.Contains(meta.Bytes(), bytes.Trim(quoted, `"`))
}

// ActiveFiles returns the number of active file links (drafts, trashed
// and deleted files excluded).
func (d StoredData) ActiveFiles() int {
	n := 0
	for _, l := range d.Links {
		if l.Type == proton.LinkTypeFile && l.State == proton.LinkStateActive {
			n++
		}
	}
	return n
}
