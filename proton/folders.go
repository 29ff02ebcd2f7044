package proton

import (
	"context"
	"errors"
	"fmt"
	"sort"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
)

// resolveFolder walks p from the Drive's root and returns the folder's
// link ID. Missing folders are created when create is set; otherwise a
// missing folder is an error wrapping destinations.ErrNotFound.
func (d *Drive) resolveFolder(ctx context.Context, p folderPath, create bool) (string, error) {
	b := d.bridge
	id := b.RootLink.LinkID
	for i, name := range p {
		where := p[:i+1].String()
		link, err := b.SearchByNameInActiveFolderByID(ctx, id, name, false, true, protonapi.LinkStateActive)
		if err != nil {
			return "", d.translate(err, "finding Proton Drive folder "+where)
		}
		if link != nil {
			id = link.LinkID
			continue
		}
		if !create {
			return "", fmt.Errorf("no such folder %s on Proton Drive: %w", where, destinations.ErrNotFound)
		}
		newID, err := b.CreateNewFolderByID(ctx, id, name)
		if err != nil {
			err = d.translate(err, "creating Proton Drive folder "+where)
			if errors.Is(err, ErrNameTaken) {
				return "", fmt.Errorf("folder %s on Proton Drive: a file of that name is in the way", where)
			}
			return "", err
		}
		id = newID
	}
	return id, nil
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
	items, err := d.bridge.ListDirectory(ctx, id)
	if err != nil {
		return nil, d.translate(err, "listing Proton Drive folder "+p.String())
	}
	var names []string
	for _, it := range items {
		if it.IsFolder {
			names = append(names, it.Name)
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
