package protontest

import (
	"sort"

	"github.com/rclone/go-proton-api"
)

// volumeLocked builds the API view of an account's volume.
func (st *drive) volumeLocked(a *account) proton.Volume {
	v := proton.Volume{
		VolumeID:     a.VolumeID,
		CreationTime: a.CreateTime,
		ModifyTime:   a.CreateTime,
		UsedSpace:    st.usedSpaceLocked(a.UserID),
		State:        proton.VolumeStateActive,
	}
	if st.quota >= 0 {
		q := st.quota
		v.MaxSpace = &q
	}
	if sh, ok := st.meta.Shares[a.ShareID]; ok {
		v.Share = proton.VolumeShare{ShareID: sh.Share.ShareID, LinkID: sh.Share.LinkID}
	}
	return v
}

// volumes lists userID's volumes.
func (st *drive) volumes(userID string) []proton.Volume {
	st.mu.Lock()
	defer st.mu.Unlock()
	volumes := []proton.Volume{}
	if a, ok := st.meta.Accounts[userID]; ok {
		volumes = append(volumes, st.volumeLocked(a))
	}
	return volumes
}

// volume returns userID's volume volumeID.
func (st *drive) volume(userID, volumeID string) (proton.Volume, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.meta.Accounts[userID]
	if !ok || a.VolumeID != volumeID {
		return proton.Volume{}, errVolumeNotFound
	}
	return st.volumeLocked(a), nil
}

// shares lists userID's shares by ID.
func (st *drive) shares(userID string) []proton.ShareMetadata {
	st.mu.Lock()
	defer st.mu.Unlock()
	shares := []proton.ShareMetadata{}
	for _, sh := range st.meta.Shares {
		if sh.UserID == userID {
			shares = append(shares, sh.Share.ShareMetadata)
		}
	}
	sort.Slice(shares, func(i, j int) bool { return shares[i].ShareID < shares[j].ShareID })
	return shares
}

// share returns userID's share shareID.
func (st *drive) share(userID, shareID string) (proton.Share, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sh, ok := st.shareLocked(shareID, userID)
	if !ok {
		return proton.Share{}, errShareNotFound
	}
	return sh.Share, nil
}

// shareLocked returns the share if it exists and belongs to userID.
func (st *drive) shareLocked(shareID, userID string) (*shareRecord, bool) {
	sh, ok := st.meta.Shares[shareID]
	if !ok || sh.UserID != userID {
		return nil, false
	}
	return sh, true
}

// linkLocked returns a link of shareID's volume owned by userID.
func (st *drive) linkLocked(shareID, linkID, userID string) (*linkRecord, bool) {
	if _, ok := st.shareLocked(shareID, userID); !ok {
		return nil, false
	}
	l, ok := st.meta.Links[linkID]
	if !ok || l.ShareID != shareID || l.UserID != userID {
		return nil, false
	}
	return l, true
}

// linkOfTypeLocked returns a link of shareID's volume owned by userID if it
// is a file or a folder as typ says.
func (st *drive) linkOfTypeLocked(shareID, linkID, userID string, typ proton.LinkType) (*linkRecord, bool) {
	l, ok := st.linkLocked(shareID, linkID, userID)
	if !ok || l.Link.Type != typ {
		return nil, false
	}
	return l, true
}

// accountLocked returns the account of userID.
func (st *drive) accountLocked(userID string) (*account, bool) {
	a, ok := st.meta.Accounts[userID]
	return a, ok
}

// signerLocked returns userID's account if email, the request's field
// (e.g. "SignatureAddress"), is its address; otherwise a CodeInvalidValue
// refusal.
func (st *drive) signerLocked(userID, field, email string) (*account, error) {
	a, ok := st.accountLocked(userID)
	if !ok || email != a.Email {
		return nil, errInvalid(field + " is not an address of this account")
	}
	return a, nil
}

// mainShare returns the main share of userID, its root link and the
// account's address.
func (st *drive) mainShare(userID string) (shareID, rootID, email string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.accountLocked(userID)
	if !ok {
		return "", "", "", errLinkNotFound
	}
	sh, ok := st.shareLocked(a.ShareID, userID)
	if !ok {
		return "", "", "", errLinkNotFound
	}
	return sh.Share.ShareID, sh.Share.LinkID, a.Email, nil
}

// addressID returns the address ID of userID's account.
func (st *drive) addressID(userID string) (string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.accountLocked(userID)
	if !ok {
		return "", errLinkNotFound
	}
	return a.AddressID, nil
}
