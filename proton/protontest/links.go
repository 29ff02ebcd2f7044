package protontest

import (
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/armor"
	"github.com/rclone/go-proton-api"
)

// maxChildrenPageSize is the largest page go-proton-api asks for.
const maxChildrenPageSize = 150

// isPGPMessage reports whether s is an armored OpenPGP message: names,
// passphrases and extended attributes must arrive encrypted.
func isPGPMessage(s string) bool {
	return isArmored(s, "PGP MESSAGE")
}

// isPGPSignature reports whether s is an armored OpenPGP signature.
func isPGPSignature(s string) bool {
	return isArmored(s, "PGP SIGNATURE")
}

// isPGPPrivateKey reports whether s is an armored (locked) private key.
func isPGPPrivateKey(s string) bool {
	return isArmored(s, "PGP PRIVATE KEY BLOCK")
}

// isArmored reports whether s holds an OpenPGP armor block of the given
// type (the text between "-----BEGIN " and "-----") and unarmors cleanly.
func isArmored(s, blockType string) bool {
	if !strings.Contains(s, "-----BEGIN "+blockType+"-----") {
		return false
	}
	_, err := armor.Unarmor(s)
	return err == nil
}

// childrenLocked lists parentID's children, oldest first.
func (s *Server) childrenLocked(parentID string) []*linkRecord {
	return oldestFirst(s.store.meta.Links,
		func(l *linkRecord) bool { return l.Link.ParentLinkID == parentID },
		func(l *linkRecord) (int64, string) { return l.Link.CreateTime, l.Link.LinkID })
}

// oldestFirst returns the records of m that keep accepts, ordered by the
// creation time and then the ID that created reports.
func oldestFirst[R any](m map[string]*R, keep func(*R) bool, created func(*R) (int64, string)) []*R {
	var out []*R
	for _, rec := range m {
		if keep(rec) {
			out = append(out, rec)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ti, idi := created(out[i])
		tj, idj := created(out[j])
		if ti != tj {
			return ti < tj
		}
		return idi < idj
	})
	return out
}

// nameTakenLocked reports whether a draft or active child of parentID other
// than exceptID has the name hash. Trashed links do not hold their name.
func (s *Server) nameTakenLocked(parentID, hash, exceptID string) bool {
	for _, c := range s.childrenLocked(parentID) {
		if c.Link.LinkID == exceptID || c.Link.Hash != hash {
			continue
		}
		if c.Link.State == proton.LinkStateActive || c.Link.State == proton.LinkStateDraft {
			return true
		}
	}
	return false
}

// folderLocked returns linkID if it is a folder of the share.
func (s *Server) folderLocked(shareID, linkID, userID string) (*linkRecord, bool) {
	return s.linkOfTypeLocked(shareID, linkID, userID, proton.LinkTypeFolder)
}

// activeFolderLocked returns linkID if it is an active folder of the share.
func (s *Server) activeFolderLocked(shareID, linkID, userID string) (*linkRecord, bool) {
	l, ok := s.folderLocked(shareID, linkID, userID)
	if !ok || l.Link.State != proton.LinkStateActive {
		return nil, false
	}
	return l, true
}

// createChildLocked adds link, a file or folder from a create request
// signed by signer, under link.ParentLinkID in shareID, setting its ID,
// times and signature emails. Otherwise it replies 422: CodeInvalidValue
// when signer is not the caller's address, CodeNotFound when the parent is
// not an active folder of the share, and CodeAlreadyExists when an active
// link or another upload's draft holds the name hash (the bridge then looks
// the link up and decides what to do).
func (s *Server) createChildLocked(w http.ResponseWriter, shareID, userID, signer string, link proton.Link) (*linkRecord, bool) {
	if _, ok := s.signerLocked(w, userID, "SignatureAddress", signer); !ok {
		return nil, false
	}
	parent, ok := s.activeFolderLocked(shareID, link.ParentLinkID, userID)
	if !ok {
		notFound(w)
		return nil, false
	}
	if s.nameTakenLocked(parent.Link.LinkID, link.Hash, "") {
		nameExists(w)
		return nil, false
	}
	now := time.Now().Unix()
	link.LinkID = newID()
	link.CreateTime, link.ModifyTime = now, now
	link.NameSignatureEmail, link.SignatureEmail = signer, signer
	l := &linkRecord{ShareID: shareID, UserID: userID, Link: link}
	s.store.meta.Links[l.Link.LinkID] = l
	return l, true
}

