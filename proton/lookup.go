package proton

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	bridge "github.com/rclone/Proton-API-Bridge"
	protonapi "github.com/rclone/go-proton-api"
	"github.com/relvacode/iso8601"
)

// The bridge's SearchByNameInActiveFolderByID and ListDirectory unlock
// the folder's node key on every call, a 16 MiB key derivation (about
// 35 ms of CPU), and a search costs a hash check and a two-page listing.
// The lookups here do what those two do, the same way (the same keys,
// signature checks and link states), but unlock each folder's key once
// per Drive, and answer a name-hash lookup and a name listing of the
// same folder from one listing.
//
// What is kept for the life of a Drive (one command; a scheduled run is
// a new process) is only what never changes, so another client changing
// the Drive meanwhile cannot make it stale: a folder's node key and hash
// key are made with the folder and stay with it (a move re-encrypts the
// key's passphrase for the new parent, not the key), and so a folder's
// link, kept to unlock its key later, unlocks the same key whatever
// happened to the folder since. The account's address keys are read once
// per Drive, as the bridge reads its own once at login. Listings, names,
// states and the link IDs found by name are read afresh by every
// operation: another client may change them at any time.

// folderKeys are a folder's unlocked node key ring, which decrypts its
// children's names and keys, and its hash key, which hashes their names.
type folderKeys struct {
	kr      *crypto.KeyRing
	hashKey []byte
	hashErr error // why hashKey is missing
}

// folderKeys returns the keys of the folder linkID, unlocked from the
// share's key down through its parents, each folder once per Drive.
func (d *Drive) folderKeys(ctx context.Context, linkID string) (*folderKeys, error) {
	d.mu.Lock()
	k, known := d.keys[linkID]
	link := d.links[linkID]
	d.mu.Unlock()
	if known {
		return k, nil
	}
	b := d.bridge
	if linkID == b.RootLink.LinkID {
		link = b.RootLink
	}
	if link == nil {
		var err error
		if link, err = b.GetLink(ctx, linkID); err != nil {
			return nil, err
		}
	}
	if link.Type != protonapi.LinkTypeFolder {
		return nil, bridge.ErrLinkTypeMustToBeFolderType
	}
	parentKR := b.MainShareKR // The root's parent.
	if link.ParentLinkID != "" {
		parent, err := d.folderKeys(ctx, link.ParentLinkID)
		if err != nil {
			return nil, err
		}
		parentKR = parent.kr
	}
	verify, err := d.verifier(ctx, []string{link.SignatureEmail})
	if err != nil {
		return nil, err
	}
	kr, err := link.GetKeyRing(parentKR, verify)
	if err != nil {
		return nil, err
	}
	k = &folderKeys{kr: kr}
	// Newer hash keys are signed with the folder's own key.
	if verify, k.hashErr = d.verifier(ctx, []string{link.SignatureEmail}, kr); k.hashErr == nil {
		k.hashKey, k.hashErr = link.GetHashKey(kr, verify)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.keys == nil {
		d.keys = make(map[string]*folderKeys)
	}
	d.keys[linkID] = k
	delete(d.links, linkID)
	d.unlocked++
	return k, nil
}

// knowFolder remembers the link of a folder found in a listing, so that
// unlocking its key needs no request for it. Only the key material of
// the link is used later, which never changes.
func (d *Drive) knowFolder(link protonapi.Link) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.links == nil {
		d.links = make(map[string]*protonapi.Link)
	}
	d.links[link.LinkID] = &link
}

// verifier returns the key ring that checks signatures made by the given
// addresses, plus extra, as the bridge's getSignatureVerificationKeyring
// builds it: the keys of those of the addresses that are the account's.
// The share's own address, which signs almost everything, needs no
// request; any other is looked up once per Drive.
func (d *Drive) verifier(ctx context.Context, emails []string, extra ...*crypto.KeyRing) (*crypto.KeyRing, error) {
	b := d.bridge
	own := len(emails) > 0
	for _, e := range emails {
		own = own && e == b.MainShare.Creator
	}
	if own && len(extra) == 0 {
		return b.DefaultAddrKR, nil
	}
	kr, err := crypto.NewKeyRing(nil)
	if err != nil {
		return nil, err
	}
	add := func(from *crypto.KeyRing) error {
		if from == nil {
			return nil
		}
		for _, key := range from.GetKeys() {
			if err := kr.AddKey(key); err != nil {
				return err
			}
		}
		return nil
	}
	for _, e := range emails {
		switch {
		case e == b.MainShare.Creator:
			err = add(b.DefaultAddrKR)
		case e != "":
			var addrs map[string]*crypto.KeyRing
			if addrs, err = d.addressKeys(ctx); err == nil {
				err = add(addrs[e])
			}
		}
		if err != nil {
			return nil, err
		}
	}
	for _, x := range extra {
		if err := add(x); err != nil {
			return nil, err
		}
	}
	if kr.CountEntities() == 0 {
		return nil, bridge.ErrNoKeyringForSignatureVerification
	}
	return kr, nil
}

