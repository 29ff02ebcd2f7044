package protontest

import (
	"encoding/base64"
	"math"
	"net/http"
	"sort"
	"time"

	"github.com/rclone/go-proton-api"
)

func (s *Server) handleCreateFile(w http.ResponseWriter, r *http.Request, userID string) {
	var req proton.CreateFileReq
	if !decodeBody(w, r, &req) {
		return
	}
	switch {
	case req.ParentLinkID == "" || req.Hash == "" || req.MIMEType == "":
		invalid(w, "ParentLinkID, Hash and MIMEType are required")
		return
	case !isPGPMessage(req.Name) || !isPGPMessage(req.NodePassphrase):
		invalid(w, "Name and NodePassphrase must be encrypted")
		return
	case !isPGPPrivateKey(req.NodeKey) || !isPGPSignature(req.NodePassphraseSignature) || !isPGPSignature(req.ContentKeyPacketSignature):
		invalid(w, "NodeKey and signatures are required")
		return
	}
	if b, err := base64.StdEncoding.DecodeString(req.ContentKeyPacket); err != nil || len(b) == 0 {
		invalid(w, "ContentKeyPacket must be a base64 key packet")
		return
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	l, ok := s.createChildLocked(w, r.PathValue("shareID"), userID, req.SignatureAddress, proton.Link{
		ParentLinkID:            req.ParentLinkID,
		Type:                    proton.LinkTypeFile,
		Name:                    req.Name,
		Hash:                    req.Hash,
		State:                   proton.LinkStateDraft,
		MIMEType:                req.MIMEType,
		NodeKey:                 req.NodeKey,
		NodePassphrase:          req.NodePassphrase,
		NodePassphraseSignature: req.NodePassphraseSignature,
		FileProperties: &proton.FileProperties{
			ContentKeyPacket:          req.ContentKeyPacket,
			ContentKeyPacketSignature: req.ContentKeyPacketSignature,
		},
	})
	if !ok {
		return
	}
	rev := s.newDraftRevisionLocked(l, l.Link.CreateTime, req.SignatureAddress)
	s.saveThenReplyLocked(w, struct {
		Code int
		File proton.CreateFileRes
	}{CodeSuccess, proton.CreateFileRes{ID: l.Link.LinkID, RevisionID: rev.Revision.ID}})
}

// newDraftRevisionLocked adds an empty draft revision of file l.
func (s *Server) newDraftRevisionLocked(l *linkRecord, createTime int64, signatureEmail string) *revisionRecord {
	rev := &revisionRecord{
		LinkID: l.Link.LinkID,
		Revision: proton.RevisionMetadata{
			ID:             newID(),
			CreateTime:     createTime,
			SignatureEmail: signatureEmail,
			State:          proton.RevisionStateDraft,
		},
		Blocks: map[int]string{},
	}
	s.store.meta.Revisions[rev.Revision.ID] = rev
	return rev
}

// fileLocked returns linkID if it is a file of the share.
func (s *Server) fileLocked(shareID, linkID, userID string) (*linkRecord, bool) {
	return s.linkOfTypeLocked(shareID, linkID, userID, proton.LinkTypeFile)
}

// revisionsLocked lists a link's revisions, oldest first.
func (s *Server) revisionsLocked(linkID string) []*revisionRecord {
	return oldestFirst(s.store.meta.Revisions,
		func(rev *revisionRecord) bool { return rev.LinkID == linkID },
		func(rev *revisionRecord) (int64, string) { return rev.Revision.CreateTime, rev.Revision.ID })
}

func (s *Server) handleListRevisions(w http.ResponseWriter, r *http.Request, userID string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	l, ok := s.fileLocked(r.PathValue("shareID"), r.PathValue("linkID"), userID)
	// The real API answers 2501 for a link that only has a draft revision
	// (Proton-API-Bridge's handleRevisionConflict documents this).
	if !ok || l.Link.State == proton.LinkStateDraft {
		notFound(w)
		return
	}
	revs := []proton.RevisionMetadata{}
	for _, rev := range s.revisionsLocked(l.Link.LinkID) {
		revs = append(revs, rev.Revision)
	}
	writeJSON(w, http.StatusOK, struct {
		Code      int
		Revisions []proton.RevisionMetadata
	}{CodeSuccess, revs})
}

func (s *Server) handleCreateRevision(w http.ResponseWriter, r *http.Request, userID string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	l, ok := s.fileLocked(r.PathValue("shareID"), r.PathValue("linkID"), userID)
	if !ok || l.Link.State != proton.LinkStateActive {
		notFound(w)
		return
	}
	a, ok := s.accountLocked(userID)
	if !ok {
		notFound(w)
		return
	}
	for _, rev := range s.revisionsLocked(l.Link.LinkID) {
		if rev.Revision.State == proton.RevisionStateDraft {
			writeAPIError(w, http.StatusConflict, CodeAlreadyExists, "A draft revision already exists for this file")
			return
		}
	}
	rev := s.newDraftRevisionLocked(l, time.Now().Unix(), a.Email)
	s.saveThenReplyLocked(w, struct {
		Code     int
		Revision proton.CreateRevisionRes
	}{CodeSuccess, proton.CreateRevisionRes{ID: rev.Revision.ID}})
}

// revisionInPathLocked returns the revision named in the path if it
// belongs to the file named in the path; otherwise it replies 422 with
// CodeNotFound.
func (s *Server) revisionInPathLocked(w http.ResponseWriter, r *http.Request, userID string) (*linkRecord, *revisionRecord, bool) {
	l, rev, ok := s.revisionLocked(r.PathValue("shareID"), r.PathValue("linkID"), r.PathValue("revisionID"), userID)
	if !ok {
		notFound(w)
	}
	return l, rev, ok
}

// revisionLocked returns revisionID if it is a revision of the file linkID
// of the share.
func (s *Server) revisionLocked(shareID, linkID, revisionID, userID string) (*linkRecord, *revisionRecord, bool) {
	l, ok := s.fileLocked(shareID, linkID, userID)
	if !ok {
		return nil, nil, false
	}
	rev, ok := s.store.meta.Revisions[revisionID]
	if !ok || rev.LinkID != l.Link.LinkID {
		return nil, nil, false
	}
	return l, rev, true
}

// sortedBlocksLocked returns a revision's blocks by index.
func (s *Server) sortedBlocksLocked(rev *revisionRecord) []*blockRecord {
	var out []*blockRecord
	for _, id := range rev.Blocks {
		if b, ok := s.store.meta.Blocks[id]; ok {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

func (s *Server) handleGetRevision(w http.ResponseWriter, r *http.Request, userID string) {
	q := r.URL.Query()
	from, ok := queryInt(w, q, "FromBlockIndex", 1, 1, math.MaxInt)
	if !ok {
		return
	}
	pageSize, ok := queryInt(w, q, "PageSize", 0, 1, math.MaxInt)
	if !ok {
		return
	}

	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	_, rev, ok := s.revisionInPathLocked(w, r, userID)
	if !ok {
		return
	}
	out := proton.Revision{RevisionMetadata: rev.Revision, Blocks: []proton.Block{}}
	for _, b := range s.sortedBlocksLocked(rev) {
		if !b.Uploaded || b.Index < from {
			continue
		}
		if pageSize > 0 && len(out.Blocks) == pageSize {
			break
		}
		out.Blocks = append(out.Blocks, proton.Block{
			Index:          b.Index,
			BareURL:        s.url + "/storage/blocks/" + b.ID,
			Token:          b.DownloadToken,
			Hash:           b.Hash,
			EncSignature:   b.EncSignature,
			SignatureEmail: b.SignatureEmail,
		})
	}
	writeJSON(w, http.StatusOK, struct {
		Code     int
		Revision proton.Revision
	}{CodeSuccess, out})
}

func (s *Server) handleCommitRevision(w http.ResponseWriter, r *http.Request, userID string) {
	var req proton.CommitRevisionReq
	if !decodeBody(w, r, &req) {
		return
	}
	if !isPGPSignature(req.ManifestSignature) {
		invalid(w, "ManifestSignature is required")
		return
	}
	if req.XAttr != "" && !isPGPMessage(req.XAttr) {
		invalid(w, "XAttr must be encrypted")
		return
	}

	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if _, ok := s.signerLocked(w, userID, "SignatureAddress", req.SignatureAddress); !ok {
		return
	}
	l, rev, ok := s.revisionInPathLocked(w, r, userID)
	if !ok {
		return
	}
	if rev.Revision.State != proton.RevisionStateDraft {
		invalid(w, "Only a draft revision can be committed")
		return
	}
	var size int64
	for i, b := range s.sortedBlocksLocked(rev) {
		if b.Index != i+1 {
			invalid(w, "Revision blocks are not contiguous")
			return
		}
		if !b.Uploaded {
			invalid(w, "Not all blocks of the revision were uploaded")
			return
		}
		size += b.Size
	}
	for _, other := range s.revisionsLocked(l.Link.LinkID) {
		if other.Revision.State == proton.RevisionStateActive {
			other.Revision.State = proton.RevisionStateObsolete
		}
	}
	rev.Revision.State = proton.RevisionStateActive
	rev.Revision.Size = size
	rev.Revision.ManifestSignature = req.ManifestSignature
	rev.Revision.SignatureEmail = req.SignatureAddress
	rev.Revision.XAttr = req.XAttr

	l.Link.State = proton.LinkStateActive
	l.Link.Size = size
	l.Link.XAttr = req.XAttr
	l.Link.ModifyTime = time.Now().Unix()
	l.Link.FileProperties.ActiveRevision = rev.Revision
	s.saveThenReplyLocked(w, nil)
}

func (s *Server) handleDeleteRevision(w http.ResponseWriter, r *http.Request, userID string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	_, rev, ok := s.revisionInPathLocked(w, r, userID)
	if !ok {
		return
	}
	if rev.Revision.State == proton.RevisionStateActive {
		invalid(w, "The active revision cannot be deleted")
		return
	}
	s.store.deleteRevisionLocked(rev.Revision.ID)
	s.saveThenReplyLocked(w, nil)
}