func (s *Server) handleGetLink(w http.ResponseWriter, r *http.Request, userID string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	l, ok := s.linkLocked(r.PathValue("shareID"), r.PathValue("linkID"), userID)
	if !ok {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Code int
		Link proton.Link
	}{CodeSuccess, l.Link})
}

func (s *Server) handleListChildren(w http.ResponseWriter, r *http.Request, userID string) {
	q := r.URL.Query()
	page, ok := queryInt(w, q, "Page", 0, 0, math.MaxInt)
	if !ok {
		return
	}
	pageSize, ok := queryInt(w, q, "PageSize", 50, 1, maxChildrenPageSize)
	if !ok {
		return
	}
	showAll := q.Get("ShowAll") == "1"

	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	parent, ok := s.folderLocked(r.PathValue("shareID"), r.PathValue("linkID"), userID)
	if !ok {
		notFound(w)
		return
	}
	links := []proton.Link{}
	for _, c := range s.childrenLocked(parent.Link.LinkID) {
		if c.Link.State == proton.LinkStateActive || (showAll && (c.Link.State == proton.LinkStateDraft || c.Link.State == proton.LinkStateTrashed)) {
			links = append(links, c.Link)
		}
	}
	start := page * pageSize
	if start > len(links) {
		start = len(links)
	}
	end := min(start+pageSize, len(links))
	writeJSON(w, http.StatusOK, struct {
		Code  int
		Links []proton.Link
	}{CodeSuccess, links[start:end]})
}

