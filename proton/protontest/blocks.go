package protontest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"

	"github.com/rclone/go-proton-api"
)

// maxBlockSize bounds one encrypted block: the bridge's 4 MiB of plaintext
// plus encryption overhead.
const maxBlockSize = 5 << 20

func quotaExceeded(w http.ResponseWriter) {
	writeAPIError(w, http.StatusUnprocessableEntity, CodeQuotaExceeded, "Storage quota exceeded")
}

func (s *Server) handleRequestBlockUpload(w http.ResponseWriter, r *http.Request, userID string) {
	var req proton.BlockUploadReq
	if !decodeBody(w, r, &req) {
		return
	}
	if len(req.BlockList) == 0 {
		invalid(w, "BlockList is empty")
		return
	}
	var requested int64
	for _, b := range req.BlockList {
		hash, err := base64.StdEncoding.DecodeString(b.Hash)
		switch {
		case b.Index < 1:
			invalid(w, "Block indexes start at 1")
			return
		case b.Size <= 0 || b.Size > maxBlockSize:
			invalid(w, "Invalid block size")
			return
		case err != nil || len(hash) != sha256.Size:
			invalid(w, "Block hash must be a base64 SHA-256")
			return
		case !isPGPMessage(b.EncSignature):
			invalid(w, "Block EncSignature must be encrypted")
			return
		}
		requested += b.Size
	}

	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	a, ok := s.accountLocked(userID)
	if !ok || req.AddressID != a.AddressID {
		invalid(w, "AddressID is not an address of this account")
		return
	}
	l, rev, ok := s.revisionLocked(req.ShareID, req.LinkID, req.RevisionID, userID)
	if !ok || rev.Revision.State != proton.RevisionStateDraft {
		notFound(w)
		return
	}
	if q := s.store.quota; q >= 0 && s.store.usedSpaceLocked(userID)+requested > q {
		quotaExceeded(w)
		return
	}
	links := make([]proton.BlockUploadLink, 0, len(req.BlockList))
	for _, info := range req.BlockList {
		if old, ok := rev.Blocks[info.Index]; ok {
			s.store.deleteBlockLocked(old)
		}
		b := &blockRecord{
			ID:             newID(),
			LinkID:         l.Link.LinkID,
			RevisionID:     rev.Revision.ID,
			Index:          info.Index,
			Size:           info.Size,
			Hash:           info.Hash,
			EncSignature:   info.EncSignature,
			SignatureEmail: a.Email,
			UploadToken:    newID(),
			DownloadToken:  newID(),
		}
		s.store.meta.Blocks[b.ID] = b
		rev.Blocks[info.Index] = b.ID
		links = append(links, proton.BlockUploadLink{Token: b.UploadToken, BareURL: s.url + "/storage/blocks"})
	}
	s.saveThenReplyLocked(w, struct {
		Code        int
		UploadLinks []proton.BlockUploadLink
	}{CodeSuccess, links})
}

// blockByUploadTokenLocked finds the pending block an upload token is for.
func (s *Server) blockByUploadTokenLocked(token string) (*blockRecord, bool) {
	if token == "" {
		return nil, false
	}
	for _, b := range s.store.meta.Blocks {
		if b.UploadToken == token {
			return b, true
		}
	}
	return nil, false
}

// dropConnection reads n bytes of the request body and closes the
// connection without answering.
func dropConnection(w http.ResponseWriter, r *http.Request, n int64) {
	_, _ = io.CopyN(io.Discard, r.Body, n)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot hijack (e.g. HTTP/2): abort the handler, which resets the stream.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func (s *Server) handleUploadBlock(w http.ResponseWriter, r *http.Request) {
	if n, drop := s.faults.takeDrop(); drop {
		dropConnection(w, r, n)
		return
	}
	token := r.Header.Get("pm-storage-token")
	s.store.mu.Lock()
	b, ok := s.blockByUploadTokenLocked(token)
	var size int64
	var hash string
	if ok {
		size, hash = b.Size, b.Hash
	}
	s.store.mu.Unlock()
	if !ok {
		writeAPIError(w, http.StatusForbidden, http.StatusForbidden, "Invalid storage token")
		return
	}

	data, err := readBlockPart(r, size)
	if err != nil {
		invalid(w, err.Error())
		return
	}
	sum := sha256.Sum256(data)
	if int64(len(data)) != size || base64.StdEncoding.EncodeToString(sum[:]) != hash {
		invalid(w, "Block does not match the size and hash it was announced with")
		return
	}

	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	b, ok = s.blockByUploadTokenLocked(token)
	if !ok {
		writeAPIError(w, http.StatusForbidden, http.StatusForbidden, "Invalid storage token")
		return
	}
	if l, ok := s.store.meta.Links[b.LinkID]; ok && !b.Uploaded {
		if q := s.store.quota; q >= 0 && s.store.usedSpaceLocked(l.UserID)+b.Size > q {
			quotaExceeded(w)
			return
		}
	}
	if err := s.store.putBlockDataLocked(b.ID, data); err != nil {
		storageFailure(w, err)
		return
	}
	b.Uploaded = true
	s.saveThenReplyLocked(w, nil)
}

// readBlockPart reads the multipart field "Block" of an upload, refusing
// anything larger than the announced size.
func readBlockPart(r *http.Request, size int64) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errors.New("block upload must be multipart/form-data")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, errors.New("block upload has no Block field")
		}
		if err != nil {
			return nil, errors.New("malformed multipart body")
		}
		if part.FormName() != "Block" {
			continue
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, io.LimitReader(part, size+1)); err != nil {
			return nil, errors.New("malformed multipart body")
		}
		return buf.Bytes(), nil
	}
}

func (s *Server) handleDownloadBlock(w http.ResponseWriter, r *http.Request) {
	token := r.Header.Get("pm-storage-token")
	s.store.mu.Lock()
	b, ok := s.store.meta.Blocks[r.PathValue("blockID")]
	if !ok || !b.Uploaded || token == "" || token != b.DownloadToken {
		s.store.mu.Unlock()
		writeAPIError(w, http.StatusForbidden, http.StatusForbidden, "Invalid storage token")
		return
	}
	data, err := s.store.blockDataLocked(b.ID)
	s.store.mu.Unlock()
	if err != nil {
		storageFailure(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