// addressKeys returns the public keys of the account's addresses' active
// keys, by email, read once per Drive.
func (d *Drive) addressKeys(ctx context.Context) (map[string]*crypto.KeyRing, error) {
	d.mu.Lock()
	m := d.addrKeys
	d.mu.Unlock()
	if m != nil {
		return m, nil
	}
	var addrs []protonapi.Address
	err := d.withClient(ctx, func(c *protonapi.Client) error {
		var err error
		addrs, err = c.GetAddresses(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	m = make(map[string]*crypto.KeyRing, len(addrs))
	for _, a := range addrs {
		kr, err := crypto.NewKeyRing(nil)
		if err != nil {
			return nil, err
		}
		for _, k := range a.Keys {
			if !k.Active {
				continue
			}
			key, err := crypto.NewKey(k.PrivateKey)
			if err != nil {
				continue // Not a key we can check with.
			}
			if pub, err := key.ToPublic(); err == nil {
				_ = kr.AddKey(pub) // Fails only on a duplicate.
			}
		}
		m[a.Email] = kr
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.addrKeys = m
	return m, nil
}

// folderList is one listing of a folder's children in every state.
type folderList struct {
	d     *Drive
	keys  *folderKeys
	links []protonapi.Link
}

// list lists the children of the folder linkID.
func (d *Drive) list(ctx context.Context, linkID string) (*folderList, error) {
	keys, err := d.folderKeys(ctx, linkID)
	if err != nil {
		return nil, err
	}
	var links []protonapi.Link
	err = d.withClient(ctx, func(c *protonapi.Client) error {
		var err error
		links, err = c.ListChildren(ctx, d.bridge.MainShare.ShareID, linkID, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &folderList{d: d, keys: keys, links: links}, nil
}

// find returns the child of type typ in state whose name hash is that of
// name, or nil, as the bridge's SearchByNameInActiveFolder finds it.
func (l *folderList) find(name string, typ protonapi.LinkType, state protonapi.LinkState) (*protonapi.Link, error) {
	if l.keys.hashErr != nil {
		return nil, l.keys.hashErr
	}
	hash, err := protonapi.GetNameHash(name, l.keys.hashKey)
	if err != nil {
		return nil, err
	}
	for i, c := range l.links {
		if c.State == state && c.Type == typ && c.Hash == hash {
			return &l.links[i], nil
		}
	}
	return nil, nil
}

// child is an active child with its name.
type child struct {
	link   *protonapi.Link
	name   string
	folder bool
}

// active returns the active children with their names, as the bridge's
// ListDirectory does: a name that does not decrypt is an error.
func (l *folderList) active(ctx context.Context) ([]child, error) {
	var out []child
	for i := range l.links {
		c := &l.links[i]
		if c.State != protonapi.LinkStateActive {
			continue
		}
		name, err := l.name(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, child{link: c, name: name, folder: c.Type == protonapi.LinkTypeFolder})
	}
	return out, nil
}

// listActive lists the folder linkID and names its active children, as
// the bridge's ListDirectory does.
func (d *Drive) listActive(ctx context.Context, linkID string) (*folderList, []child, error) {
	list, err := d.list(ctx, linkID)
	if err != nil {
		return nil, nil, err
	}
	items, err := list.active(ctx)
	if err != nil {
		return nil, nil, err
	}
	return list, items, nil
}

// name decrypts the name of the child c.
func (l *folderList) name(ctx context.Context, c *protonapi.Link) (string, error) {
	verify, err := l.d.verifier(ctx, []string{c.NameSignatureEmail, c.SignatureEmail})
	if err != nil {
		return "", err
	}
	return c.GetName(l.keys.kr, verify)
}

// errNoFileProperties is a file link without its file's properties.
var errNoFileProperties = errors.New("a file link without file properties")

// attrs returns the size and modification time kept, encrypted, in the
// active revision of the file c, as the bridge's GetActiveRevisionAttrs
// reads them; ok is false when the revision has none.
func (l *folderList) attrs(ctx context.Context, c *protonapi.Link) (size int64, modTime time.Time, ok bool, err error) {
	if c.FileProperties == nil {
		return 0, time.Time{}, false, errNoFileProperties
	}
	verify, err := l.d.verifier(ctx, []string{c.SignatureEmail})
	if err != nil {
		return 0, time.Time{}, false, err
	}
	kr, err := c.GetKeyRing(l.keys.kr, verify)
	if err != nil {
		return 0, time.Time{}, false, err
	}
	rev := c.FileProperties.ActiveRevision
	rev.XAttr = c.XAttr
	if verify, err = l.d.verifier(ctx, []string{rev.SignatureEmail}); err != nil {
		return 0, time.Time{}, false, err
	}
	x, err := rev.GetDecXAttrString(verify, kr)
	if err != nil || x == nil {
		return 0, time.Time{}, false, err
	}
	t, err := iso8601.ParseString(x.ModificationTime)
	if err != nil {
		return 0, time.Time{}, false, fmt.Errorf("modification time: %w", err)
	}
	return x.Size, t, true, nil
}
