package protontest

import (
	"math"
	"net/http"
	"strings"

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

func (s *Server) handleGetLink(w http.ResponseWriter, r *http.Request, userID string) {
	l, err := s.drive.link(userID, r.PathValue("shareID"), r.PathValue("linkID"))
	reply(w, struct {
		Code int
		Link proton.Link
	}{CodeSuccess, l}, err)
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
	links, err := s.drive.children(userID, r.PathValue("shareID"), r.PathValue("linkID"), page, pageSize, q.Get("ShowAll") == "1")
	reply(w, struct {
		Code  int
		Links []proton.Link
	}{CodeSuccess, links}, err)
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
	nodeKey, pass := s.relock(userID, r.PathValue("shareID"), req.ParentLinkID, req.NodeKey, req.NodePassphrase)
	id, err := s.drive.createFolder(userID, r.PathValue("shareID"), req.SignatureAddress, proton.Link{
		ParentLinkID:            req.ParentLinkID,
		Type:                    proton.LinkTypeFolder,
		Name:                    req.Name,
		Hash:                    req.Hash,
		State:                   proton.LinkStateActive,
		MIMEType:                "Folder",
		NodeKey:                 nodeKey,
		NodePassphrase:          req.NodePassphrase,
		NodePassphraseSignature: req.NodePassphraseSignature,
		FolderProperties:        &proton.FolderProperties{NodeHashKey: req.NodeHashKey},
	})
	if err == nil {
		s.relocker.remember(id, pass)
	}
	reply(w, struct {
		Code   int
		Folder proton.CreateFolderRes
	}{CodeSuccess, proton.CreateFolderRes{ID: id}}, err)
}

// relock returns the node key a client sent for a new child of parentID,
// locked again the cheap way when the server has a relocker and knows the
// parent's key, and its passphrase (nil when not re-locked).
func (s *Server) relock(userID, shareID, parentID, nodeKey, nodePassphrase string) (string, []byte) {
	if s.relocker == nil {
		return nodeKey, nil
	}
	parent, err := s.drive.link(userID, shareID, parentID)
	if err != nil {
		return nodeKey, nil
	}
	return s.relocker.relock(parentID, parent.NodeKey, nodeKey, nodePassphrase)
}

func (s *Server) handleCheckAvailableHashes(w http.ResponseWriter, r *http.Request, userID string) {
	var req proton.CheckAvailableHashesReq
	if !decodeBody(w, r, &req) {
		return
	}
	available, err := s.drive.availableHashes(userID, r.PathValue("shareID"), r.PathValue("linkID"), req.Hashes)
	reply(w, struct {
		Code              int
		AvailableHashes   []string
		PendingHashesData []proton.PendingHashData
	}{CodeSuccess, available, []proton.PendingHashData{}}, err)
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
	reply(w, nil, s.drive.moveLink(userID, r.PathValue("shareID"), r.PathValue("linkID"), req))
}

func (s *Server) handleTrashChildren(w http.ResponseWriter, r *http.Request, userID string) {
	s.changeChildren(w, r, userID, s.drive.trashChildren)
}

func (s *Server) handleDeleteChildren(w http.ResponseWriter, r *http.Request, userID string) {
	s.changeChildren(w, r, userID, s.drive.deleteChildren)
}

// changeChildren decodes {"LinkIDs": [...]}, applies change to them and
// replies with one result per link, as Proton's *_multiple routes do.
func (s *Server) changeChildren(w http.ResponseWriter, r *http.Request, userID string, change func(userID, shareID, parentID string, linkIDs []string) ([]linkResult, error)) {
	var req struct{ LinkIDs []string }
	if !decodeBody(w, r, &req) {
		return
	}
	results, err := change(userID, r.PathValue("shareID"), r.PathValue("linkID"), req.LinkIDs)
	reply(w, struct {
		Code      int
		Responses []linkResult
	}{CodeMulti, results}, err)
}

func (s *Server) handleEmptyTrash(w http.ResponseWriter, r *http.Request, userID string) {
	reply(w, nil, s.drive.emptyTrash(userID, r.PathValue("shareID")))
}