func (s *Server) handleCreateFolder(w http.ResponseWriter, r *http.Request, userID string) {
	var req proton.CreateFolderReq
	if !decodeBody(w, r, &req) {
		return
	}
	switch {
	case req.ParentLinkID == "" || req.Hash == "":
		invalid(w, "ParentLinkID and Hash are required")
		return
	case !isPGPMessage(req.Name) || !isPGPMessage(req.NodePassphrase) || !isPGPMessage(req.NodeHashKey):
		invalid(w, "Name, NodePassphrase and NodeHashKey must be encrypted")
		return
	case !isPGPPrivateKey(req.NodeKey) || !isPGPSignature(req.NodePassphraseSignature):
		invalid(w, "NodeKey and NodePassphraseSignature are required")
		return
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	l, ok := s.createChildLocked(w, r.PathValue("shareID"), userID, req.SignatureAddress, proton.Link{
		ParentLinkID:            req.ParentLinkID,
		Type:                    proton.LinkTypeFolder,
		Name:                    req.Name,
		Hash:                    req.Hash,
		State:                   proton.LinkStateActive,
		MIMEType:                "Folder",
		NodeKey:                 req.NodeKey,
		NodePassphrase:          req.NodePassphrase,
		NodePassphraseSignature: req.NodePassphraseSignature,
		FolderProperties:        &proton.FolderProperties{NodeHashKey: req.NodeHashKey},
	})
	if !ok {
		return
	}
	s.saveThenReplyLocked(w, struct {
		Code   int
		Folder proton.CreateFolderRes
	}{CodeSuccess, proton.CreateFolderRes{ID: l.Link.LinkID}})
}

func (s *Server) handleCheckAvailableHashes(w http.ResponseWriter, r *http.Request, userID string) {
	var req proton.CheckAvailableHashesReq
	if !decodeBody(w, r, &req) {
		return
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	parent, ok := s.folderLocked(r.PathValue("shareID"), r.PathValue("linkID"), userID)
	if !ok {
		notFound(w)
		return
	}
	available := []string{}
	for _, h := range req.Hashes {
		if !s.nameTakenLocked(parent.Link.LinkID, h, "") {
			available = append(available, h)
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Code              int
		AvailableHashes   []string
		PendingHashesData []proton.PendingHashData
	}{CodeSuccess, available, []proton.PendingHashData{}})
}

func (s *Server) handleMoveLink(w http.ResponseWriter, r *http.Request, userID string) {
	var req proton.MoveLinkReq
	if !decodeBody(w, r, &req) {
		return
	}
	switch {
	case req.ParentLinkID == "" || req.Hash == "":
		invalid(w, "ParentLinkID and Hash are required")
		return
	case !isPGPMessage(req.Name) || !isPGPMessage(req.NodePassphrase):
		invalid(w, "Name and NodePassphrase must be encrypted")
		return
	case req.NodePassphraseSignature != "" && !isPGPSignature(req.NodePassphraseSignature):
		invalid(w, "Invalid NodePassphraseSignature")
		return
	}
	shareID := r.PathValue("shareID")

	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if _, ok := s.signerLocked(w, userID, "NameSignatureEmail", req.NameSignatureEmail); !ok {
		return
	}
	l, ok := s.linkLocked(shareID, r.PathValue("linkID"), userID)
	if !ok || l.Link.State != proton.LinkStateActive {
		notFound(w)
		return
	}
	if l.Link.ParentLinkID == "" {
		invalid(w, "The root folder cannot be moved")
		return
	}
	if req.OriginalHash != "" && req.OriginalHash != l.Link.Hash {
		invalid(w, "OriginalHash does not match the current name")
		return
	}
	dst, ok := s.activeFolderLocked(shareID, req.ParentLinkID, userID)
	if !ok {
		notFound(w)
		return
	}
	for p := dst; p != nil; p = s.store.meta.Links[p.Link.ParentLinkID] {
		if p.Link.LinkID == l.Link.LinkID {
			invalid(w, "A folder cannot be moved into itself")
			return
		}
		if p.Link.ParentLinkID == "" {
			break
		}
	}
	if s.nameTakenLocked(dst.Link.LinkID, req.Hash, l.Link.LinkID) {
		nameExists(w)
		return
	}
	l.Link.ParentLinkID = dst.Link.LinkID
	l.Link.Name = req.Name
	l.Link.Hash = req.Hash
	l.Link.NameSignatureEmail = req.NameSignatureEmail
	l.Link.NodePassphrase = req.NodePassphrase
	if req.NodePassphraseSignature != "" {
		l.Link.NodePassphraseSignature = req.NodePassphraseSignature
		l.Link.SignatureEmail = req.SignatureEmail
	}
	l.Link.ModifyTime = time.Now().Unix()
	s.saveThenReplyLocked(w, nil)
}

// linkResult is one entry of a multi-link response.
type linkResult struct {
	LinkID   string
	Response apiError
}

func (s *Server) handleTrashChildren(w http.ResponseWriter, r *http.Request, userID string) {
	s.changeChildren(w, r, userID, func(c *linkRecord) (int, string) {
		if c.Link.State == proton.LinkStateTrashed {
			return CodeSuccess, ""
		}
		c.Link.State = proton.LinkStateTrashed
		c.Link.ModifyTime = time.Now().Unix()
		return CodeSuccess, ""
	})
}

func (s *Server) handleDeleteChildren(w http.ResponseWriter, r *http.Request, userID string) {
	s.changeChildren(w, r, userID, func(c *linkRecord) (int, string) {
		s.store.deleteLinkLocked(c.Link.LinkID)
		return CodeSuccess, ""
	})
}

// changeChildren applies change to each child named in {"LinkIDs": [...]}
// and replies with one result per link, as Proton's *_multiple routes do.
func (s *Server) changeChildren(w http.ResponseWriter, r *http.Request, userID string, change func(*linkRecord) (int, string)) {
	var req struct{ LinkIDs []string }
	if !decodeBody(w, r, &req) {
		return
	}
	shareID := r.PathValue("shareID")

	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	parent, ok := s.folderLocked(shareID, r.PathValue("linkID"), userID)
	if !ok {
		notFound(w)
		return
	}
	results := []linkResult{}
	for _, id := range req.LinkIDs {
		c, ok := s.linkLocked(shareID, id, userID)
		if !ok || c.Link.ParentLinkID != parent.Link.LinkID {
			results = append(results, linkResult{LinkID: id, Response: apiError{Code: CodeNotFound, Error: linkNotFound}})
			continue
		}
		code, msg := change(c)
		results = append(results, linkResult{LinkID: id, Response: apiError{Code: code, Error: msg}})
	}
	s.saveThenReplyLocked(w, struct {
		Code      int
		Responses []linkResult
	}{CodeMulti, results})
}

func (s *Server) handleEmptyTrash(w http.ResponseWriter, r *http.Request, userID string) {
	shareID := r.PathValue("shareID")
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if _, ok := s.shareLocked(shareID, userID); !ok {
		missing(w, "Share not found")
		return
	}
	var trashed []string
	for id, l := range s.store.meta.Links {
		if l.ShareID == shareID && l.Link.State == proton.LinkStateTrashed {
			trashed = append(trashed, id)
		}
	}
	for _, id := range trashed {
		s.store.deleteLinkLocked(id)
	}
	s.saveThenReplyLocked(w, nil)
}
