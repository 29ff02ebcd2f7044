package protontest

import (
	"encoding/base64"
	"math"
	"net/http"

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
	nodeKey, pass := s.relock(userID, r.PathValue("shareID"), req.ParentLinkID, req.NodeKey, req.NodePassphrase)
	linkID, revID, err := s.drive.createFile(userID, r.PathValue("shareID"), req.SignatureAddress, proton.Link{
		ParentLinkID:            req.ParentLinkID,
		Type:                    proton.LinkTypeFile,
		Name:                    req.Name,
		Hash:                    req.Hash,
		State:                   proton.LinkStateDraft,
		MIMEType:                req.MIMEType,
		NodeKey:                 nodeKey,
		NodePassphrase:          req.NodePassphrase,
		NodePassphraseSignature: req.NodePassphraseSignature,
		FileProperties: &proton.FileProperties{
			ContentKeyPacket:          req.ContentKeyPacket,
			ContentKeyPacketSignature: req.ContentKeyPacketSignature,
		},
	})
	if err == nil {
		s.relocker.remember(linkID, pass)
	}
	reply(w, struct {
		Code int
		File proton.CreateFileRes
	}{CodeSuccess, proton.CreateFileRes{ID: linkID, RevisionID: revID}}, err)
}

func (s *Server) handleListRevisions(w http.ResponseWriter, r *http.Request, userID string) {
	revs, err := s.drive.revisions(userID, r.PathValue("shareID"), r.PathValue("linkID"))
	reply(w, struct {
		Code      int
		Revisions []proton.RevisionMetadata
	}{CodeSuccess, revs}, err)
}

func (s *Server) handleCreateRevision(w http.ResponseWriter, r *http.Request, userID string) {
	id, err := s.drive.createRevision(userID, r.PathValue("shareID"), r.PathValue("linkID"))
	reply(w, struct {
		Code     int
		Revision proton.CreateRevisionRes
	}{CodeSuccess, proton.CreateRevisionRes{ID: id}}, err)
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
	rev, err := s.drive.revision(userID, r.PathValue("shareID"), r.PathValue("linkID"), r.PathValue("revisionID"), from, pageSize)
	reply(w, struct {
		Code     int
		Revision proton.Revision
	}{CodeSuccess, rev}, err)
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
	reply(w, nil, s.drive.commitRevision(userID, r.PathValue("shareID"), r.PathValue("linkID"), r.PathValue("revisionID"), req))
}

func (s *Server) handleDeleteRevision(w http.ResponseWriter, r *http.Request, userID string) {
	reply(w, nil, s.drive.deleteRevision(userID, r.PathValue("shareID"), r.PathValue("linkID"), r.PathValue("revisionID")))
}
