package proton

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
)

// resolveFolder walks p from the Drive's root and returns the folder's
// link ID. Missing folders are created when create is set; otherwise a
// missing folder is an error wrapping destinations.ErrNotFound. Each
// folder on the way is listed once: the listing answers both the lookup
// by name hash and the check for a folder the hash does not find.
func (d *Drive) resolveFolder(ctx context.Context, p folderPath, create bool) (string, error) {
	b := d.bridge
	id := b.RootLink.LinkID
	for i, name := range p {
		where := p[:i+1].String()
		list, found, err := d.folderByHash(ctx, id, name, where)
		if err != nil {
			return "", err
		}
		if found != "" {
			id = found
			continue
		}
		// The name hash did not match. A folder of this name made by a
		// newer Proton Drive app may still be there (rclone issue 9622):
		// never create a second one next to it. The same listing says:
		// a folder another run made meanwhile would match by hash.
		if err := d.checkNoHiddenTwin(ctx, list, p[:i], p[:i+1], p); err != nil {
			return "", err
		}
		if !create {
			return "", &destinations.FolderMissingError{Msg: "no such folder " + where + " on Proton Drive"}
		}
		newID, err := createFolder(ctx, b, id, name)
		if err != nil {
			err = d.translate(err, "creating Proton Drive folder "+where)
			if !errors.Is(err, ErrNameTaken) {
				return "", err
			}
			// Taken since the lookup: by another run's folder, which is
			// ours to use, or by a file.
			_, found, ferr := d.folderByHash(ctx, id, name, where)
			if ferr != nil {
				return "", ferr
			}
			if found == "" {
				return "", fmt.Errorf("folder %s on Proton Drive: a file of that name is in the way", where)
			}
			newID = found
		}
		id = newID
	}
	return id, nil
}

// folderByHash lists the folder parentID and returns the listing and the
// link ID of the active folder called name in it, found by its name
// hash, or "" when there is none.
func (d *Drive) folderByHash(ctx context.Context, parentID, name, where string) (*folderList, string, error) {
	list, err := d.list(ctx, parentID)
	if err != nil {
		return nil, "", d.translate(err, "finding Proton Drive folder "+where)
	}
	link, err := list.find(name, protonapi.LinkTypeFolder, protonapi.LinkStateActive)
	if err != nil {
		return nil, "", d.translate(err, "finding Proton Drive folder "+where)
	}
	if link == nil {
		return list, "", nil
	}
	d.knowFolder(*link)
	return list, link.LinkID, nil
}

// checkNoHiddenTwin looks in the listing of parent, by decrypted name,
// for the item the name-hash lookup of folder want missed, and returns a
// *FolderError when there is one, or when the names in parent do not
// decrypt.
func (d *Drive) checkNoHiddenTwin(ctx context.Context, list *folderList, parent, want, full folderPath) error {
	items, err := list.active(ctx)
	if err != nil {
		if _, isAPI := apiError(err); !isAPI && strings.Contains(err.Error(), "openpgp") {
			// Names that do not decrypt with this account's keys.
			return &FolderError{Folder: parent.String(), Wanted: full.String(), Unreadable: true, Err: err}
		}
		return d.translate(err, "listing Proton Drive folder "+parent.String())
	}
	name := want[len(want)-1]
	for _, it := range items {
		if it.name == name && it.folder {
			return &FolderError{Folder: want.String(), Wanted: full.String()}
		}
	}
	return nil
}

// Folders returns the names of the folders in the Drive folder dir ("/"
// is the root, "/Backups" a folder in it), sorted. A missing dir is an
// error wrapping destinations.ErrNotFound.
func (d *Drive) Folders(ctx context.Context, dir string) ([]string, error) {
	p, err := parseFolderPath(dir)
	if err != nil {
		return nil, err
	}
	id, err := d.resolveFolder(ctx, p, false)
	if err != nil {
		return nil, err
	}
	_, items, err := d.listActive(ctx, id)
	if err != nil {
		return nil, d.translate(err, "listing Proton Drive folder "+p.String())
	}
	var names []string
	for _, it := range items {
		if it.folder {
			names = append(names, it.name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// MakeFolder creates the folder name in the existing Drive folder dir. A
// taken name is an error wrapping ErrNameTaken.
func (d *Drive) MakeFolder(ctx context.Context, dir, name string) error {
	p, err := parseFolderPath(dir)
	if err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return fmt.Errorf("folder %w", err)
	}
	id, err := d.resolveFolder(ctx, p, false)
	if err != nil {
		return err
	}
	if _, err := d.bridge.CreateNewFolderByID(ctx, id, name); err != nil {
		return d.translate(err, "creating Proton Drive folder "+append(p[:len(p):len(p)], name).String())
	}
	return nil
}
