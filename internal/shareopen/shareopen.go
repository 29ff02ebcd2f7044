// Package shareopen opens files and folders that cakebackup holds open
// while they are renamed or removed: a backup's lock, the folder a
// restore fills, a killed restore's lock file. Unix lets that be done to
// any open file. Windows refuses it, with a sharing violation, unless the
// handle shares deletion (FILE_SHARE_DELETE), which os.Open's does not.
package shareopen
