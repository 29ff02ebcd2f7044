package protontest

import (
	"net/http"
	"sort"

	"github.com/rclone/go-proton-api"
)

// volumeLocked builds the API view of an account's volume.
func (s *Server) volumeLocked(a *account) proton.Volume {
	v := proton.Volume{
		VolumeID:     a.VolumeID,
		CreationTime: a.CreateTime,
		ModifyTime:   a.CreateTime,
		UsedSpace:    s.store.usedSpaceLocked(a.UserID),
		State:        proton.VolumeStateActive,
	}
	if s.store.quota >= 0 {
		q := s.store.quota
		v.MaxSpace = &q
	}
	if sh, ok := s.store.meta.Shares[a.ShareID]; ok {
		v.Share = proton.VolumeShare{ShareID: sh.Share.ShareID, LinkID: sh.Share.LinkID}
	}
	return v
}

func (s *Server) handleListVolumes(w http.ResponseWriter, r *http.Request, userID string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	volumes := []proton.Volume{}
	if a, ok := s.store.meta.Accounts[userID]; ok {
		volumes = append(volumes, s.volumeLocked(a))
	}
	writeJSON(w, http.StatusOK, struct {
		Code    int
		Volumes []proton.Volume
	}{CodeSuccess, volumes})
}

func (s *Server) handleGetVolume(w http.ResponseWriter, r *http.Request, userID string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	a, ok := s.store.meta.Accounts[userID]
	if !ok || a.VolumeID != r.PathValue("volumeID") {
		missing(w, "Volume not found")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Code   int
		Volume proton.Volume
	}{CodeSuccess, s.volumeLocked(a)})
}

func (s *Server) handleListShares(w http.ResponseWriter, r *http.Request, userID string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	shares := []proton.ShareMetadata{}
	for _, sh := range s.store.meta.Shares {
		if sh.UserID == userID {
			shares = append(shares, sh.Share.ShareMetadata)
		}
	}
	sort.Slice(shares, func(i, j int) bool { return shares[i].ShareID < shares[j].ShareID })
	writeJSON(w, http.StatusOK, struct {
		Code   int
		Shares []proton.ShareMetadata
	}{CodeSuccess, shares})
}

func (s *Server) handleGetShare(w http.ResponseWriter, r *http.Request, userID string) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	sh, ok := s.shareLocked(r.PathValue("shareID"), userID)
	if !ok {
		missing(w, "Share not found")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Code int
		proton.Share
	}{CodeSuccess, sh.Share})
}

// shareLocked returns the share if it exists and belongs to userID.
func (s *Server) shareLocked(shareID, userID string) (*shareRecord, bool) {
	sh, ok := s.store.meta.Shares[shareID]
	if !ok || sh.UserID != userID {
		return nil, false
	}
	return sh, true
}

// linkLocked returns a link of shareID's volume owned by userID.
func (s *Server) linkLocked(shareID, linkID, userID string) (*linkRecord, bool) {
	if _, ok := s.shareLocked(shareID, userID); !ok {
		return nil, false
	}
	l, ok := s.store.meta.Links[linkID]
	if !ok || l.ShareID != shareID || l.UserID != userID {
		return nil, false
	}
	return l, true
}

// linkOfTypeLocked returns a link of shareID's volume owned by userID if it
// is a file or a folder as typ says.
func (s *Server) linkOfTypeLocked(shareID, linkID, userID string, typ proton.LinkType) (*linkRecord, bool) {
	l, ok := s.linkLocked(shareID, linkID, userID)
	if !ok || l.Link.Type != typ {
		return nil, false
	}
	return l, true
}

// accountLocked returns the account of userID.
func (s *Server) accountLocked(userID string) (*account, bool) {
	a, ok := s.store.meta.Accounts[userID]
	return a, ok
}

// signerLocked returns userID's account if email, the request's field
// (e.g. "SignatureAddress"), is its address; otherwise it replies 422 with
// CodeInvalidValue.
func (s *Server) signerLocked(w http.ResponseWriter, userID, field, email string) (*account, bool) {
	a, ok := s.accountLocked(userID)
	if !ok || email != a.Email {
		invalid(w, field+" is not an address of this account")
		return nil, false
	}
	return a, true
}
